import { existsSync } from 'node:fs';
import { retentionResponseSchema } from '@vigil/shared/console';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuditTestApp, type AuditTestApp } from '../audit/testing/audit-test-app.ts';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { alerts, auditLog, screenshots, userRoles, type UserRole } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { defaultRetentionDays } from './retention-defaults.ts';
import { legalHoldResponseSchema, purgeResponseSchema } from './retention.schemas.ts';
import { blobPath, dayMs, insertAlert, insertScreenshot, seedDevice, type SeededDevice } from './testing/retention-fixtures.ts';

let database: TestDatabase;
let harness: AuditTestApp;
let app: FastifyInstance;
let device: SeededDevice;
let admin: SignedIn;
let dsl: SignedIn;

const ago = (days: number) => new Date(Date.now() - days * dayMs);

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await buildAuditTestApp(database);
  app = harness.app;
  device = await seedDevice(database.db);
  admin = await signInAs(app, { role: 'admin' });
  dsl = await signInAs(app, { role: 'dsl' });
});
afterAll(async () => {
  await harness.close();
  await database.drop();
});

const send = (method: HTTPMethods, url: string, who: SignedIn | undefined, payload?: object) =>
  app.inject({ method, url, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload }) });

const latestAudit = async (action: string) =>
  (await database.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.id)).limit(1))[0];

describe('GET /api/retention', () => {
  it('lists every data class with its default period before anything is set or purged', async () => {
    const response = await send('GET', '/api/retention', dsl);
    expect(response.statusCode).toBe(200);
    const body = retentionResponseSchema.parse(response.json());
    expect(body.rules).toEqual([
      { dataClass: 'activity', days: 30, lastPurgeAt: null },
      { dataClass: 'alerts', days: 365, lastPurgeAt: null },
      { dataClass: 'screenshots', days: 365, lastPurgeAt: null },
      { dataClass: 'false-positives', days: 30, lastPurgeAt: null },
      { dataClass: 'idle-lock-events', days: 30, lastPurgeAt: null },
      { dataClass: 'sessions', days: 30, lastPurgeAt: null },
      { dataClass: 'pupil-leavers', days: 365, lastPurgeAt: null },
    ]);
    expect(Object.keys(defaultRetentionDays)).toEqual(body.rules.map((rule) => rule.dataClass));
  });
});

describe('PUT /api/retention', () => {
  it('sets the periods given, keeps the others, and audits the changes as retention.set', async () => {
    const response = await send('PUT', '/api/retention', admin, {
      rules: [
        { dataClass: 'activity', days: 14 },
        { dataClass: 'alerts', days: 730 },
        { dataClass: 'sessions', days: 30 },
      ],
    });
    expect(response.statusCode).toBe(200);
    const body = retentionResponseSchema.parse(response.json());
    expect(body.rules.map((rule) => [rule.dataClass, rule.days])).toEqual([
      ['activity', 14],
      ['alerts', 730],
      ['screenshots', 365],
      ['false-positives', 30],
      ['idle-lock-events', 30],
      ['sessions', 30],
      ['pupil-leavers', 365],
    ]);
    expect((await send('GET', '/api/retention', admin)).json()).toEqual(body);
    const entry = await latestAudit('retention.set');
    expect(entry).toMatchObject({
      actorUserId: admin.user.id,
      actorLabel: admin.user.username,
      targetType: 'retention',
      detail: {
        changes: [
          { dataClass: 'activity', from: 30, to: 14 },
          { dataClass: 'alerts', from: 365, to: 730 },
        ],
      },
    });
  });

  it.each([
    [
      'a class twice',
      {
        rules: [
          { dataClass: 'activity', days: 10 },
          { dataClass: 'activity', days: 20 },
        ],
      },
    ],
    ['zero days', { rules: [{ dataClass: 'activity', days: 0 }] }],
    ['more than ten years', { rules: [{ dataClass: 'activity', days: 3_651 }] }],
    ['an unknown class', { rules: [{ dataClass: 'audit', days: 10 }] }],
    ['no rules', { rules: [] }],
    ['an extra field', { rules: [{ dataClass: 'activity', days: 10, legalHold: true }] }],
  ])('refuses %s with 400 validation-failed and changes nothing', async (_what, payload) => {
    const before = (await send('GET', '/api/retention', admin)).json();
    const response = await send('PUT', '/api/retention', admin, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation-failed');
    expect((await send('GET', '/api/retention', admin)).json()).toEqual(before);
  });
});

describe('POST /api/retention/purge', () => {
  it('purges now, answers the report, audits it as the admin, and GET shows the time', async () => {
    const doomed = await insertAlert(database.db, device, { status: 'resolved', receivedAt: ago(800) });
    const response = await send('POST', '/api/retention/purge', admin, {});
    expect(response.statusCode).toBe(200);
    const report = purgeResponseSchema.parse(response.json());
    expect(report.trigger).toBe('manual');
    expect(report.deleted.alerts).toBe(1);
    expect(await database.db.select().from(alerts).where(eq(alerts.id, doomed))).toEqual([]);

    const entry = await latestAudit('retention.purge');
    expect(entry).toMatchObject({ actorUserId: admin.user.id, detail: { trigger: 'manual', deleted: report.deleted } });
    const rules = retentionResponseSchema.parse((await send('GET', '/api/retention', dsl)).json()).rules;
    for (const rule of rules) expect(rule.lastPurgeAt).toBe(entry?.at.toISOString());
  });

  it('shows the last purge in GET /health', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.json().checks.retention).toEqual({ status: 'ok', detail: expect.stringMatching(/^last purge \d{4}-\d{2}-\d{2}T/) });
  });
});

