import { reportScheduleSchema, reportSchedulesResponseSchema, reportSentResponseSchema } from '@vigil/shared/console';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { auditLog, reportSchedules } from '../db/schema/index.ts';
import { readableMail, smtpSettingsFor, startTestSmtpServer, type TestSmtpServer } from '../notifications/testing/index.ts';
import { buildTriageTestApp, call, insertAlert, staff, type TriageTestApp } from '../triage/testing/triage-fixtures.ts';
import { ReportMailer } from './report-mailer.ts';
import { lastFullPeriod, nextSendTime } from './report-periods.ts';
import { findSchedule } from './report-schedules.repository.ts';
import { pdfPageTexts } from './testing/pdf-text.ts';

const mailLogin = { username: 'vigil-mailer', password: 'smtp secret 42' };
let t: TriageTestApp;
let smtp: TestSmtpServer;
let admin: SignedIn;

beforeAll(async () => {
  t = await buildTriageTestApp();
  smtp = await startTestSmtpServer(mailLogin);
  admin = await staff(t, 'admin');
  // The SMTP server is set trust-wide (Administration → Notifications).
  const saved = await call(t, await staff(t, 'admin', { siteId: null }), 'PUT', '/api/notifications/smtp', smtpSettingsFor(smtp, mailLogin));
  expect(saved.statusCode, saved.body).toBeLessThan(300);
});
afterAll(async () => {
  await smtp?.close();
  await t?.close();
});

/** The PDF attached to a received message (base64 MIME part). */
function attachedPdf(raw: string): Buffer {
  const part = /Content-Type: application\/pdf[^]*?\r?\n\r?\n([A-Za-z0-9+/=\r\n]+)/.exec(raw);
  if (part?.[1] === undefined) throw new Error('no PDF attachment');
  return Buffer.from(part[1].replace(/\s+/g, ''), 'base64');
}

describe('report periods', () => {
  it('covers the last whole month or term and sends at 06:00 UTC on the first day after it', () => {
    const at = new Date('2031-01-15T10:00:00Z');
    expect(lastFullPeriod('monthly', at)).toEqual({ from: new Date('2030-12-01T00:00:00Z'), to: new Date('2031-01-01T00:00:00Z') });
    expect(lastFullPeriod('termly', at)).toEqual({ from: new Date('2030-09-01T00:00:00Z'), to: new Date('2031-01-01T00:00:00Z') });
    expect(lastFullPeriod('termly', new Date('2031-06-01T00:00:00Z'))).toEqual({
      from: new Date('2031-01-01T00:00:00Z'),
      to: new Date('2031-04-01T00:00:00Z'),
    });
    expect(nextSendTime('monthly', at)).toEqual(new Date('2031-02-01T06:00:00Z'));
    expect(nextSendTime('termly', at)).toEqual(new Date('2031-04-01T06:00:00Z'));
    expect(nextSendTime('termly', new Date('2031-09-01T05:00:00Z'))).toEqual(new Date('2031-09-01T06:00:00Z'));
    expect(nextSendTime('termly', new Date('2031-10-01T05:00:00Z'))).toEqual(new Date('2032-01-01T06:00:00Z'));
  });
});

