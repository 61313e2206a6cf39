// Tamper signals between the real agent and the real collector: an orderly stop says `bye`,
// a kill does not (the collector records `silent`, the next start reports an unclean exit, audited
// once however often that run reconnects);
// the supervisor brings a killed agent and a killed keyboard hook back, and the agent's
// heartbeat tells the collector so; a damaged outbox is reported too.
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import type { SystemDatabase } from './support/database.ts';
import { baseEnv, startNode, type NodeProcess } from './support/processes.ts';
import type { AgentProcess, CollectorProcess, LogLine } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

let system: WholeSystem;
let db: SystemDatabase;
let collector: CollectorProcess;
let agent: AgentProcess;
let deviceId: string;

beforeAll(async () => {
  system = await startWholeSystem('Tamper');
  ({ db, collector, agent } = system);
  // Heartbeats every 5 s, so the counters they carry arrive quickly.
  await collector.admin(['set-policy', '--scope', 'room', '--id', 'ICT Suite', '--json', JSON.stringify({ heartbeatSeconds: 5 })]);
  deviceId = (JSON.parse(await readFile(join(agent.stateDir, 'device.json'), 'utf8')) as { deviceId: string }).deviceId;
});

afterAll(async () => {
  await system?.dispose();
});

interface DeviceRow {
  status: string;
  previous_exit: string | null;
}

const device = async (id: string) => (await db.pool.query<DeviceRow>('select status, previous_exit from devices where id = $1', [id])).rows[0];
const untilDevice = (id: string, want: DeviceRow, what: string) =>
  waitFor(
    async () => {
      const row = await device(id);
      return row?.status === want.status && row.previous_exit === want.previous_exit;
    },
    { timeoutMs: 20_000, intervalMs: 100, message: what },
  );
const audits = async (id: string, action: string) =>
  Number((await db.pool.query<{ n: string }>('select count(*) as n from audit_log where target_id = $1 and action = $2', [id, action])).rows[0]?.n ?? 0);
const healthReport = (id: string, match: (l: LogLine) => boolean) => (l: LogLine) =>
  l.msg === 'agent reports lost records or restarts' && l.deviceId === id && match(l);

