import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from './exec.ts';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { NodeScreenLocker } from './screen-locker.node.ts';

const processExists = async (pid: number) =>
  run('ps', ['-p', String(pid), '-o', 'stat=']).then(
    ({ stdout }) => stdout.trim() !== '' && !stdout.includes('Z'),
    () => false,
  );

describe('NodeScreenLocker under Xvfb', { timeout: 30_000 }, () => {
  let x: Xvfb;
  const topLevelWindows = async () => (await run('xwininfo', ['-root', '-children'], { env: x.env })).stdout;

  beforeAll(async () => {
    await ensureTools([T.i3lock, T.xwininfo]);
    x = await startXvfb();
  }, 60_000);

  afterAll(async () => {
    await x?.stop();
  });

  it('lock starts i3lock on the display, isLocked follows it, unlock kills exactly that process', async () => {
    const locker = new NodeScreenLocker({ mode: 'command', env: x.env });
    expect(await locker.isLocked()).toBe(false);
    await locker.lock({ message: 'Eyes on the teacher' });
    const pid = locker.lockerPid ?? -1;
    expect(await processExists(pid)).toBe(true);
    expect((await run('ps', ['-p', String(pid), '-o', 'comm='])).stdout.trim()).toBe('i3lock');
    expect(await topLevelWindows()).toContain('"i3lock"');
    expect(await locker.isLocked()).toBe(true);

    await locker.lock();
    expect(locker.lockerPid).toBe(pid);

    await locker.unlock();
    expect(await locker.isLocked()).toBe(false);
    expect(await processExists(pid)).toBe(false);
    expect(await topLevelWindows()).not.toContain('"i3lock"');
  });

  it('is no longer locked once the locker exits by itself (the pupil typed the password)', async () => {
    const locker = new NodeScreenLocker({ mode: 'command', env: x.env });
    await locker.lock();
    process.kill(locker.lockerPid ?? -1, 'SIGTERM');
    await waitFor(async () => !(await locker.isLocked()), { message: 'unlocked' });
    await locker.unlock();
  });

  it('rejects when the locker cannot run, and is not locked', async () => {
    const locker = new NodeScreenLocker({ mode: 'command', command: ['i3lock', '-n', '--no-such-flag'], env: x.env });
    await expect(locker.lock()).rejects.toThrow(/locker i3lock exited/);
    expect(await locker.isLocked()).toBe(false);
    const missing = new NodeScreenLocker({ mode: 'command', command: ['vigil-no-such-locker'], env: x.env });
    await expect(missing.lock()).rejects.toThrow(/failed to start/);
  });

  it('takes over the locker a killed predecessor left on screen (PID file), and lifts it on unlock', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-locker-'));
    try {
      const pidFile = join(dir, 'locker.pid');
      const first = new NodeScreenLocker({ mode: 'command', env: x.env, pidFile });
      await first.lock({ reason: 'teacher' });
      const pid = first.lockerPid ?? -1;
      await waitFor(async () => (await readFile(pidFile, 'utf8').catch(() => '')).trim() === String(pid), { message: 'the PID file' });
      expect((await stat(pidFile)).mode & 0o777).toBe(0o600);

      // The agent is killed; its locker stays on screen. The next run finds it instead of starting another.
      const second = new NodeScreenLocker({ mode: 'command', env: x.env, pidFile });
      expect(await second.isLocked()).toBe(true);
      await second.lock({ reason: 'teacher' });
      expect(second.lockerPid).toBe(pid);
      await second.unlock();
      expect(await processExists(pid)).toBe(false);
      expect(await second.isLocked()).toBe(false);
      await expect(stat(pidFile)).rejects.toThrow(/ENOENT/);

      // A stale file (that process is gone) is not a lock.
      await writeFile(pidFile, `${pid}\n`);
      const third = new NodeScreenLocker({ mode: 'command', env: x.env, pidFile });
      expect(await third.isLocked()).toBe(false);
      await expect(stat(pidFile)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('an idle lock stays when the teacher lock is lifted', async () => {
    const locker = new NodeScreenLocker({ mode: 'command', env: x.env });
    await locker.lock({ reason: 'idle' });
    const pid = locker.lockerPid ?? -1;
    await locker.lock({ reason: 'teacher', message: 'Eyes front' });
    await locker.unlock();
    expect(await processExists(pid)).toBe(true);
    expect(await locker.isLocked()).toBe(true);
    process.kill(pid, 'SIGTERM');
    await waitFor(async () => !(await locker.isLocked()), { message: 'unlocked at the keyboard' });
    // Once the idle lock has ended, a teacher lock is lifted as usual.
    await locker.lock({ reason: 'teacher' });
    const teacherPid = locker.lockerPid ?? -1;
    await locker.unlock();
    expect(await processExists(teacherPid)).toBe(false);
  });

  it('runs any configured locker command and unlocks it by PID', async () => {
    const locker = new NodeScreenLocker({ mode: 'command', command: ['sleep', '300'], env: x.env });
    await locker.lock();
    const pid = locker.lockerPid ?? -1;
    expect(await processExists(pid)).toBe(true);
    await locker.unlock();
    expect(await processExists(pid)).toBe(false);
  });
});

describe('NodeScreenLocker mode', () => {
  it('auto uses the configured command where there is no logind session', async () => {
    const env = { ...process.env };
    delete env.XDG_SESSION_ID;
    expect(await new NodeScreenLocker({ env, platform: 'linux' }).resolveMode()).toBe('command');
    expect(await new NodeScreenLocker({ env, platform: 'linux', sessionId: 'vigil-none' }).resolveMode()).toBe('command');
  });

  it('auto uses the OS lock on Windows and macOS', async () => {
    expect(await new NodeScreenLocker({ platform: 'win32' }).resolveMode()).toBe('windows');
    expect(await new NodeScreenLocker({ platform: 'darwin' }).resolveMode()).toBe('macos');
  });
});
