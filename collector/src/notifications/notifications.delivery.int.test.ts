// Notifications end to end inside the collector: the whole app on real PostgreSQL, a real
// SMTP server on loopback (STARTTLS, AUTH) and a real HTTP server for webhooks.
import { genericWebhookBodySchema } from '@vigil/shared/console';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NewAlertFacts } from '../alert-feed/alert-feed.ts';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { notificationOutbox, notificationRouted, users, type alerts } from '../db/schema/index.ts';
import { testLogger } from '../testing/test-database.ts';
import { buildTriageTestApp, insertAlert, type TriageTestApp } from '../triage/testing/triage-fixtures.ts';
import { NotificationRouter } from './notification-router.service.ts';
import { readEscalationRule } from './notification-settings.repository.ts';
import {
  readableMail,
  smtpSettingsFor,
  startTestSmtpServer,
  startWebhookReceiver,
  verifySignature,
  type TestSmtpServer,
  type TestWebhookReceiver,
} from './testing/index.ts';

const secret = 'generic-webhook-signing-secret-0123456789';
const mailLogin = { username: 'vigil-mailer', password: 'smtp-password-never-shown' };
/** Text fields of a restricted alert: none may appear in any notification. */
const restricted = {
  term: 'kill myself',
  context: 'i want to kill myself tonight',
  windowTitle: 'Private diary - Notes',
  app: 'notes-app',
  url: 'https://private.example/diary',
  osUser: 'pupil.jones',
};

let t: TriageTestApp;
let smtp: TestSmtpServer;
let hooks: TestWebhookReceiver;
let admin: SignedIn;

const call = (app: FastifyInstance, who: SignedIn, method: 'GET' | 'PUT' | 'POST' | 'DELETE', url: string, payload?: object) =>
  app.inject({ method, url, headers: who.headers, ...(payload === undefined ? {} : { payload }) });

function factsOf(row: typeof alerts.$inferSelect): NewAlertFacts {
  return {
    id: row.id,
    deviceId: row.deviceId,
    siteId: row.siteId,
    roomId: row.roomId,
    category: row.category,
    severity: row.severity,
    ts: row.ts.toISOString(),
  };
}

/** An alert as ingest commits it, then told to the feed as ingest does. */
async function ingestAlert(values: Partial<typeof alerts.$inferInsert> = {}): Promise<typeof alerts.$inferSelect> {
  const row = await insertAlert(t, { deviceId: t.estate.device.a1, category: 'self-harm', severity: 5, ...restricted, ...values });
  t.app.alertFeed.emit({ kind: 'created', alerts: [factsOf(row)] });
  return row;
}

function expectNothingRestricted(text: string): void {
  for (const value of Object.values(restricted)) expect(text.toLowerCase()).not.toContain(value.toLowerCase());
}

beforeAll(async () => {
  t = await buildTriageTestApp();
  smtp = await startTestSmtpServer(mailLogin);
  hooks = await startWebhookReceiver((index, path) => (path === '/flaky' && index === 0 ? 500 : 200));
  admin = await signInAs(t.app, { role: 'admin', siteId: null });
  const saved = await call(t.app, admin, 'PUT', '/api/notifications/smtp', smtpSettingsFor(smtp, mailLogin));
  expect(saved.statusCode).toBe(200);
});

afterAll(async () => {
  await t?.close();
  await smtp?.close();
  await hooks?.close();
});

