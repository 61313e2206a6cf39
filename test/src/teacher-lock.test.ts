// A teacher lock that holds: the real headless agent under Xvfb locks with i3lock on a
// command from the real collector, and the lock survives the agent being killed and the
// PC "rebooting" while the collector is down; the collector's unlock still lifts it.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
  await ensureTools([X11_TEST_TOOLS.i3lock]);
  system = await startWholeSystem('Lesson', { lockCommand: ['i3lock', '-n'], lockPollMs: 500 });
  ({ db, x, collector, agent } = system);
});

afterAll(async () => {
  try {
    // A locker the test orphaned on purpose goes with the display.
    if (x !== undefined) for (const { pid } of await lockersOn(x.display)) killQuietly(pid);
  } finally {
    await system?.dispose();
  }
});

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** i3lock processes on this test's display (whoever their parent is now; not the helper each one forks). */
async function lockersOn(display: string): Promise<{ pid: number; ppid: number }[]> {
  const found: { pid: number; ppid: number }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() !== 'i3lock') continue;
      const environ = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0');
      if (!environ.includes(`DISPLAY=${display}`)) continue;
      const procStat = await readFile(`/proc/${entry}/stat`, 'utf8');
      found.push({ pid: Number(entry), ppid: Number(procStat.slice(procStat.lastIndexOf(')') + 2).split(' ')[1]) });
    } catch {
      // Gone between readdir and read.
    }
  }
  return found.filter((l) => !found.some((other) => other.pid === l.ppid));
}

const oneLocker = (what: string) =>
  waitFor(
    async () => {
      const lockers = await lockersOn(x.display);
      return lockers.length === 1 ? lockers[0] : undefined;
    },
    { timeoutMs: 15_000, intervalMs: 100, message: what },
  );

const lockRows = async () =>
  (await db.pool.query<{ kind: string; cause: string | null }>("select kind, cause from idle_lock_events where cause = 'teacher' order by at, id")).rows;

describe('a teacher lock under X', () => {
  it('holds through a kill -9 and a reboot with the collector down, and the collector unlock still lifts it', { timeout: 180_000 }, async () => {
    const stored = join(agent.stateDir, 'teacher-lock.json');
    const lockId = await collector.admin(['lock', '--room', 'ICT Suite', '--message', 'Eyes on the board']);
    await agent.waitForLog((l) => l.msg === 'screen locked by a teacher', 15_000, 'the teacher lock');
    const first = await oneLocker('i3lock for the teacher lock');
    expect(first.ppid).toBe(agent.pid);
    expect(JSON.parse(await readFile(stored, 'utf8'))).toMatchObject({ lockId, message: 'Eyes on the board' });
    expect((await stat(stored)).mode & 0o777).toBe(0o600);
    await waitFor(async () => (await lockRows()).length === 1, { timeoutMs: 15_000, message: 'the lock row' });

    // The collector goes away and the agent is killed: the locker stays on screen, and the
    // restarted agent takes it over rather than starting a second one.
    await collector.stop();
    await agent.kill9();
    await agent.start();
    await agent.waitForLog((l) => l.msg === 'teacher lock restored from the state folder', 10_000, 'the lock restored');
    await agent.waitForLog((l) => l.msg === 'found the locker a previous run left on screen; taking it over', 10_000, 'the locker taken over');
    expect((await lockersOn(x.display)).map((l) => l.pid)).toEqual([first.pid]);

    // A reboot: the agent stops in order, the screen comes back without a locker, the collector is still down.
    await agent.stop();
    killQuietly(first.pid);
    await waitFor(async () => (await lockersOn(x.display)).length === 0, { message: 'the old locker gone' });
    await agent.start();
    const rebooted = await oneLocker('i3lock again after the reboot');
    expect(rebooted.ppid).toBe(agent.pid);
    expect(agent.logs().some((l) => l.msg === 'connected to the collector')).toBe(false);

    // The collector returns: it re-sends the same lock (nothing changes), then a teacher unlocks.
    await collector.start();
    await agent.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the reconnection');
    expect((await lockersOn(x.display)).map((l) => l.pid)).toEqual([rebooted.pid]);
    await collector.admin(['unlock', '--room', 'ICT Suite']);
    await waitFor(async () => (await lockersOn(x.display)).length === 0, { timeoutMs: 15_000, message: 'the locker gone after the unlock' });
    await expect(stat(stored)).rejects.toThrow(/ENOENT/);
    await waitFor(async () => (await lockRows()).some((r) => r.kind === 'unlocked'), { timeoutMs: 15_000, message: 'the unlock row' });
  });
});
