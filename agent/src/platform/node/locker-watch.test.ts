import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import { NodeScreenLocker } from './screen-locker.node.ts';

// The loss signal the LockService re-locks on (no poll): i3lock under Xvfb, killed the way a
// pupil would, lifted the way a teacher would.
describe('NodeScreenLocker tells a killed locker at once (onLost), and not a lifted one', { timeout: 30_000 }, () => {
  let x: Xvfb;
  let dir: string;

  beforeAll(async () => {
    await ensureTools([T.i3lock, T.xwininfo]);
    x = await startXvfb();
    dir = await mkdtemp(join(tmpdir(), 'vigil-locker-watch-'));
  }, 60_000);

  afterAll(async () => {
    await x?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const locker = (pidFile?: string) => new NodeScreenLocker({ mode: 'command', overlay: false, env: x.env, ...(pidFile === undefined ? {} : { pidFile }) });

  it('kill -9 of the locker it started is told within moments; a teacher unlock is not told', async () => {
    const screen = locker();
    const lost: number[] = [];
    const stop = screen.onLost(() => lost.push(Date.now()));
    await screen.lock({ reason: 'teacher' });
    const pid = screen.lockerPid ?? -1;
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => lost.length === 1, { timeoutMs: 2_000, intervalMs: 5, message: 'the loss told' });
    process.stdout.write(`locker kill -9 → onLost: ${String((lost[0] ?? 0) - killedAt)} ms\n`);
    expect(await screen.isLocked()).toBe(false);

    await screen.lock({ reason: 'teacher' });
    expect(screen.lockerPid).not.toBe(pid);
    await screen.unlock();
    expect(await screen.isLocked()).toBe(false);
    // unlock() resolved after the locker's exit: a loss would have been told by now.
    expect(lost).toHaveLength(1);
    stop();
  });

  it('a locker taken over from a previous run (not our child) is watched by PID', async () => {
    const pidFile = join(dir, 'locker.pid');
    const first = locker(pidFile);
    await first.lock({ reason: 'teacher' });
    const pid = first.lockerPid ?? -1;
    await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() === String(pid), { message: 'the PID file' });

    // The agent restarted: a new locker object finds the one on screen.
    const second = locker(pidFile);
    const lost: number[] = [];
    second.onLost(() => lost.push(Date.now()));
    expect(await second.isLocked()).toBe(true);
    expect(second.lockerPid).toBe(pid);
    const killedAt = Date.now();
    process.kill(pid, 'SIGKILL');
    await waitFor(() => lost.length === 1, { timeoutMs: 2_000, intervalMs: 5, message: 'the loss of the taken-over locker told' });
    process.stdout.write(`taken-over locker kill -9 → onLost: ${String((lost[0] ?? 0) - killedAt)} ms\n`);
    expect(await second.isLocked()).toBe(false);
  });
});
