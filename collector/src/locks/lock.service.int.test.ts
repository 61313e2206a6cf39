import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliActor } from '../audit/actor.ts';
import { seedEstate, type Estate } from '../agent-services/testing/agent-services-fixtures.ts';
import { RecordingAgentHub } from '../agent-services/testing/recording-agent-hub.ts';
import { auditLog, deviceLocks, users } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { LockService } from './lock.service.ts';

describe('LockService', () => {
  let database: TestDatabase;
  let estate: Estate;
  let teacher: { userId: string; label: string };
  let clock: Date;
  let hub: RecordingAgentHub;
  let service: LockService;
  const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };

  beforeAll(async () => {
    database = await createTestDatabase();
    estate = await seedEstate(database.db);
    const [user] = await database.db.insert(users).values({ username: 'jsmith', displayName: 'Mr Smith', role: 'teacher' }).returning();
    if (user === undefined) throw new Error('no user');
    teacher = { userId: user.id, label: user.username };
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.db.delete(deviceLocks);
    clock = new Date('2030-01-06T09:00:00Z');
    hub = new RecordingAgentHub([estate.device.a1, estate.device.b1]);
    service = new LockService({ db: database.db, log, hub: () => hub, now: () => clock });
  });

  const audits = (deviceId: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'device'), eq(auditLog.targetId, deviceId)))
      .orderBy(auditLog.id);

  it('says nothing for a device that was never locked', async () => {
    expect(await service.forDevice(estate.device.a1)).toBeUndefined();
  });

  it('stores a lock with one id for the whole command, audits each device, and reports it for re-sending', async () => {
    const before = (await audits(estate.device.a2)).length;
    const result = await service.lockDevices([estate.device.a1, estate.device.a2, estate.device.a1], { message: '  Eyes to the front  ', by: teacher });
    expect(result).toMatchObject({ ok: true, deviceIds: [estate.device.a1, estate.device.a2] });
    if (!result.ok) return;
    const expected = { on: true, lockId: result.lockId, message: 'Eyes to the front', by: 'Mr Smith' };
    expect(await service.forDevice(estate.device.a1)).toEqual(expected);
    expect(await service.forDevice(estate.device.a2)).toEqual(expected);
    const audit = await audits(estate.device.a2);
    expect(audit).toHaveLength(before + 1);
    expect(audit.at(-1)).toMatchObject({ action: 'lock.on', actorUserId: teacher.userId, detail: { lockId: result.lockId, message: 'Eyes to the front' } });
  });

  it('unlocks with a new command id and tells a reconnecting agent to lift its lock', async () => {
    await service.lockDevices([estate.device.b1], { by: cliActor });
    const unlocked = await service.unlockDevices([estate.device.b1], cliActor);
    if (!unlocked.ok) throw new Error(unlocked.message);
    expect(await service.forDevice(estate.device.b1)).toEqual({ on: false, lockId: unlocked.lockId });
    expect((await audits(estate.device.b1)).at(-1)).toMatchObject({ action: 'lock.off', actorLabel: 'cli' });
  });

  it('treats a timed lock that ran out as unlocked, clears it and audits that once', async () => {
    const until = new Date(clock.getTime() + 5 * 60_000);
    const locked = await service.lockDevices([estate.device.a1], { until, by: cliActor });
    if (!locked.ok) throw new Error(locked.message);
    expect(await service.forDevice(estate.device.a1)).toEqual({ on: true, lockId: locked.lockId, until: until.getTime() });
    clock = new Date(until.getTime() + 1);
    expect(await service.forDevice(estate.device.a1)).toEqual({ on: false, lockId: locked.lockId });
    expect(await service.forDevice(estate.device.a1)).toEqual({ on: false, lockId: locked.lockId });
    const [row] = await database.db.select().from(deviceLocks).where(eq(deviceLocks.deviceId, estate.device.a1));
    expect(row?.locked).toBe(false);
    const expiries = (await audits(estate.device.a1)).filter((entry) => entry.action === 'lock.off');
    expect(expiries).toEqual([expect.objectContaining({ actorLabel: 'system', detail: { lockId: locked.lockId, reason: 'expired' } })]);
  });

  it('refuses unknown devices, empty commands, long messages and bad end times, storing nothing', async () => {
    expect(await service.lockDevices(['01JNOSUCHDEVICE00000000000'], { by: cliActor })).toMatchObject({ ok: false, code: 'device-unknown' });
    expect(await service.lockDevices([], { by: cliActor })).toMatchObject({ ok: false, code: 'lock-invalid' });
    expect(await service.lockDevices([estate.device.a1], { message: 'x'.repeat(501), by: cliActor })).toMatchObject({ ok: false, code: 'lock-invalid' });
    expect(await service.lockDevices([estate.device.a1], { until: new Date(clock.getTime() - 1), by: cliActor })).toMatchObject({
      ok: false,
      code: 'lock-invalid',
    });
    expect(await service.lockDevices([estate.device.a1], { until: new Date(Number.NaN), by: cliActor })).toMatchObject({ ok: false, code: 'lock-invalid' });
    expect(await database.db.select().from(deviceLocks)).toEqual([]);
  });

  it('pushes the stored state to the named devices connected here, and only to them', async () => {
    const locked = await service.lockDevices([estate.device.a1, estate.device.a2, estate.device.b1], { message: 'Stop', by: teacher });
    if (!locked.ok) throw new Error(locked.message);
    expect(await service.pushTo([estate.device.a1, estate.device.a2])).toBe(1);
    expect(hub.records.map((record) => record.deviceId)).toEqual([estate.device.a1]);
    expect(hub.receivedBy(estate.device.a1, 'lock')[0]?.payload).toEqual({ on: true, lockId: locked.lockId, message: 'Stop', by: 'Mr Smith' });
  });
});
