// The policy's idle lock for real: the headless agent under Xvfb with its real adapters, the
// real collector on PostgreSQL. With a one-minute idle time, xprintidle passes it, the
// configured locker (i3lock) runs, the collector records the idle lock, and nothing typed
// while locked is matched; once the locker is gone, typing alerts again.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, waitFor, X11_TEST_TOOLS, type Xvfb } from '@vigil/agent/testing';
import type { SystemDatabase } from './support/database.ts';
import type { AgentProcess, CollectorProcess } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

let system: WholeSystem;
let db: SystemDatabase;
let x: Xvfb;
let collector: CollectorProcess;
let agent: AgentProcess;

beforeAll(async () => {
  await ensureTools([X11_TEST_TOOLS.i3lock, X11_TEST_TOOLS.xprintidle]);
  // `i3lock -n` stays in the foreground while locked, so the agent holds its PID; the lock state is read every 0.5 s.
  system = await startWholeSystem('Idle homework', { lockCommand: ['i3lock', '-n'], lockPollMs: 500 });
  ({ db, x, collector, agent } = system);
});

afterAll(async () => {
  await system?.dispose();
});

const idleMs = async () => Number((await promisify(execFile)('xprintidle', [], { env: x.env })).stdout.trim());

/** PIDs of the i3lock processes the agent started. */
async function lockersOf(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const [comm = '', , ppid = ''] = stat.slice(stat.indexOf('(') + 1).split(/\)? /);
      if (comm === 'i3lock' && Number(ppid) === parent) pids.push(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return pids;
}

interface LockRow {
  kind: string;
  cause: string | null;
}

const idleLockRows = async () =>
  (await db.pool.query<LockRow>("select kind, cause from idle_lock_events where kind in ('locked', 'unlocked') order by at, id")).rows;
const alertCount = async (term: string) =>
  Number((await db.pool.query<{ n: string }>('select count(*) as n from alerts where term = $1', [term])).rows[0]?.n ?? 0);

describe('the idle lock of the headless agent under X', () => {
  it('after the policy idle time: a warning, i3lock, the idle lock recorded, key matching paused until the unlock', { timeout: 240_000 }, async () => {
    await collector.admin(['set-policy', '--scope', 'room', '--id', 'ICT Suite', '--json', JSON.stringify({ idleLockMinutes: 1, idleWarningSeconds: 5 })]);
    await agent.waitForLog((l) => l.msg === 'new policy from the collector', 15_000, 'the idle-lock policy');
    const agentPid = agent.pid ?? -1;

    // Nobody touches the PC: the warning comes 55 s into the idle time, the lock at 60 s.
    const warning = await agent.waitForLog((l) => l.msg === 'idle lock: warning shown', 90_000, 'the idle lock warning');
    expect(await idleMs()).toBeGreaterThanOrEqual(55_000);
    await waitFor(async () => (await idleMs()) >= 60_000, { timeoutMs: 30_000, intervalMs: 250, message: 'xprintidle past one minute' });
    const [locker] = await waitFor(
      async () => {
        const pids = await lockersOf(agentPid);
        return pids.length > 0 ? pids : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'i3lock started by the agent' },
    );
    const locked = await agent.waitForLog((l) => l.msg === 'screen locked after the idle time', 10_000, 'the idle lock');
    expect(Number(locked.time)).toBeGreaterThanOrEqual(Number(warning.time) + 5_000);
    await waitFor(async () => (await idleLockRows()).some((r) => r.kind === 'locked' && r.cause === 'idle'), {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: 'the idle lock row',
    });

    // Typed while locked (into i3lock's password box, as a pupil might): heard by the hook, never matched.
    await x.xdotoolType('i want to end my life\n');

    // The locker goes away (killed here; at a real PC: the pupil's password): unlock detected and recorded.
    process.kill(locker ?? -1, 'SIGTERM');
    await waitFor(async () => (await idleLockRows()).some((r) => r.kind === 'unlocked' && r.cause === 'idle'), {
      timeoutMs: 15_000,
      intervalMs: 200,
      message: 'the idle unlock row',
    });
    expect(await idleLockRows()).toEqual([
      { kind: 'locked', cause: 'idle' },
      { kind: 'unlocked', cause: 'idle' },
    ]);

    // Typing alerts again; a newline typed by xdotool (a Linefeed) ends the line.
    await x.openXterm('After the lock');
    await agent.focused('After the lock');
    await x.xdotoolType('nobody would miss me\n');
    await waitFor(async () => (await alertCount('nobody would miss me')) === 1, {
      timeoutMs: 20_000,
      intervalMs: 200,
      message: 'the alert typed after the unlock',
    });
    // Alerts go out in order: anything matched while locked would be in by now.
    expect(await alertCount('end my life')).toBe(0);
    expect(await lockersOf(agentPid)).toEqual([]);
  });
});
