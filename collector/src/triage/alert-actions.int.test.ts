import { alertActionResponseSchema, bulkResponseSchema, type AlertStatus } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, seedSchool, type EnrolledAgent } from '../agents/testing/agent-fixtures.ts';
import { createTestUser, type SignedIn } from '../auth/auth-test-kit.ts';
import { alertEvents, alerts, allowlistEntries, auditLog, users } from '../db/schema/index.ts';
import { auditEntriesFor, buildTriageTestApp, call, insertAlert, staff, type TriageTestApp } from './testing/triage-fixtures.ts';

// Working the queue: each change lands with its alert_events row and its audit entry or
// not at all; technicians cannot take an alert back from the DSL; dismissing with `allow`
// puts the word on the allow-list and the new word list reaches a connected agent.

let t: TriageTestApp;
let techA: SignedIn;
let dslA: SignedIn;
let techB: SignedIn;
let trustAdmin: SignedIn;
let agent: EnrolledAgent;

beforeAll(async () => {
  t = await buildTriageTestApp();
  techA = await staff(t, 'technician');
  dslA = await staff(t, 'dsl');
  techB = await staff(t, 'technician', { siteId: t.estate.otherSiteId });
  trustAdmin = await staff(t, 'admin', { siteId: null });
  await t.app.listen({ host: '127.0.0.1', port: 0 });
  const address = t.app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  agent = await enrolAgent(`ws://127.0.0.1:${address.port}/agent/v1`, await seedSchool(t.database.db));
  await agent.agent.next('wordlist');
});
afterAll(async () => {
  agent?.agent.close();
  await t?.close();
});

async function alertWith(status: AlertStatus, deviceId = t.estate.device.a1): Promise<string> {
  return (await insertAlert(t, { deviceId, status })).id;
}

async function stateOf(alertId: string) {
  const [row] = await t.database.db.select().from(alerts).where(eq(alerts.id, alertId));
  const events = await t.database.db.select().from(alertEvents).where(eq(alertEvents.alertId, alertId));
  return { status: row?.status, assigneeId: row?.assigneeId, events, audit: await auditEntriesFor(t, alertId) };
}

function post(who: SignedIn, alertId: string, action: string, payload: object) {
  return call(t, who, 'POST', `/api/alerts/${alertId}/${action}`, payload);
}