describe("the governors' report by e-mail", () => {
  it("an admin schedules it for named recipients and sends it now: a PDF attachment through the school's SMTP server, audited", async () => {
    const created = await call(t, admin, 'POST', '/api/reports/schedules', {
      recipients: ['Chair@Governors.test', 'clerk@governors.test'],
      frequency: 'monthly',
      siteId: t.estate.siteId,
    });
    expect(created.statusCode, created.body).toBe(201);
    const schedule = reportScheduleSchema.parse(created.json());
    expect(schedule).toMatchObject({
      siteName: 'Northfield',
      recipients: ['chair@governors.test', 'clerk@governors.test'],
      frequency: 'monthly',
      lastRunAt: null,
    });
    expect(Date.parse(schedule.nextRunAt)).toBeGreaterThan(Date.now());

    // Last month's alerts: 6 bullying on the site.
    const period = lastFullPeriod('monthly', new Date());
    for (let n = 0; n < 6; n += 1) await insertAlert(t, { deviceId: t.estate.device.a1, ts: new Date(period.from.getTime() + (n + 1) * 3_600_000) });

    const sent = await call(t, admin, 'POST', `/api/reports/schedules/${schedule.id}/send`);
    expect(sent.statusCode, sent.body).toBe(200);
    expect(reportSentResponseSchema.parse(sent.json())).toEqual({ from: period.from.toISOString(), to: period.to.toISOString(), recipients: 2 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail?.to).toEqual(['chair@governors.test', 'clerk@governors.test']);
    expect(mail?.secure).toBe(true);
    expect(readableMail(mail?.raw ?? '')).toContain("Subject: Governors' safeguarding report: Northfield");
    const pages = await pdfPageTexts(attachedPdf(mail?.raw ?? ''));
    expect(pages[0]).toContain('Northfield');
    expect(pages[0]).toMatch(/Alerts this period 6/);

    const listed = reportSchedulesResponseSchema.parse((await call(t, admin, 'GET', '/api/reports/schedules')).json());
    expect(listed.schedules[0]?.lastRunAt).not.toBeNull();
    expect(listed.schedules[0]?.lastError).toBeNull();
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'report-schedule'), eq(auditLog.targetId, schedule.id)));
    expect(audit.map((row) => row.action)).toEqual(['report.schedule-create', 'report.email']);
    expect(audit[1]?.detail).toMatchObject({ ok: true, recipients: ['chair@governors.test', 'clerk@governors.test'] });

    expect((await call(t, admin, 'DELETE', `/api/reports/schedules/${schedule.id}`)).statusCode).toBe(204);
    expect(await findSchedule(t.database.db, schedule.id)).toBeUndefined();
  });

  it('sends what is due once, moves the next run on, and records a failure for a retry', async () => {
    const now = new Date('2031-03-01T07:00:00Z');
    const [row] = await t.database.db
      .insert(reportSchedules)
      .values({ siteId: null, recipients: ['chair@governors.test'], frequency: 'termly', nextRunAt: new Date('2031-01-01T06:00:00Z') })
      .returning();
    if (row === undefined) throw new Error('no schedule');
    let smtpUp = true;
    const settings = {
      host: smtp.host,
      port: smtp.port,
      security: 'starttls' as const,
      username: mailLogin.username,
      password: mailLogin.password,
      from: 'vigil@school.test',
      caCertificate: smtp.caCertificate,
    };
    const mailer = new ReportMailer({
      db: t.database.db,
      catalog: () => ({ facts: (id: string) => ({ label: id }) }) as never,
      smtp: async () => (smtpUp ? settings : undefined),
      log: t.app.log,
      now: () => now,
    });
    const before = smtp.received.length;
    expect(await mailer.runDue()).toBe(1);
    expect(await mailer.runDue()).toBe(0);
    expect(smtp.received.length).toBe(before + 1);
    expect(readableMail(smtp.received.at(-1)?.raw ?? '')).toContain('All sites, 2030-09-01 to 2030-12-31');
    const after = await findSchedule(t.database.db, row.id);
    expect(after?.nextRunAt).toEqual(new Date('2031-04-01T06:00:00Z'));
    expect(after?.lastRunAt).toEqual(now);

    smtpUp = false;
    await t.database.db
      .update(reportSchedules)
      .set({ nextRunAt: new Date('2031-02-01T00:00:00Z') })
      .where(eq(reportSchedules.id, row.id));
    expect(await mailer.runDue()).toBe(0);
    const failed = await findSchedule(t.database.db, row.id);
    expect(failed?.lastError).toContain('no SMTP server');
    expect(failed?.nextRunAt).toEqual(new Date(now.getTime() + 3_600_000));
    expect(smtp.received.length).toBe(before + 1);
  });

  it('is for admins only, refuses bad recipients, and keeps a site-bound admin to their site', async () => {
    const viewer = await staff(t, 'viewer');
    expect((await call(t, viewer, 'GET', '/api/reports/schedules')).statusCode).toBe(403);
    expect(
      (await call(t, await staff(t, 'dsl'), 'POST', '/api/reports/schedules', { recipients: ['a@b.test'], frequency: 'monthly', siteId: null })).statusCode,
    ).toBe(403);
    const bad = await call(t, admin, 'POST', '/api/reports/schedules', { recipients: ['not an address'], frequency: 'monthly', siteId: null });
    expect(bad.statusCode).toBe(400);
    expect((await call(t, admin, 'POST', '/api/reports/schedules', { recipients: [], frequency: 'weekly', siteId: null })).statusCode).toBe(400);
    const elsewhere = await call(t, admin, 'POST', '/api/reports/schedules', { recipients: ['a@b.test'], frequency: 'monthly', siteId: t.estate.otherSiteId });
    expect(elsewhere.statusCode).toBe(403);
    expect((await call(t, admin, 'POST', '/api/reports/schedules/nope/send')).statusCode).toBe(404);
  });
});
