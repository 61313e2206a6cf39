import { alertListResponseSchema, bulkResponseSchema } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { alertEvents, alerts } from '../db/schema/index.ts';
import { buildTriageTestApp, call, insertAlert, staff, type NewAlert, type TriageTestApp } from './testing/triage-fixtures.ts';

// Closing rules: dismissing or resolving an alert of severity 4–5, a restricted one or an
// escalated one needs a reason of at least 10 VISIBLE characters; a restricted one may be
// closed only by a DSL (bulk skips and reports it). Escalated alerts leave the open queue.

let t: TriageTestApp;
let technician: SignedIn;
let dsl: SignedIn;
let admin: SignedIn;

beforeAll(async () => {
  t = await buildTriageTestApp();
  technician = await staff(t, 'technician');
  dsl = await staff(t, 'dsl');
  admin = await staff(t, 'admin', { siteId: null });
});
afterAll(async () => {
  await t?.close();
});

const zeroWidth = '\u200B'.repeat(11);
const reason = 'Spoke to the pupil and parents; resolved';

async function alertOf(values: Partial<NewAlert>): Promise<string> {
  return (await insertAlert(t, { deviceId: t.estate.device.a1, ...values })).id;
}

async function stateOf(alertId: string) {
  const [row] = await t.database.db.select({ status: alerts.status }).from(alerts).where(eq(alerts.id, alertId));
  const events = await t.database.db.select().from(alertEvents).where(eq(alertEvents.alertId, alertId));
  return { status: row?.status, events };
}

function close(who: SignedIn, alertId: string, how: 'dismiss' | 'resolve', note?: string) {
  const body = note === undefined ? {} : { note };
  return how === 'dismiss'
    ? call(t, who, 'POST', `/api/alerts/${alertId}/dismiss`, body)
    : call(t, who, 'POST', `/api/alerts/${alertId}/status`, { status: 'resolved', ...body });
}

describe('closing a restricted alert', () => {
  it.each([
    ['technician', 'dismiss'],
    ['technician', 'resolve'],
    ['admin', 'dismiss'],
    ['admin', 'resolve'],
  ] as const)('%s may not %s it, reason or not (403 restricted-dsl-only, nothing written)', async (role, how) => {
    const who = role === 'technician' ? technician : admin;
    const alertId = await alertOf({ category: 'self-harm', term: 'kms', severity: 4 });
    for (const note of [undefined, reason]) {
      const refused = await close(who, alertId, how, note);
      expect(refused.statusCode, refused.body).toBe(403);
      expect(refused.json().error.code).toBe('restricted-dsl-only');
    }
    expect(await stateOf(alertId)).toEqual({ status: 'new', events: [] });
  });

  it('a DSL may, with a reason of at least 10 visible characters', async () => {
    const alertId = await alertOf({ category: 'self-harm', term: 'kms', severity: 5, status: 'escalated' });
    for (const note of [undefined, '', zeroWidth, 'too short', '\u0301'.repeat(20)]) {
      const refused = await close(dsl, alertId, 'dismiss', note);
      expect(refused.statusCode, JSON.stringify(note)).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: 'note' }] } });
    }
    expect((await stateOf(alertId)).status).toBe('escalated');
    const ok = await close(dsl, alertId, 'dismiss', reason);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await stateOf(alertId)).toMatchObject({ status: 'dismissed', events: [{ fromStatus: 'escalated', toStatus: 'dismissed', note: reason }] });
  });

  it('an unknown category counts as restricted', async () => {
    const alertId = await alertOf({ category: 'gone-category', severity: 1 });
    expect((await close(technician, alertId, 'dismiss', reason)).statusCode).toBe(403);
    expect((await close(dsl, alertId, 'dismiss')).statusCode).toBe(400);
    expect((await close(dsl, alertId, 'dismiss', reason)).statusCode).toBe(200);
  });

  it('technicians may still escalate it', async () => {
    const alertId = await alertOf({ category: 'self-harm', term: 'kms', severity: 4 });
    expect((await call(t, technician, 'POST', `/api/alerts/${alertId}/escalate`, {})).statusCode).toBe(200);
    expect((await stateOf(alertId)).status).toBe('escalated');
  });
});

