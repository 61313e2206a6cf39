// The audit page names people and things (real PostgreSQL): the actor's display name, and
// the target's host name, room, site, user or alert, resolved when the log is read.
import { auditResponseSchema, type AuditEntryRow } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestUser, signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { devices } from '../db/schema/index.ts';
import { insertAlert, seedDevice, type SeededDevice } from '../retention/testing/retention-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { appendAudit } from './audit.repository.ts';
import { buildAuditTestApp, type AuditTestApp } from './testing/audit-test-app.ts';

let database: TestDatabase;
let harness: AuditTestApp;
let app: FastifyInstance;
let admin: SignedIn;
let place: SeededDevice;
let alertId: string;
let goneDeviceId: string;
const alertAt = new Date('2025-03-03T09:15:00.000Z');
const action = 'names.test';

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await buildAuditTestApp(database);
  app = harness.app;
  admin = await signInAs(app, { role: 'admin' });
  const teacher = await createTestUser(app, { role: 'teacher', username: 'ms.patel' });
  place = await seedDevice(database.db, 'ICT-PC-07');
  alertId = await insertAlert(database.db, place, { status: 'new', receivedAt: alertAt });
  const gone = await seedDevice(database.db, 'OLD-PC');
  goneDeviceId = gone.deviceId;
  const by = { actorUserId: admin.user.id, actorLabel: admin.user.username, action };
  await appendAudit(database.db, { ...by, targetType: 'device', targetId: place.deviceId });
  await appendAudit(database.db, { ...by, targetType: 'room', targetId: place.roomId });
  await appendAudit(database.db, { ...by, targetType: 'site', targetId: place.siteId });
  await appendAudit(database.db, { ...by, targetType: 'alert', targetId: alertId });
  await appendAudit(database.db, { ...by, targetType: 'user', targetId: teacher.id });
  await appendAudit(database.db, { ...by, targetType: 'device', targetId: goneDeviceId });
  await appendAudit(database.db, { actorLabel: 'system', action, targetType: 'settings', targetId: 'security' });
  // Removed after it was audited: the entry keeps its id, and has no name any more.
  await database.db.delete(devices).where(eq(devices.id, goneDeviceId));
});
afterAll(async () => {
  await harness.close();
  await database.drop();
});

async function entries(): Promise<AuditEntryRow[]> {
  const response = await app.inject({ method: 'GET', url: `/api/audit?action=${action}`, headers: admin.headers });
  expect(response.statusCode, response.body).toBe(200);
  return auditResponseSchema.parse(response.json()).entries;
}

const byTarget = (rows: readonly AuditEntryRow[], targetId: string) => rows.find((row) => row.targetId === targetId);

describe('names on the audit log', () => {
  it('gives the actor display name beside the user name and id', async () => {
    const rows = await entries();
    const row = byTarget(rows, place.deviceId);
    expect(row).toMatchObject({ actor: admin.user.username, actorUserId: admin.user.id, actorName: 'Test admin' });
    expect(rows.find((entry) => entry.actor === 'system')).toMatchObject({ actorUserId: null, actorName: null, targetName: null });
  });

  it('names each kind of target, keeping the ids', async () => {
    const rows = await entries();
    expect(byTarget(rows, place.deviceId)?.targetName).toBe('ICT-PC-07');
    expect(byTarget(rows, place.roomId)?.targetName).toMatch(/^ICT Suite 1 \(Retention Academy \w+\)$/);
    expect(byTarget(rows, place.siteId)?.targetName).toMatch(/^Retention Academy \w+$/);
    // No word list in this slice: the category id stands in for its label.
    expect(byTarget(rows, alertId)).toMatchObject({ targetType: 'alert', targetId: alertId, targetName: 'self-harm alert', targetAt: alertAt.toISOString() });
    expect(rows.find((row) => row.targetType === 'user')?.targetName).toBe('Test teacher');
    expect(byTarget(rows, goneDeviceId)).toMatchObject({ targetType: 'device', targetId: goneDeviceId, targetName: null });
  });

  it('puts the names in the CSV export too', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/audit/export?action=${action}`, headers: admin.headers });
    expect(response.statusCode).toBe(200);
    const lines = response.body.slice(1).split('\r\n');
    expect(lines[0]).toContain('"actor_name","target_name"');
    const deviceLine = lines.find((line) => line.includes(`"${place.deviceId}"`));
    expect(deviceLine?.endsWith('"Test admin","ICT-PC-07"')).toBe(true);
    const goneLine = lines.find((line) => line.includes(`"${goneDeviceId}"`));
    expect(goneLine?.endsWith('"Test admin",""')).toBe(true);
  });
});
