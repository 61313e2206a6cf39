// supervise.sh, the supervisor `pnpm agent` runs on Linux (launch.mjs replaces itself with it), run for real
// with /bin/sh over a stand-in agent (fixtures/supervised-child.ts); the real agent under it is in
// supervisor.test.ts ("pnpm agent …").
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../testing/wait-for.ts';
import { alive, childEvents, childStarts } from './fixtures/supervised-events.ts';

const SCRIPT = fileURLToPath(new URL('./supervise.sh', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixtures/supervised-child.ts', import.meta.url));

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function rig(mode: string, env: Record<string, string> = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-supervise-sh-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'events.jsonl');
  const proc: ChildProcess = spawn('/bin/sh', [SCRIPT, process.execPath, FIXTURE], {
    env: { PATH: process.env.PATH, SUPERVISED_LOG: logFile, SUPERVISED_MODE: mode, VIGIL_SUPERVISE_FIRST_DELAY_SECONDS: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    // Its own process group, as a terminal would give it: a Ctrl-C is a signal to the whole group.
    detached: true,
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = once(proc, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const events = () => childEvents(logFile);
  const starts = () => childStarts(logFile);
  const logged = () =>
    stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string });
  cleanup.push(async () => {
    const pids = (await starts()).map((s) => s.pid);
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  });
  return { proc, exited, events, starts, logged, stderr: () => stderr };
}

describe('supervise.sh (real /bin/sh, real child processes)', { timeout: 30_000 }, () => {
  it('starts the agent again after kill -9, tells it how often, logs JSON lines, and forwards SIGTERM once', async () => {
    const { proc, exited, starts, events, logged, stderr } = await rig('run');
    const [first] = await waitFor(async () => ((await starts()).length === 1 ? starts() : undefined), { message: 'the first start' });
    expect(first?.restarts).toBe(0);
    expect(logged().find((l) => l.msg === 'agent started')).toMatchObject({
      level: 30,
      module: 'supervisor',
      agentPid: first?.pid,
      restarts: 0,
      pid: proc.pid,
    });
    // The agent has its own session: a terminal's signals reach the supervisor only.
    const stat = (await readFile(`/proc/${first?.pid ?? -1}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
    expect(Number(stat[3])).toBe(first?.pid); // session id

    process.kill(first?.pid ?? -1, 'SIGKILL');
    const again = await waitFor(async () => (await starts())[1], { message: 'a restart' });
    expect(again.restarts).toBe(1);
    expect(logged().find((l) => l.msg === 'the agent died; restarting it')).toMatchObject({ level: 40, code: 137, signal: 'SIGKILL', restarts: 1 });

    proc.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect((await events()).filter((e) => e.event.startsWith('SIG'))).toEqual([{ event: 'SIGTERM 1', pid: again.pid, restarts: 1 }]);
    expect(alive(again.pid)).toBe(false);
    expect(logged().at(-1)).toMatchObject({ msg: 'agent stopped', code: 0 });
    // Nothing but JSON lines: the shell's own "Killed" notices do not leak into the log.
    expect(
      stderr()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('{')),
    ).toEqual([]);
  });

  it('a Ctrl-C at the terminal (SIGINT to the whole group) reaches the agent once', async () => {
    const { proc, exited, starts, events } = await rig('run');
    const [first] = await waitFor(async () => ((await starts()).length === 1 ? starts() : undefined), { message: 'the first start' });
    process.kill(-(proc.pid ?? 0), 'SIGINT');
    const [code] = await exited;
    expect(code).toBe(0);
    expect((await events()).filter((e) => e.event.startsWith('SIG'))).toEqual([{ event: 'SIGINT 1', pid: first?.pid, restarts: 0 }]);
  });

  it('restarts a crashing agent at most 3 times a window, then waits for the window to clear', async () => {
    const { starts, logged } = await rig('always-crash', { VIGIL_SUPERVISE_MAX_RESTARTS: '3', VIGIL_SUPERVISE_WINDOW_SECONDS: '4' });
    const slow = await waitFor(() => logged().find((l) => l.msg === 'the agent keeps dying; restarting more slowly'), { message: 'the crash-loop brake' });
    expect((await starts()).length).toBe(4);
    expect(slow.retryInMs).toBeGreaterThanOrEqual(1_000);
    await waitFor(async () => (await starts()).length >= 5, { timeoutMs: 10_000, message: 'the restart after the window cleared' });
  });

  it('does not restart an agent that exits with the configuration error code, and ends with it', async () => {
    const { exited, starts, logged } = await rig('config');
    const [code] = await exited;
    expect(code).toBe(2);
    expect(await starts()).toHaveLength(1);
    expect(logged().at(-1)).toMatchObject({ level: 50, msg: 'the agent cannot run with this configuration; not restarting' });
  });

  it('kills an agent that does not stop within the stop timeout', async () => {
    const { proc, exited, starts, logged } = await rig('ignore-stop', { VIGIL_SUPERVISE_STOP_TIMEOUT_SECONDS: '1' });
    const [first] = await waitFor(async () => ((await starts()).length === 1 ? starts() : undefined), { message: 'the first start' });
    proc.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(137);
    expect(alive(first?.pid ?? -1)).toBe(false);
    expect(logged().map((l) => l.msg)).toContain('the agent did not stop; killing it');
  });
});