describe('closing a serious open-category alert', () => {
  it.each(['dismiss', 'resolve'] as const)('severity 4–5 needs a reason (400 on note) from anyone, then any staff may %s it', async (how) => {
    for (const severity of [4, 5]) {
      const alertId = await alertOf({ severity });
      for (const note of [undefined, zeroWidth, '\u3164'.repeat(12), 'short']) {
        const refused = await close(technician, alertId, how, note);
        expect(refused.statusCode, `${severity} ${JSON.stringify(note)}`).toBe(400);
        expect(refused.json().error.details.fields[0].path).toBe('note');
      }
      expect((await stateOf(alertId)).events).toEqual([]);
      expect((await close(technician, alertId, how, reason)).statusCode).toBe(200);
    }
  });

  it('an escalated alert needs a reason whatever its severity', async () => {
    const alertId = await alertOf({ severity: 1, status: 'escalated' });
    expect((await close(dsl, alertId, 'resolve')).statusCode).toBe(400);
    expect((await close(admin, alertId, 'resolve', reason)).statusCode).toBe(200);
  });

  it('severity 1–3, not escalated: no reason needed', async () => {
    const alertId = await alertOf({ severity: 3 });
    expect((await close(technician, alertId, 'dismiss')).statusCode).toBe(200);
  });
});

describe('bulk closing', () => {
  it('skips and reports what a closing rule keeps open, and closes the rest', async () => {
    const restricted = await alertOf({ category: 'self-harm', term: 'kms', severity: 4 });
    const severe = await alertOf({ severity: 5 });
    const mild = await alertOf({ severity: 2 });

    const byTechnician = bulkResponseSchema.parse(
      (await call(t, technician, 'POST', '/api/alerts/bulk', { ids: [restricted, severe, mild], action: 'dismiss', note: zeroWidth })).json(),
    );
    expect(byTechnician.updated).toEqual([mild]);
    expect(byTechnician.skipped).toEqual([restricted, severe]);
    expect(byTechnician.refused.map(({ id, code }) => [id, code])).toEqual([
      [restricted, 'restricted-dsl-only'],
      [severe, 'reason-required'],
    ]);

    const withReason = bulkResponseSchema.parse(
      (await call(t, technician, 'POST', '/api/alerts/bulk', { ids: [restricted, severe], action: 'resolve', note: reason })).json(),
    );
    expect(withReason).toMatchObject({ updated: [severe], skipped: [restricted], refused: [{ id: restricted, code: 'restricted-dsl-only' }] });

    const byDsl = bulkResponseSchema.parse((await call(t, dsl, 'POST', '/api/alerts/bulk', { ids: [restricted], action: 'dismiss', note: reason })).json());
    expect(byDsl).toEqual({ updated: [restricted], skipped: [], refused: [] });
    expect((await stateOf(restricted)).status).toBe('dismissed');
  });
});

describe('the escalated view', () => {
  it('escalated alerts leave the default (open) queue and are listed under status=escalated', async () => {
    const escalated = await alertOf({ severity: 5, osUser: 'escalation.pupil' });
    const fresh = await alertOf({ severity: 5, osUser: 'escalation.pupil' });
    expect((await call(t, technician, 'POST', `/api/alerts/${escalated}/escalate`, { note: 'For the DSL' })).statusCode).toBe(200);
    const open = alertListResponseSchema.parse((await call(t, dsl, 'GET', '/api/alerts?user=escalation.pupil')).json());
    expect(open.alerts.map((alert) => alert.id)).toEqual([fresh]);
    const view = alertListResponseSchema.parse((await call(t, dsl, 'GET', '/api/alerts?status=escalated&user=escalation.pupil')).json());
    expect(view.alerts.map((alert) => alert.id)).toEqual([escalated]);
    expect(view.total).toBe(1);
  });
});
