import { defaultPolicy } from '@vigil/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliActor } from '../audit/actor.ts';
import { seedEstate, type Estate } from '../agent-services/testing/agent-services-fixtures.ts';
import { auditLog, policies } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { PolicyService } from './policy.service.ts';

describe('PolicyService', () => {
  let database: TestDatabase;
  let estate: Estate;
  const log = { debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  let service: PolicyService;

  beforeAll(async () => {
    database = await createTestDatabase();
    estate = await seedEstate(database.db);
    service = new PolicyService({ db: database.db, log });
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.db.delete(policies);
    log.error.mockClear();
  });

  it('gives the default policy when nothing is stored, and to an unknown device', async () => {
    expect(await service.forDevice(estate.device.a1)).toEqual(defaultPolicy);
    expect(await service.forDevice('01JUNKNOWNDEVICE0000000000')).toEqual(defaultPolicy);
  });

  it('resolves default ← site ← room ← device', async () => {
    const set = (scope: 'site' | 'room' | 'device', id: string, settings: object) => service.setPolicy(scope, id, settings, cliActor);
    await set('site', estate.siteId, { idleLockMinutes: 20, aupVersion: 'site', idleWarningSeconds: 60 });
    await set('room', estate.roomA, { idleLockMinutes: 10, captureScreenshots: false });
    await set('device', estate.device.a1, { idleLockMinutes: 3 });
    const resolved = await service.forDevices([estate.device.a1, estate.device.a2, estate.device.b1, estate.device.c1, estate.device.loose]);
    expect(resolved.get(estate.device.a1)).toMatchObject({ idleLockMinutes: 3, captureScreenshots: false, aupVersion: 'site', idleWarningSeconds: 60 });
    expect(resolved.get(estate.device.a2)).toMatchObject({ idleLockMinutes: 10, captureScreenshots: false, aupVersion: 'site' });
    expect(resolved.get(estate.device.b1)).toMatchObject({ idleLockMinutes: 20, captureScreenshots: true, aupVersion: 'site' });
    expect(resolved.get(estate.device.loose)).toMatchObject({ idleLockMinutes: 20, aupVersion: 'site' });
    expect(resolved.get(estate.device.c1)).toEqual(defaultPolicy);
  });

  it('keeps the site value of a setting a room layer does not mention (schema defaults stay out)', async () => {
    await service.setPolicy('site', estate.siteId, { idleWarningSeconds: 90 }, cliActor);
    await service.setPolicy('room', estate.roomA, { idleLockMinutes: 4 }, cliActor);
    expect(await service.forDevice(estate.device.a1)).toMatchObject({ idleWarningSeconds: 90, idleLockMinutes: 4 });
    expect(await service.getLayer('room', estate.roomA)).toEqual({ idleLockMinutes: 4 });
  });

  it('skips an invalid stored layer with an error log, and still applies the others', async () => {
    await database.db.insert(policies).values([
      { scope: 'site', scopeId: estate.siteId, settings: { idleLockMinutes: 15 } },
      { scope: 'room', scopeId: estate.roomA, settings: { idleLockMinutes: 'ten', heartbeatSeconds: 1 } },
      { scope: 'device', scopeId: estate.device.a1, settings: { aupVersion: 'dev', someRetiredKey: 1 } },
    ]);
    expect(await service.forDevice(estate.device.a1)).toMatchObject({ idleLockMinutes: 15, aupVersion: 'dev' });
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ scope: 'room', scopeId: estate.roomA }), 'stored policy layer is invalid and was skipped');
  });

  it('refuses invalid settings, naming the key, and stores nothing', async () => {
    expect(await service.setPolicy('room', estate.roomA, { idleLockMinutes: 999 }, cliActor)).toMatchObject({
      ok: false,
      code: 'policy-invalid',
      message: expect.stringContaining('idleLockMinutes') as unknown as string,
    });
    expect(await service.setPolicy('room', estate.roomA, { idleLockMinuts: 5 }, cliActor)).toEqual({
      ok: false,
      code: 'policy-invalid',
      message: 'unknown setting "idleLockMinuts"',
    });
    expect(await service.setPolicy('room', '01JNOSUCHROOM0000000000000', { idleLockMinutes: 5 }, cliActor)).toMatchObject({ ok: false, code: 'scope-unknown' });
    expect(await database.db.select().from(policies)).toEqual([]);
  });

  it('replaces a level by default, merges on request, and audits every change with the previous value', async () => {
    await service.setPolicy('room', estate.roomB, { idleLockMinutes: 5, captureScreenshots: false }, cliActor);
    await service.setPolicy('room', estate.roomB, { aupVersion: '2' }, cliActor, { merge: true });
    expect(await service.getLayer('room', estate.roomB)).toEqual({ idleLockMinutes: 5, captureScreenshots: false, aupVersion: '2' });
    const replaced = await service.setPolicy('room', estate.roomB, { idleLockMinutes: 7 }, { userId: null, label: 'Ms Head' });
    expect(replaced).toEqual({ ok: true, layer: { idleLockMinutes: 7 }, previous: { idleLockMinutes: 5, captureScreenshots: false, aupVersion: '2' } });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'policy.change'), eq(auditLog.targetId, estate.roomB)))
      .orderBy(auditLog.id);
    expect(audit).toHaveLength(3);
    expect(audit[2]).toMatchObject({ actorLabel: 'Ms Head', targetType: 'room', detail: { settings: { idleLockMinutes: 7 }, previous: { aupVersion: '2' } } });
  });
});
