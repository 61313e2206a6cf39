import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeCollector } from '../core/test-kit/fake-collector.ts';
import { TEST_WORDLIST } from '../core/test-kit/core-test-kit.ts';
import { startXvfb } from '../testing/xvfb.harness.ts';
import { waitFor } from '../testing/wait-for.ts';
import { alive, childEvents, childStarts } from './fixtures/supervised-events.ts';
import { BUNDLE_DIR } from './agent-bundle.mjs';
import { AGENT_BUNDLE_NODE_FLAGS, Supervisor, type SupervisorLog } from './supervisor.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/supervised-child.ts', import.meta.url));
/** `pnpm agent`: the compile cache on, then supervise.sh (Linux) or supervisor.ts. */
const LAUNCH = fileURLToPath(new URL('./launch.mjs', import.meta.url));

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function rig(mode: string, opts: { maxRestarts?: number; windowMs?: number } = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-supervisor-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'events.jsonl');
  const logged: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const log: SupervisorLog = (level, fields, msg) => logged.push({ level, msg, fields });
  const supervisor = new Supervisor({
    script: FIXTURE,
    execArgv: [],
    env: { ...process.env, SUPERVISED_LOG: logFile, SUPERVISED_MODE: mode },
    backoff: { initialMs: 20, maxMs: 20 },
    maxRestarts: opts.maxRestarts ?? 5,
    windowMs: opts.windowMs ?? 60_000,
    stopTimeoutMs: 5_000,
    log,
  });
  cleanup.push(async () => {
    const pid = supervisor.childPid;
    await supervisor.stop('SIGKILL');
    if (pid !== undefined) await waitFor(() => !alive(pid), { message: `child ${pid} gone` });
  });
  const events = () => childEvents(logFile);
  const starts = () => childStarts(logFile);
  return { supervisor, events, starts, logged };
}

describe('Supervisor (real child processes)', { timeout: 30_000 }, () => {
  it('starts the agent again after kill -9, tells it how often, and forwards SIGTERM once', async () => {
    const { supervisor, starts, events } = await rig('run');
    supervisor.start();
    const [first] = await waitFor(async () => ((await starts()).length === 1 ? starts() : undefined), { message: 'the first start' });
    expect(first?.restarts).toBe(0);
    process.kill(first?.pid ?? -1, 'SIGKILL');
    const again = await waitFor(async () => (await starts())[1], { message: 'a restart' });
    expect(again.restarts).toBe(1);
    expect(again.pid).not.toBe(first?.pid);
    expect(supervisor.restarts).toBe(1);
    expect(await supervisor.stop('SIGTERM')).toBe(0);
    expect((await events()).filter((e) => e.event.startsWith('SIG'))).toEqual([{ event: 'SIGTERM 1', pid: again.pid, restarts: 1 }]);
    expect(alive(again.pid)).toBe(false);
  });

  it('restarts a crashing agent at most maxRestarts times a window, then waits for the window to clear', async () => {
    const { supervisor, starts, logged } = await rig('always-crash', { maxRestarts: 3, windowMs: 6_000 });
    supervisor.start();
    const slow = await waitFor(() => logged.find((l) => l.msg === 'the agent keeps dying; restarting more slowly'), { message: 'the crash-loop brake' });
    // One start and three restarts inside the window, then a wait for the window, not the 20 ms backoff.
    expect((await starts()).length).toBe(4);
    expect(slow.fields.retryInMs).toBeGreaterThan(1_000);
    await waitFor(async () => (await starts()).length >= 5, { timeoutMs: 10_000, message: 'the restart after the window cleared' });
  });

  it('does not restart an agent that exits with the configuration error code, and ends with it', async () => {
    const { supervisor, starts } = await rig('config');
    supervisor.start();
    expect(await supervisor.done).toBe(2);
    expect(await starts()).toHaveLength(1);
  });
});

describe('pnpm agent (launch.mjs → supervise.sh → the bundle) with the real headless agent', { timeout: 90_000 }, () => {
  it('restarts the agent after kill -9 (an unclean exit, a restart in its heartbeat) and stops it in order on SIGTERM', async () => {
    const x = await startXvfb();
    cleanup.push(() => x.stop());
    const collector = await FakeCollector.start({ wordlist: TEST_WORDLIST });
    cleanup.push(() => collector.stop());
    const dir = await mkdtemp(join(tmpdir(), 'vigil-supervised-agent-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const proc = spawn(
      process.execPath,
      [LAUNCH, '--collector', collector.url, '--enrol-token', 'enrol-token-0123456789', '--state-dir', join(dir, 'state'), '--log-level', 'warn'],
      {
        env: { PATH: process.env.PATH, HOME: process.env.HOME, DISPLAY: x.display },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = once(proc, 'exit');
    cleanup.push(async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGKILL');
        await exited;
      }
    });
    const lines = () =>
      stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    const agentPids = () =>
      lines()
        .filter((l) => l.msg === 'agent started')
        .map((l) => Number(l.agentPid));

    await waitFor(() => collector.messages('heartbeat').length >= 1, { timeoutMs: 30_000, message: 'the first heartbeat' });
    expect(collector.messages('hello')[0]?.payload.previousExit).toBe('first-run');
    // The bundle (built if stale) under its V8 flags, not the TypeScript sources.
    const cmdline = (await readFile(`/proc/${agentPids()[0] ?? -1}/cmdline`, 'utf8')).split('\0');
    expect(cmdline).toContain(join(BUNDLE_DIR, 'main.mjs'));
    expect(cmdline).toEqual(expect.arrayContaining([...AGENT_BUNDLE_NODE_FLAGS]));
    // On Linux `pnpm agent` became the shell supervisor (same PID): no second Node process beside the agent.
    expect((await readFile(`/proc/${proc.pid ?? -1}/cmdline`, 'utf8')).split('\0').slice(0, 2)).toEqual([
      '/bin/sh',
      fileURLToPath(new URL('./supervise.sh', import.meta.url)),
    ]);
    process.kill(agentPids()[0] ?? -1, 'SIGKILL');

    await waitFor(() => collector.messages('hello').length >= 2 && collector.messages('heartbeat').length >= 2, {
      timeoutMs: 30_000,
      message: 'the restarted agent',
    });
    expect(collector.messages('hello')[1]?.payload.previousExit).toBe('unclean');
    expect(collector.messages('heartbeat').at(-1)?.payload.health?.agentRestarts).toBe(1);
    expect(agentPids()).toHaveLength(2);

    proc.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(collector.messages('bye').map((m) => m.payload.reason)).toEqual(['shutdown']);
    expect(alive(agentPids()[1] ?? -1)).toBe(false);
    // Node's compile cache went to the state folder, owner-only: the next start loads no TypeScript compiler.
    const cache = join(dir, 'state', 'compile-cache');
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect((await readdir(cache)).length).toBeGreaterThan(0);
  });

  it('ends at once with the agent when it cannot run (not enrolled), without restarting it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-supervised-agent-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const proc = spawn(process.execPath, [LAUNCH, '--collector', 'ws://127.0.0.1:9', '--state-dir', join(dir, 'state')], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = await once(proc, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('not enrolled');
    expect(stderr.match(/"msg":"agent started"/g)).toHaveLength(1);
  });
});
