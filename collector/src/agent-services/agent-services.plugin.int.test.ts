import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { cliActor } from '../audit/actor.ts';
import { run as admin } from '../cli/admin.command.ts';
import { deviceLocks, policies } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { agentServicesApp, seedEstate, smallWordlists, termsHeader, type Estate } from './testing/agent-services-fixtures.ts';
import { RecordingAgentHub } from './testing/recording-agent-hub.ts';

/** The product promise: a word-list change reaches connected agents within 2 s. */
const wordlistPushDeadlineMs = 2_000;

interface HealthBody {
  status: string;
  checks: Record<string, { status: string; detail?: string }>;
}

describe('agent services plugin', () => {
  let database: TestDatabase;
  let estate: Estate;
  let lists: Awaited<ReturnType<typeof smallWordlists>>;
  let hub: RecordingAgentHub;
  let app: FastifyInstance;

  beforeAll(async () => {
    database = await createTestDatabase();
    estate = await seedEstate(database.db);
  });
  afterAll(async () => {
    await database.drop();
  });
  beforeEach(async () => {
    await database.db.delete(policies);
    await database.db.delete(deviceLocks);
    lists = await smallWordlists();
    hub = new RecordingAgentHub([estate.device.a1, estate.device.b1, estate.device.c1]);
    app = await agentServicesApp(database, { wordlistsDir: lists.dir, hub });
  });
  afterEach(async () => {
    await app.close();
    await lists.remove();
  });

  const health = async (): Promise<HealthBody> => (await app.inject({ method: 'GET', url: '/health' })).json();
  const wordlistPushes = () => hub.ofType('wordlist');

  it('pushes a word-list file change to every connected agent within 2 s', async () => {
    const before = app.wordlists.current().version;
    const changedAt = performance.now();
    await appendFile(join(lists.dir, 'bullying.tsv'), 'numpty\tbullying\t2\tword\n');
    await vi.waitFor(() => expect(wordlistPushes()).toHaveLength(1), { timeout: wordlistPushDeadlineMs, interval: 10 });
    const [push] = wordlistPushes();
    const latencyMs = Math.round((push?.at ?? 0) - changedAt);
    expect(push?.deviceId).toBeUndefined();
    expect(push?.message.payload.terms.map((entry) => entry.term)).toContain('numpty');
    expect(push?.message.payload.version).not.toBe(before);
    expect(app.wordlists.current()).toBe(push?.message.payload);
    for (const device of [estate.device.a1, estate.device.b1, estate.device.c1]) expect(hub.receivedBy(device, 'wordlist')).toHaveLength(1);
    expect(latencyMs).toBeLessThan(wordlistPushDeadlineMs);
    app.log.info({ latencyMs }, 'word-list push latency');
  });

  it('never pushes a broken file: the last good list stays, /health names file:line, and a fix recovers', async () => {
    const good = app.wordlists.current();
    expect((await health()).checks.wordlists).toMatchObject({ status: 'ok' });
    await appendFile(join(lists.dir, 'bullying.tsv'), 'numpty\tbulying\t2\tword\n');
    await vi.waitFor(async () => expect((await health()).checks.wordlists?.status).toBe('degraded'), { timeout: 5_000, interval: 25 });
    const degraded = await health();
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks.wordlists?.detail).toMatch(/^bullying\.tsv:4: .*bulying/);
    expect(wordlistPushes()).toEqual([]);
    expect(app.wordlists.current()).toBe(good);

    await writeFile(join(lists.dir, 'bullying.tsv'), `${termsHeader}loser\tbullying\t2\tword\nidiot\tbullying\t2\tword\nnumpty\tbullying\t2\tword\n`);
    await vi.waitFor(() => expect(wordlistPushes()).toHaveLength(1), { timeout: 5_000, interval: 10 });
    expect(wordlistPushes()[0]?.message.payload.terms.map((entry) => entry.term)).toContain('numpty');
    expect(await health()).toMatchObject({ status: 'ok', checks: { wordlists: { status: 'ok' } } });
  });

  it('reloads on request (custom entries changed) and pushes only a new version', async () => {
    expect(await app.agentServices.wordlists.reload()).toMatchObject({ changed: false });
    expect(wordlistPushes()).toEqual([]);
  });

  it('pushes a saved policy to the affected connected devices only', async () => {
    const saved = await app.agentServices.policies.setPolicy('room', estate.roomA, { idleLockMinutes: 5 }, cliActor);
    expect(saved.ok).toBe(true);
    await vi.waitFor(() => expect(hub.ofType('policy')).toHaveLength(1), { timeout: 5_000, interval: 10 });
    // a2 is in room A but not connected; b1 and c1 are connected elsewhere in the estate.
    expect(hub.receivedBy(estate.device.a1, 'policy')[0]?.payload).toMatchObject({ idleLockMinutes: 5 });

    hub.clear();
    await app.agentServices.policies.setPolicy('site', estate.siteId, { aupVersion: '7' }, cliActor);
    await vi.waitFor(() => expect(hub.ofType('policy')).toHaveLength(2), { timeout: 5_000, interval: 10 });
    expect(
      hub
        .ofType('policy')
        .map((record) => record.deviceId)
        .sort(),
    ).toEqual([estate.device.a1, estate.device.b1].sort());
    expect(hub.receivedBy(estate.device.a1, 'policy')[0]?.payload).toMatchObject({ idleLockMinutes: 5, aupVersion: '7' });
    expect(hub.receivedBy(estate.device.b1, 'policy')[0]?.payload).toMatchObject({ idleLockMinutes: 0, aupVersion: '7' });
    expect(await app.policies.forDevice(estate.device.a2)).toMatchObject({ idleLockMinutes: 5, aupVersion: '7' });
  });

  it('pushes locks and unlocks to the connected devices, and re-reports them for reconnects', async () => {
    const locked = await app.agentServices.locks.lockDevices([estate.device.a1, estate.device.a2], { message: 'Eyes front', by: cliActor });
    if (!locked.ok) throw new Error(locked.message);
    await vi.waitFor(() => expect(hub.ofType('lock')).toHaveLength(1), { timeout: 5_000, interval: 10 });
    expect(hub.ofType('lock')[0]).toMatchObject({
      deviceId: estate.device.a1,
      message: { payload: { on: true, lockId: locked.lockId, message: 'Eyes front' } },
    });
    expect(await app.locks.forDevice(estate.device.a2)).toEqual({ on: true, lockId: locked.lockId, message: 'Eyes front' });

    const unlocked = await app.agentServices.locks.unlockDevices([estate.device.a1], cliActor);
    if (!unlocked.ok) throw new Error(unlocked.message);
    await vi.waitFor(() => expect(hub.ofType('lock')).toHaveLength(2), { timeout: 5_000, interval: 10 });
    expect(hub.ofType('lock')[1]?.message.payload).toEqual({ on: false, lockId: unlocked.lockId });
  });

  it('hears a lock made by `vigil admin` (another database connection) and pushes it', async () => {
    vi.stubEnv('DATABASE_URL', database.url);
    vi.stubEnv('DATABASE_MIGRATION_URL', database.ownerUrl);
    vi.stubEnv('LOG_LEVEL', 'silent');
    const quiet = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const quietErr = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await admin(['lock', '--device', 'ict2-pc01', '--minutes', '10', '--message', 'Back in 10'])).toBe(0);
    } finally {
      quiet.mockRestore();
      quietErr.mockRestore();
      vi.unstubAllEnvs();
    }
    await vi.waitFor(() => expect(hub.receivedBy(estate.device.b1, 'lock')).toHaveLength(1), { timeout: 5_000, interval: 10 });
    const payload = hub.receivedBy(estate.device.b1, 'lock')[0]?.payload;
    expect(payload).toMatchObject({ on: true, message: 'Back in 10' });
    expect((payload?.until ?? 0) - Date.now()).toBeGreaterThan(9 * 60_000);
  });

  it('re-pushes policies and locks after its control connection was lost', async () => {
    await app.agentServices.locks.lockDevices([estate.device.c1], { by: cliActor });
    await vi.waitFor(() => expect(hub.ofType('lock')).toHaveLength(1), { timeout: 5_000, interval: 10 });
    hub.clear();
    await database.pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'vigil-collector-control' and datname = current_database()`,
    );
    await vi.waitFor(() => expect(hub.receivedBy(estate.device.c1, 'lock')).toHaveLength(1), { timeout: 10_000, interval: 25 });
    expect(
      hub
        .ofType('policy')
        .map((record) => record.deviceId)
        .sort(),
    ).toEqual([estate.device.a1, estate.device.b1, estate.device.c1].sort());
    expect((await health()).checks['agent-control']).toEqual({ status: 'ok' });
  });
});