describe('status changes', () => {
  it('moves an alert, with its event and audit entry, and answers with the alert as it now is', async () => {
    const alertId = await alertWith('new');
    const response = await post(techA, alertId, 'status', { status: 'in-review', note: 'Looking into it' });
    expect(response.statusCode, response.body).toBe(200);
    const body = alertActionResponseSchema.parse(response.json());
    expect(body.alert.status).toBe('in-review');
    expect(body.events).toMatchObject([{ kind: 'status', fromStatus: 'new', toStatus: 'in-review', note: 'Looking into it', actor: 'Test technician' }]);
    const state = await stateOf(alertId);
    expect(state.events).toHaveLength(1);
    expect(state.audit).toMatchObject([{ action: 'alert.status', actorUserId: techA.user.id, detail: { from: 'new', to: 'in-review' } }]);
  });

  it('lets a technician escalate but not un-escalate (409 status-transition, nothing written)', async () => {
    const alertId = await alertWith('new');
    expect((await post(techA, alertId, 'escalate', { note: 'For the DSL' })).statusCode).toBe(200);
    const before = await stateOf(alertId);
    expect(before.status).toBe('escalated');
    for (const [action, payload] of [
      ['status', { status: 'in-review' }],
      ['status', { status: 'resolved' }],
      ['dismiss', {}],
    ] as const) {
      const refused = await post(techA, alertId, action, payload);
      expect(refused.statusCode, action).toBe(409);
      expect(refused.json().error.code).toBe('status-transition');
      expect(refused.json().error.message).toMatch(/only a DSL or an admin/);
    }
    const bulk = bulkResponseSchema.parse((await call(t, techA, 'POST', '/api/alerts/bulk', { ids: [alertId], action: 'in-review' })).json());
    expect(bulk).toEqual({ updated: [], skipped: [alertId], refused: [] });
    const after = await stateOf(alertId);
    expect(after.status).toBe('escalated');
    expect(after.events).toHaveLength(before.events.length);
    expect(after.audit).toHaveLength(before.audit.length);
    // The DSL may.
    const byDsl = await post(dslA, alertId, 'status', { status: 'in-review', note: 'Back to IT: a song lyric' });
    expect(byDsl.statusCode).toBe(200);
    expect((await stateOf(alertId)).status).toBe('in-review');
  });

  it('lets only a DSL or admin reopen a resolved alert', async () => {
    const alertId = await alertWith('resolved');
    const refused = await post(techA, alertId, 'status', { status: 'new' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('status-transition');
    expect((await post(trustAdmin, alertId, 'status', { status: 'new' })).statusCode).toBe(200);
  });

  it('answers 409 status-unchanged for a move to the status it already has', async () => {
    const alertId = await alertWith('in-review');
    const response = await post(techA, alertId, 'status', { status: 'in-review' });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('status-unchanged');
    expect((await stateOf(alertId)).events).toHaveLength(0);
  });

  it("keeps another site's alert out of reach (404, unchanged)", async () => {
    const alertId = await alertWith('new');
    for (const [action, payload] of [
      ['status', { status: 'resolved' }],
      ['notes', { note: 'hello' }],
      ['assign', { userId: techB.user.id }],
      ['dismiss', {}],
      ['escalate', {}],
    ] as const) {
      const response = await post(techB, alertId, action, payload);
      expect(response.statusCode, action).toBe(404);
      expect(response.json().error.code).toBe('alert-not-found');
    }
    const state = await stateOf(alertId);
    expect(state).toMatchObject({ status: 'new', assigneeId: null, events: [], audit: [] });
  });
});

describe('notes and assignment', () => {
  it('adds a note (audited) and refuses a blank one', async () => {
    const alertId = await alertWith('new');
    const body = alertActionResponseSchema.parse((await post(techA, alertId, 'notes', { note: '<b>Spoke</b> to the pupil' })).json());
    // Stored and returned as the text it was: the console renders it as text.
    expect(body.events).toMatchObject([{ kind: 'note', note: '<b>Spoke</b> to the pupil' }]);
    expect((await post(techA, alertId, 'notes', { note: '   ' })).statusCode).toBe(400);
    expect((await stateOf(alertId)).audit.map((entry) => entry.action)).toEqual(['alert.note']);
  });

  it("assigns to staff of the alert's site or trust-wide staff, and nobody else", async () => {
    const alertId = await alertWith('new');
    const trustTech = await createTestUser(t.app, { role: 'technician', siteId: null });
    const teacher = await createTestUser(t.app, { role: 'teacher', siteId: t.estate.siteId });
    const viewer = await createTestUser(t.app, { role: 'viewer', siteId: t.estate.siteId });
    const disabled = await createTestUser(t.app, { role: 'dsl', siteId: t.estate.siteId });
    await t.database.db.update(users).set({ disabled: true }).where(eq(users.id, disabled.id));
    for (const userId of [teacher.id, viewer.id, techB.user.id, disabled.id, '01JNOSUCHUSER0000000000000']) {
      const refused = await post(techA, alertId, 'assign', { userId });
      expect(refused.statusCode, userId).toBe(400);
      expect(refused.json().error.code).toBe('assignee-invalid');
    }
    expect((await stateOf(alertId)).events).toHaveLength(0);

    const toDsl = alertActionResponseSchema.parse((await post(techA, alertId, 'assign', { userId: dslA.user.id })).json());
    expect(toDsl.alert.assignee).toEqual({ id: dslA.user.id, displayName: 'Test dsl' });
    const toTrust = alertActionResponseSchema.parse((await post(techA, alertId, 'assign', { userId: trustTech.id })).json());
    expect(toTrust.alert.assignee?.id).toBe(trustTech.id);
    const none = alertActionResponseSchema.parse((await post(techA, alertId, 'assign', { userId: null })).json());
    expect(none.alert.assignee).toBeNull();
    const state = await stateOf(alertId);
    expect(state.events.map((event) => [event.kind, event.note])).toEqual([
      ['assign', 'Assigned to Test dsl'],
      ['assign', 'Assigned to Test technician'],
      ['assign', 'Unassigned'],
    ]);
    expect(state.audit.map((entry) => [entry.action, entry.detail?.to])).toEqual([
      ['alert.assign', dslA.user.id],
      ['alert.assign', trustTech.id],
      ['alert.assign', null],
    ]);
  });
});

describe('dismiss', () => {
  it('with allow: the word goes on the allow-list, audited, and the new word list reaches a connected agent', async () => {
    const alertId = await alertWith('new');
    const versionBefore = t.app.agentServices.wordlists.current().version;
    const response = await post(trustAdmin, alertId, 'dismiss', { note: 'Place name', allow: '  Loserville  ' });
    expect(response.statusCode, response.body).toBe(200);
    expect(alertActionResponseSchema.parse(response.json()).alert.status).toBe('dismissed');

    const [entry] = await t.database.db.select().from(allowlistEntries).where(eq(allowlistEntries.term, 'Loserville'));
    expect(entry).toMatchObject({ siteId: null, enabled: true, createdBy: trustAdmin.user.id });
    const current = t.app.agentServices.wordlists.current();
    expect(current.version).not.toBe(versionBefore);
    expect(current.allow).toContain('Loserville');
    const pushed = await agent.agent.next('wordlist');
    expect(pushed.payload.version).toBe(current.version);
    expect(pushed.payload.allow).toContain('Loserville');

    const state = await stateOf(alertId);
    expect(state.events).toMatchObject([{ kind: 'status', toStatus: 'dismissed', note: 'Place name' }]);
    expect(state.audit.map((row) => row.action)).toEqual(['alert.status']);
    const allowAudit = await t.database.db.select().from(auditLog).where(eq(auditLog.action, 'wordlist.allow.add'));
    expect(allowAudit).toMatchObject([{ actorUserId: trustAdmin.user.id, targetId: entry?.id, detail: { term: 'Loserville', alertId } }]);
  });

  it('refuses allow from a site-scoped user (the list reaches every site) and changes nothing', async () => {
    const alertId = await alertWith('new');
    const refused = await post(techA, alertId, 'dismiss', { allow: 'numptyville' });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('site-forbidden');
    expect(await t.database.db.select().from(allowlistEntries).where(eq(allowlistEntries.term, 'numptyville'))).toEqual([]);
    expect((await stateOf(alertId)).status).toBe('new');
    // Without `allow` the same technician may dismiss.
    expect((await post(techA, alertId, 'dismiss', { note: 'False positive' })).statusCode).toBe(200);
  });

  it('refuses an allow word the compiler could not use', async () => {
    const alertId = await alertWith('new');
    const refused = await post(trustAdmin, alertId, 'dismiss', { allow: '!!!' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('validation-failed');
    expect((await stateOf(alertId)).status).toBe('new');
  });
});

describe('bulk', () => {
  it('changes what it may in one go and skips the rest', async () => {
    const fresh = await alertWith('new');
    const reviewing = await alertWith('in-review', t.estate.device.b1);
    const escalated = await alertWith('escalated');
    const otherSite = await alertWith('new', t.estate.device.c1);
    const unknown = '01JNOSUCHALERT000000000000';
    const response = await call(t, techA, 'POST', '/api/alerts/bulk', {
      ids: [fresh, escalated, otherSite, unknown, reviewing, fresh],
      action: 'resolve',
      note: 'Weekly sweep',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(bulkResponseSchema.parse(response.json())).toEqual({ updated: [fresh, reviewing], skipped: [escalated, otherSite, unknown], refused: [] });
    for (const id of [fresh, reviewing]) {
      const state = await stateOf(id);
      expect(state.status).toBe('resolved');
      expect(state.events).toMatchObject([{ kind: 'status', toStatus: 'resolved', note: 'Weekly sweep' }]);
      expect(state.audit).toMatchObject([{ action: 'alert.status', detail: { to: 'resolved', bulk: true } }]);
    }
    expect((await stateOf(otherSite)).status).toBe('new');
  });

  it("assign-me takes the alerts not already the caller's", async () => {
    const mine = await alertWith('new');
    const theirs = await alertWith('new');
    await post(techA, mine, 'assign', { userId: dslA.user.id });
    const body = bulkResponseSchema.parse((await call(t, dslA, 'POST', '/api/alerts/bulk', { ids: [mine, theirs], action: 'assign-me' })).json());
    expect(body).toEqual({ updated: [theirs], skipped: [mine], refused: [] });
    expect((await stateOf(theirs)).assigneeId).toBe(dslA.user.id);
  });
});