describe('PUT /api/alerts/:alertId/legal-hold', () => {
  const hold = (alertId: string, value: boolean, who: SignedIn = dsl) => send('PUT', `/api/alerts/${alertId}/legal-hold`, who, { hold: value });
  const screenshotHeld = async (sha256: string) => (await database.db.select().from(screenshots).where(eq(screenshots.sha256, sha256)))[0]?.legalHold;

  it('holds an alert and its screenshot, audited as alert.legal-hold, and the purge keeps both', async () => {
    const sha256 = await insertScreenshot(database.db, harness.blobs, device, ago(900));
    const evidence = await insertAlert(database.db, device, { status: 'resolved', receivedAt: ago(900), screenshotSha256: sha256 });
    const unheld = await insertAlert(database.db, device, { status: 'resolved', receivedAt: ago(900) });

    const response = await hold(evidence, true);
    expect(response.statusCode).toBe(200);
    expect(legalHoldResponseSchema.parse(response.json())).toEqual({ alertId: evidence, legalHold: true, screenshotLegalHold: true });
    expect(await screenshotHeld(sha256)).toBe(true);
    const entry = await latestAudit('alert.legal-hold');
    expect(entry).toMatchObject({
      actorUserId: dsl.user.id,
      targetType: 'alert',
      targetId: evidence,
      detail: { hold: true, was: false, screenshotSha256: sha256 },
    });

    expect((await send('POST', '/api/retention/purge', admin, {})).statusCode).toBe(200);
    const left = await database.db.select({ id: alerts.id }).from(alerts);
    expect(left.map((row) => row.id)).toContain(evidence);
    expect(left.map((row) => row.id)).not.toContain(unheld);
    expect(existsSync(blobPath(harness.dataDir, sha256))).toBe(true);
  });

  it('keeps a shared screenshot held while any alert using it is held', async () => {
    const sha256 = await insertScreenshot(database.db, harness.blobs, device, ago(1));
    const first = await insertAlert(database.db, device, { status: 'new', receivedAt: ago(1), screenshotSha256: sha256 });
    const second = await insertAlert(database.db, device, { status: 'new', receivedAt: ago(1), screenshotSha256: sha256 });
    await hold(first, true);
    await hold(second, true, admin);
    expect((await hold(first, false)).json()).toEqual({ alertId: first, legalHold: false, screenshotLegalHold: true });
    expect(await screenshotHeld(sha256)).toBe(true);
    expect((await hold(second, false)).json()).toEqual({ alertId: second, legalHold: false, screenshotLegalHold: false });
    expect(await screenshotHeld(sha256)).toBe(false);
    const [row] = await database.db.select().from(alerts).where(eq(alerts.id, first));
    expect(row?.legalHold).toBe(false);
  });

  it('answers null for the screenshot of an alert without one', async () => {
    const plain = await insertAlert(database.db, device, { status: 'new', receivedAt: ago(1) });
    expect((await hold(plain, true)).json()).toEqual({ alertId: plain, legalHold: true, screenshotLegalHold: null });
  });

  it('answers 404 for an unknown alert and for an alert of a site the user does not cover', async () => {
    expect((await hold('01JNOSUCHALERT000000000000', true)).json().error.code).toBe('alert-not-found');
    const other = await seedDevice(database.db, 'OTHER-01');
    const elsewhere = await insertAlert(database.db, other, { status: 'new', receivedAt: ago(1) });
    const siteDsl = await signInAs(app, { role: 'dsl', siteId: device.siteId });
    const response = await hold(elsewhere, true, siteDsl);
    expect(response.statusCode).toBe(404);
    expect(
      await database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.id, elsewhere), eq(alerts.legalHold, true))),
    ).toEqual([]);
    expect((await hold(elsewhere, true)).statusCode).toBe(200);
  });

  it.each([[{ hold: 'yes' }], [{}], [{ hold: true, reason: 'x' }]])('refuses the body %j with 400', async (payload) => {
    const plain = await insertAlert(database.db, device, { status: 'new', receivedAt: ago(1) });
    const response = await send('PUT', `/api/alerts/${plain}/legal-hold`, dsl, payload);
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation-failed');
  });
});

describe('who may use the retention routes', () => {
  const routes: ReadonlyArray<{ method: HTTPMethods; url: string; payload?: object; allowed: readonly UserRole[]; allowedStatus: number }> = [
    { method: 'GET', url: '/api/retention', allowed: ['dsl', 'admin'], allowedStatus: 200 },
    { method: 'PUT', url: '/api/retention', payload: { rules: [{ dataClass: 'sessions', days: 30 }] }, allowed: ['admin'], allowedStatus: 200 },
    { method: 'POST', url: '/api/retention/purge', payload: {}, allowed: ['admin'], allowedStatus: 200 },
    // An unknown alert: allowed roles get past the gate to the handler's 404.
    { method: 'PUT', url: '/api/alerts/01JNOSUCHALERT000000000000/legal-hold', payload: { hold: true }, allowed: ['dsl', 'admin'], allowedStatus: 404 },
  ];
  const cases = routes.flatMap((route) => userRoles.map((role) => [`${route.method} ${route.url}`, role, route] as const));

  it.each(cases)('%s as %s', async (_name, role, route) => {
    const who = await signInAs(app, { role });
    const response = await send(route.method, route.url, who, route.payload);
    if (route.allowed.includes(role)) {
      expect(response.statusCode, response.body).toBe(route.allowedStatus);
    } else {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    }
  });

  it.each(routes)('$method $url signed out is 401', async (route) => {
    expect((await send(route.method, route.url, undefined, route.payload)).statusCode).toBe(401);
  });
});
