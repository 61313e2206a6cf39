import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedEstate, type Estate } from '../agent-services/testing/agent-services-fixtures.ts';
import { auditLog, deviceLocks, devices, policies } from '../db/schema/index.ts';
import { hashSecret } from '../security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { run } from './admin.command.ts';

async function admin(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...parts: unknown[]) => void out.push(parts.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...parts: unknown[]) => void err.push(parts.join(' ')));
  try {
    return { code: await run(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

describe('vigil admin set-policy / show-policy / lock / unlock', () => {
  let database: TestDatabase;
  let estate: Estate;
  beforeAll(async () => {
    database = await createTestDatabase();
    estate = await seedEstate(database.db);
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('DATABASE_MIGRATION_URL', database.ownerUrl);
    vi.stubEnv('LOG_LEVEL', 'silent');
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    await database.drop();
  });

  it('set-policy stores a level by room name, audits it, and show-policy resolves it for a device', async () => {
    const result = await admin('set-policy', '--scope', 'room', '--id', 'ICT 1', '--json', '{"idleLockMinutes": 10}');
    expect(result).toMatchObject({ code: 0, out: '{"idleLockMinutes":10}' });
    const [row] = await database.db.select().from(policies).where(eq(policies.scopeId, estate.roomA));
    expect(row).toMatchObject({ scope: 'room', settings: { idleLockMinutes: 10 } });
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'policy.change'), eq(auditLog.targetId, estate.roomA)));
    expect(audit).toEqual([expect.objectContaining({ actorLabel: 'cli' })]);

    expect(await admin('set-policy', '--scope', 'device', '--id', 'ict1-pc01', '--json', '{"aupVersion": "2"}')).toMatchObject({ code: 0 });
    const shown = await admin('show-policy', '--device', 'ICT1-PC01');
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.out)).toMatchObject({ idleLockMinutes: 10, aupVersion: '2' });
    expect(JSON.parse((await admin('show-policy', '--scope', 'room', '--id', 'ICT 1')).out)).toEqual({ idleLockMinutes: 10 });

    expect(await admin('set-policy', '--scope', 'room', '--id', 'ICT 1', '--json', '{"captureScreenshots": false}', '--merge')).toMatchObject({
      code: 0,
      out: '{"idleLockMinutes":10,"captureScreenshots":false}',
    });
  });

  it('set-policy names the bad flag or setting', async () => {
    expect(await admin('set-policy', '--scope', 'floor', '--id', 'x', '--json', '{}')).toMatchObject({
      code: 2,
      err: '--scope must be one of site|room|device',
    });
    expect(await admin('set-policy', '--scope', 'room', '--id', 'ICT 1', '--json', '{idle')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--json is not valid JSON/) as unknown as string,
    });
    expect(await admin('set-policy', '--scope', 'room', '--id', 'ICT 1', '--json', '{"idleLockMinutes": -5}')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/^--json: idleLockMinutes: /) as unknown as string,
    });
    expect(await admin('set-policy', '--scope', 'room', '--id', 'ICT 1', '--json', '{"idle": 5}')).toMatchObject({
      code: 2,
      err: '--json: unknown setting "idle"',
    });
    expect(await admin('set-policy', '--scope', 'room', '--id', 'Gym', '--json', '{}')).toMatchObject({ code: 1, err: '--id: no room "Gym"' });
    expect(await admin('set-policy', '--scope', 'room', '--json', '{}')).toMatchObject({ code: 2, err: '--id is required' });
  });

  it('lock and unlock store the state by host name or room and audit it', async () => {
    const locked = await admin('lock', '--device', 'ict1-pc01', '--device', 'ict2-pc01', '--message', 'Listen up', '--minutes', '15');
    expect(locked.code).toBe(0);
    const rows = await database.db.select().from(deviceLocks);
    expect(rows.map((row) => row.deviceId).sort()).toEqual([estate.device.a1, estate.device.b1].sort());
    for (const row of rows) {
      expect(row).toMatchObject({ locked: true, lockId: locked.out, message: 'Listen up' });
      expect((row.until?.getTime() ?? 0) - Date.now()).toBeGreaterThan(14 * 60_000);
    }
    const unlocked = await admin('unlock', '--room', 'ICT 1');
    expect(unlocked.code).toBe(0);
    const after = await database.db.select().from(deviceLocks).where(eq(deviceLocks.deviceId, estate.device.a1));
    expect(after).toEqual([expect.objectContaining({ locked: false, lockId: unlocked.out })]);
    const actions = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, estate.device.a2));
    expect(actions).toEqual([{ action: 'lock.off' }]);
  });

  it('lock refuses a missing target, a bad duration, an unknown or ambiguous host name', async () => {
    await database.db.insert(devices).values([
      { hostname: 'twin', os: 'linux', siteId: estate.siteId, secretHash: hashSecret('t1') },
      { hostname: 'TWIN', os: 'linux', siteId: estate.siteId, secretHash: hashSecret('t2') },
    ]);
    expect(await admin('lock')).toMatchObject({ code: 2, err: '--device (or --room) is required' });
    expect(await admin('lock', '--device', 'ict1-pc01', '--minutes', '0')).toMatchObject({ code: 2, err: '--minutes must be an integer 1..43200' });
    expect(await admin('lock', '--device', 'nowhere-pc')).toMatchObject({ code: 1, err: '--device: no device "nowhere-pc"' });
    expect(await admin('lock', '--device', 'twin')).toMatchObject({ code: 1, err: expect.stringContaining('matches 2 devices') as unknown as string });
    expect(await admin('lock', '--devcie', 'x')).toMatchObject({ code: 2, err: expect.stringContaining("Unknown option '--devcie'") as unknown as string });
  });

  it('every subcommand explains itself with --help and exits 0', async () => {
    for (const name of [
      'migrate',
      'create-site',
      'create-room',
      'list-rooms',
      'create-token',
      'list-devices',
      'create-user',
      'set-policy',
      'show-policy',
      'lock',
      'unlock',
    ]) {
      const result = await admin(name, '--help');
      expect(result.code, name).toBe(0);
      expect(result.out).toMatch(new RegExp(`^usage: vigil admin ${name}`));
    }
    expect(await admin('--help')).toMatchObject({ code: 0, out: expect.stringContaining('set-policy --scope') as unknown as string });
    expect((await admin()).code).toBe(2);
  });
});