describe('tamper signals', () => {
  it('kill -9: the collector records a silent exit and the next start reports an unclean one', async () => {
    await agent.kill9();
    await untilDevice(deviceId, { status: 'silent', previous_exit: 'silent' }, 'the device marked silent');
    expect(await audits(deviceId, 'agent.silent')).toBe(1);
    await agent.start();
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the reconnection');
    expect(agent.logs().find((l) => l.msg === 'agent starting')?.previousExit).toBe('unclean');
    await waitFor(async () => (await audits(deviceId, 'agent.unclean-exit')) === 1, { timeoutMs: 15_000, message: 'the unclean-exit audit entry' });
    await untilDevice(deviceId, { status: 'online', previous_exit: 'silent' }, 'the device online again');

    // The same agent run reconnects (the collector crashed and came back): one unclean exit, audited once.
    const connections = () => agent.logs().filter((l) => l.msg === 'connected to the collector').length;
    const before = connections();
    await collector.kill9();
    await collector.start();
    // The welcome comes after the hello is recorded: once the agent is connected, any audit entry is committed.
    await agent.waitForLog(() => connections() > before, 30_000, 'the reconnection to the restarted collector');
    expect(await audits(deviceId, 'agent.unclean-exit')).toBe(1);
  });

  it('SIGTERM: the agent says bye, the collector records an orderly exit, the next start is clean', async () => {
    await agent.stop();
    await untilDevice(deviceId, { status: 'offline', previous_exit: 'bye' }, 'the device offline after bye');
    await agent.start();
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the reconnection');
    expect(agent.logs().find((l) => l.msg === 'agent starting')?.previousExit).toBe('clean');
    await untilDevice(deviceId, { status: 'online', previous_exit: 'bye' }, 'the device online again');
    expect(await audits(deviceId, 'agent.unclean-exit')).toBe(1);
  });

  it('a damaged outbox is reported to the collector in the heartbeat and logged with the device id', async () => {
    await collector.stop();
    const queued = agent.logs().filter((l) => l.msg === 'alert queued').length;
    await system.typeLine('i want to take my own life');
    await agent.waitForLog(() => agent.logs().filter((l) => l.msg === 'alert queued').length > queued, 10_000, 'the alert queued');
    await agent.stop();
    const outboxDir = join(agent.stateDir, 'outbox');
    const newest = join(
      outboxDir,
      (await readdir(outboxDir))
        .filter((f) => f.startsWith('alert-') && f.endsWith('.seg'))
        .sort()
        .at(-1) ?? 'missing',
    );
    const file = await open(newest, 'r+');
    await file.write(Buffer.alloc(12, 0xee), 0, 12, (await stat(newest)).size - 12);
    await file.close();
    await collector.start();
    await agent.start();
    const report = await collector.waitForLog(
      healthReport(deviceId, (l) => Number(l.outboxDamaged) >= 1),
      30_000,
      'the damage report',
    );
    expect(report.risen).toContain('outboxDamaged');
  });

  it('the supervisor restarts a killed agent and the killed keyboard hook; both are reported; SIGTERM stops it in order', { timeout: 180_000 }, async () => {
    await agent.stop();
    const root = await mkdtemp(join(tmpdir(), 'vigil-e2e-supervised-'));
    let supervised: NodeProcess | undefined;
    try {
      const token = await collector.admin(['create-token', '--room', 'ICT Suite', '--uses', '1', '--expires', '1d']);
      const stateDir = join(root, 'state');
      supervised = startNode(
        'agent/src/headless/launch.mjs',
        ['--collector', collector.url, '--enrol-token', token, '--state-dir', stateDir, '--log-level', 'info'],
        baseEnv({ DISPLAY: system.x.display }),
      );
      const proc = supervised;
      const agentPids = () =>
        proc
          .logs()
          .filter((l) => l.msg === 'agent started')
          .map((l) => Number(l.agentPid));
      await waitFor(() => proc.logs().some((l) => l.msg === 'keyboard hook running'), { timeoutMs: 30_000, message: 'the supervised agent' });
      await waitFor(() => proc.logs().some((l) => l.msg === 'connected to the collector'), { timeoutMs: 15_000, message: 'the supervised agent connected' });
      const id = (JSON.parse(await readFile(join(stateDir, 'device.json'), 'utf8')) as { deviceId: string }).deviceId;

      // The agent is killed: the supervisor starts it again, the collector hears of it.
      process.kill(agentPids()[0] ?? -1, 'SIGKILL');
      await waitFor(() => agentPids().length === 2, { timeoutMs: 20_000, message: 'the agent restarted' });
      await waitFor(async () => (await audits(id, 'agent.unclean-exit')) === 1, { timeoutMs: 30_000, message: 'the unclean-exit audit entry' });
      await collector.waitForLog(
        healthReport(id, (l) => l.agentRestarts === 1),
        30_000,
        'the agent restart in a heartbeat',
      );

      // The keyboard hook's X connection is cut (`xkill`, as a pupil could; on Linux the hook is the agent's own
      // RECORD connection, not a child process): the agent connects again and counts it.
      const hooksRunning = () => proc.logs().filter((l) => l.msg === 'keyboard hook running').length;
      await waitFor(() => hooksRunning() === 2, { timeoutMs: 20_000, message: "the restarted agent's keyboard hook" });
      const recordContext = await waitFor(
        () =>
          proc
            .logs()
            .filter((l) => l.msg === 'recording keys from the X server')
            .at(-1)?.recordContext,
        { message: 'the X connection of the hook' },
      );
      await new Promise<void>((resolve, reject) =>
        execFile('xkill', ['-id', String(recordContext)], { env: system.x.env }, (err) => (err ? reject(err) : resolve())),
      );
      await waitFor(() => hooksRunning() === 3, { timeoutMs: 20_000, message: 'the keyboard hook connected again' });
      await collector.waitForLog(
        healthReport(id, (l) => l.keyboardHookRestarts === 1),
        30_000,
        'the hook restart in a heartbeat',
      );

      // SIGTERM to the supervisor: forwarded once, the agent says bye, both exit 0.
      await proc.stop('SIGTERM');
      expect((await proc.exited).code).toBe(0);
      await untilDevice(id, { status: 'offline', previous_exit: 'bye' }, 'the supervised device offline after bye');
    } finally {
      // The agent runs in its own process group: stop it as well as the supervisor.
      const agents =
        supervised
          ?.logs()
          .filter((l) => l.msg === 'agent started')
          .map((l) => Number(l.agentPid)) ?? [];
      await supervised?.stop('SIGKILL');
      for (const pid of agents) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
      await rm(root, { recursive: true, force: true, maxRetries: 5 });
    }
  });
});