describe('notifications', () => {
  it('e-mail the DSL over STARTTLS with AUTH and post a signed generic webhook (retried after a 500), with nothing restricted in either', async () => {
    const webhook = await call(t.app, admin, 'POST', '/api/notifications/webhooks', {
      name: 'Safeguarding system',
      kind: 'generic',
      url: `${hooks.baseUrl}/flaky`,
      secret,
      minSeverity: 4,
    });
    expect(webhook.statusCode).toBe(201);
    const dsl = await signInAs(t.app, { role: 'dsl', siteId: null });
    const rule = await call(t.app, dsl, 'PUT', '/api/notifications/me', { email: true, categories: [], minSeverity: 4, address: 'dsl@school.test' });
    expect(rule.statusCode).toBe(200);

    const alert = await ingestAlert();
    await vi.waitFor(() => expect(smtp.received.filter((mail) => mail.to.includes('dsl@school.test'))).toHaveLength(1), { timeout: 15_000, interval: 20 });
    const mail = smtp.received.find((one) => one.to.includes('dsl@school.test'));
    expect(mail).toMatchObject({ secure: true, user: mailLogin.username, from: 'vigil@school.test' });
    const text = readableMail(mail?.raw ?? '');
    expect(text).toMatch(/Subject: \[Vigil\] Severity 5 · Self-harm · ICT 1 · \d\d:\d\d/);
    expect(text).toContain(`/triage/${alert.id}`);
    expectNothingRestricted(text);

    await vi.waitFor(() => expect(hooks.received.filter((one) => one.path === '/flaky')).toHaveLength(2), { timeout: 15_000, interval: 20 });
    const [first, second] = hooks.received.filter((one) => one.path === '/flaky');
    expect([first?.status, second?.status]).toEqual([500, 200]);
    expect(second?.headers['x-vigil-delivery']).toBe(first?.headers['x-vigil-delivery']);
    for (const request of [first, second]) {
      const header = request?.headers['x-vigil-signature'];
      expect(verifySignature(secret, typeof header === 'string' ? header : undefined, request?.body ?? '')).toEqual({ ok: true });
      expectNothingRestricted(request?.body ?? '');
    }
    const body = genericWebhookBodySchema.parse(JSON.parse(second?.body ?? '{}'));
    expect(body).toMatchObject({
      type: 'vigil.alert',
      reason: 'rule',
      alert: { id: alert.id, category: 'self-harm', severity: 5, site: 'Northfield', room: 'ICT 1' },
    });

    await vi.waitFor(async () => {
      const rows = await t.database.db.select().from(notificationOutbox).where(eq(notificationOutbox.alertId, alert.id));
      expect(rows.map((row) => [row.channel, row.state, row.attempts]).sort()).toEqual([
        ['email', 'sent', 1],
        ['webhook', 'sent', 2],
      ]);
    });

    // Routing the same alert again (a replay, or a second collector) enqueues nothing.
    const router = new NotificationRouter({ db: t.database.db, pool: t.database.pool, log: testLogger() });
    expect(await router.route([factsOf(alert)])).toBe(0);
  });

  it('never answer the SMTP password or a webhook secret or URL, and refuse non-admins and bad input clearly', async () => {
    const settings = await call(t.app, admin, 'GET', '/api/notifications/settings');
    expect(settings.statusCode).toBe(200);
    const raw = settings.body;
    for (const hidden of [mailLogin.password, secret, '/flaky']) expect(raw).not.toContain(hidden);
    expect(settings.json()).toMatchObject({ smtp: { host: smtp.host, passwordSet: true, username: mailLogin.username } });

    const tech = await signInAs(t.app, { role: 'technician', siteId: null });
    expect((await call(t.app, tech, 'GET', '/api/notifications/settings')).statusCode).toBe(403);
    expect((await call(t.app, tech, 'GET', '/api/notifications/me')).statusCode).toBe(200);
    const siteAdmin = await signInAs(t.app, { role: 'admin', siteId: t.estate.siteId });
    expect(
      (
        await call(t.app, siteAdmin, 'PUT', '/api/notifications/escalation', {
          contactUserId: null,
          contactEmail: null,
          outOfHoursMinSeverity: null,
          unactedMinSeverity: null,
          unactedMinutes: null,
        })
      ).json().error.code,
    ).toBe('site-forbidden');

    const badGeneric = await call(t.app, admin, 'POST', '/api/notifications/webhooks', { name: 'No secret', kind: 'generic', url: `${hooks.baseUrl}/x` });
    expect(badGeneric.statusCode).toBe(400);
    expect(badGeneric.json().error.details.fields[0].path).toBe('secret');
    const badHours = await call(t.app, admin, 'PUT', `/api/notifications/school-hours/${t.estate.siteId}`, {
      timezone: 'Mars/Olympus',
      weekdays: [1],
      start: '08:00',
      end: '17:00',
    });
    expect(badHours.json().error.details.fields).toEqual([{ path: 'timezone', message: expect.stringContaining('not a known time zone') }]);
    const badPort = await call(t.app, admin, 'PUT', '/api/notifications/smtp', {
      host: 'x',
      port: 0,
      security: 'starttls',
      username: null,
      from: 'a@b.test',
      caCertificate: null,
    });
    expect(badPort.statusCode).toBe(400);
  });

  it('send a test e-mail and a test webhook from the settings, and say clearly when the SMTP login fails', async () => {
    const mailed = await call(t.app, admin, 'POST', '/api/notifications/smtp/test', { to: 'it@school.test' });
    expect(mailed.statusCode).toBe(200);
    expect(smtp.received.some((mail) => mail.to.includes('it@school.test') && readableMail(mail.raw).includes('Test message'))).toBe(true);

    const teams = await call(t.app, admin, 'POST', '/api/notifications/webhooks', {
      name: 'Teams DSL channel',
      kind: 'teams',
      url: `${hooks.baseUrl}/teams`,
      minSeverity: 5,
    });
    const tested = await call(t.app, admin, 'POST', `/api/notifications/webhooks/${teams.json().id as string}/test`);
    expect(tested.json()).toMatchObject({ sent: true });
    const card = JSON.parse(hooks.received.find((one) => one.path === '/teams')?.body ?? '{}') as { attachments: Array<{ contentType: string }> };
    expect(card.attachments[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    await call(t.app, admin, 'DELETE', `/api/notifications/webhooks/${teams.json().id as string}`);

    const wrong = await call(t.app, admin, 'PUT', '/api/notifications/smtp', smtpSettingsFor(smtp, { ...mailLogin, password: 'wrong-password' }));
    expect(wrong.statusCode).toBe(200);
    const refused = await call(t.app, admin, 'POST', '/api/notifications/smtp/test', { to: 'it@school.test' });
    expect(refused.statusCode).toBe(502);
    expect(refused.json().error).toMatchObject({ code: 'notification-test-failed', message: expect.stringContaining('EAUTH') });
    expect(refused.body).not.toContain('wrong-password');
    // The password field left out keeps the stored one: put the right one back.
    await call(t.app, admin, 'PUT', '/api/notifications/smtp', smtpSettingsFor(smtp, mailLogin));
  });

  it('show a failing webhook in /health (since when, queued, last error) without its URL', async () => {
    const broken = await call(t.app, admin, 'POST', '/api/notifications/webhooks', {
      name: 'Broken Slack',
      kind: 'slack',
      url: 'http://127.0.0.1:9/services/T000/B000/secret-token',
      minSeverity: 5,
    });
    expect(broken.statusCode).toBe(201);
    await ingestAlert();
    await vi.waitFor(
      async () => {
        const health = (await t.app.inject({ method: 'GET', url: '/health' })).json();
        expect(health.checks.notifications).toMatchObject({
          status: 'degraded',
          detail: expect.stringMatching(/webhook "Broken Slack" failing since \S+ \(1 queued\): network error/),
        });
      },
      { timeout: 15_000, interval: 50 },
    );
    const health = (await t.app.inject({ method: 'GET', url: '/health' })).body;
    expect(health).not.toContain('secret-token');
    expect(health).not.toContain('/services/');
    await call(t.app, admin, 'PUT', `/api/notifications/webhooks/${broken.json().id as string}`, { name: 'Broken Slack', enabled: false, minSeverity: 5 });
  });

  it('escalate out of school hours, and alerts nobody acted on once; a sweep routes what a stopped collector left unrouted, once', async () => {
    const hours = await call(t.app, admin, 'PUT', `/api/notifications/school-hours/${t.estate.siteId}`, {
      timezone: 'Europe/London',
      weekdays: [],
      start: '08:00',
      end: '17:00',
    });
    expect(hours.statusCode).toBe(200);
    const escalation = await call(t.app, admin, 'PUT', '/api/notifications/escalation', {
      contactUserId: null,
      contactEmail: 'head@school.test',
      outOfHoursMinSeverity: 5,
      unactedMinSeverity: 4,
      unactedMinutes: 10,
    });
    expect(escalation.statusCode).toBe(200);

    await ingestAlert();
    await vi.waitFor(
      () =>
        expect(
          smtp.received.some(
            (mail) => mail.to.includes('head@school.test') && readableMail(mail.raw).includes('Subject: [Vigil] Out of school hours: Severity 5'),
          ),
        ).toBe(true),
      { timeout: 15_000, interval: 20 },
    );

    // Arrived 20 minutes ago: one still new, one already in review. And one a stopped collector never routed.
    const twentyMinutesAgo = new Date(Date.now() - 20 * 60_000);
    const ignored = await insertAlert(t, { deviceId: t.estate.device.b1, category: 'bullying', severity: 4, receivedAt: twentyMinutesAgo });
    const handled = await insertAlert(t, {
      deviceId: t.estate.device.b1,
      category: 'bullying',
      severity: 4,
      receivedAt: twentyMinutesAgo,
      status: 'in-review',
    });
    const unrouted = await insertAlert(t, { deviceId: t.estate.device.a2, category: 'bullying', severity: 4 });
    const router = new NotificationRouter({ db: t.database.db, pool: t.database.pool, log: testLogger() });
    await router.sweep(new Date());
    await router.sweep(new Date());

    const rows = await t.database.db
      .select({ alertId: notificationOutbox.alertId, reason: notificationOutbox.reason, target: notificationOutbox.target })
      .from(notificationOutbox)
      .where(sql`${notificationOutbox.alertId} in (${ignored.id}, ${handled.id}, ${unrouted.id}) and ${notificationOutbox.channel} = 'email'`);
    expect(rows.map((row) => [row.alertId, row.reason, row.target]).sort()).toEqual(
      [
        [ignored.id, 'unacted', 'head@school.test'],
        [unrouted.id, 'rule', 'dsl@school.test'],
      ].sort(),
    );
    expect(await t.database.db.select().from(notificationRouted).where(eq(notificationRouted.alertId, unrouted.id))).toHaveLength(1);
    await vi.waitFor(
      () =>
        expect(smtp.received.some((mail) => readableMail(mail.raw).includes('Subject: [Vigil] Not yet acted on: Severity 4 · Bullying · ICT 2'))).toBe(true),
      { timeout: 15_000, interval: 20 },
    );
  });

  it('take the escalation contact from a user account, and refuse one without an e-mail address', async () => {
    const deputy = await signInAs(t.app, { role: 'dsl', siteId: null });
    const silent = await signInAs(t.app, { role: 'dsl', siteId: null });
    await t.database.db.update(users).set({ email: 'Deputy@School.test' }).where(eq(users.id, deputy.user.id));
    const refused = await call(t.app, admin, 'PUT', '/api/notifications/escalation', {
      contactUserId: silent.user.id,
      contactEmail: null,
      outOfHoursMinSeverity: 5,
      unactedMinSeverity: null,
      unactedMinutes: null,
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.details.fields[0]).toMatchObject({ path: 'contactUserId', message: expect.stringContaining('no e-mail address') });
    const saved = await call(t.app, admin, 'PUT', '/api/notifications/escalation', {
      contactUserId: deputy.user.id,
      contactEmail: null,
      outOfHoursMinSeverity: 5,
      unactedMinSeverity: null,
      unactedMinutes: null,
    });
    expect(saved.json().escalation).toEqual({
      contactUserId: deputy.user.id,
      contactEmail: null,
      outOfHoursMinSeverity: 5,
      unactedMinSeverity: null,
      unactedMinutes: null,
    });
    expect(await readEscalationRule(t.database.db)).toMatchObject({ address: 'Deputy@School.test', outOfHoursMinSeverity: 5 });
    const half = await call(t.app, admin, 'PUT', '/api/notifications/escalation', {
      contactUserId: deputy.user.id,
      contactEmail: null,
      outOfHoursMinSeverity: null,
      unactedMinSeverity: 4,
      unactedMinutes: null,
    });
    expect(half.json().error.details.fields[0].path).toBe('unactedMinutes');
  });
});
