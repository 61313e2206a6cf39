import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakePlatform, type FakePlatform } from '@vigil/agent/platform/fake';
import { LockService } from './lock.service.ts';
import { TeacherLockStore } from './teacher-lock.store.ts';
import { RecordingOutbox, silentLog } from './test-kit/core-test-kit.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-lock-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function rig(opts: { dir?: string; p?: FakePlatform; pollMs?: number } = {}) {
  const p = opts.p ?? createFakePlatform();
  const outbox = new RecordingOutbox();
  const store = opts.dir === undefined ? undefined : new TeacherLockStore(opts.dir);
  const lock = new LockService({ locker: p.locker, notifier: p.notifier, clock: p.clock, outbox, log: silentLog, pollMs: opts.pollMs ?? 5_000, store });
  const changes: boolean[] = [];
  lock.onChange((locked) => changes.push(locked));
  await lock.start();
  const states = () => outbox.of('lock-state').map((m) => [m.payload.locked, m.payload.reason, m.payload.lockId]);
  return { p, outbox, lock, changes, states, store };
}

describe('LockService', () => {
  it('sends no separate notification when the lock screen shows the message itself', async () => {
    const { p, lock } = await rig();
    p.locker.showsMessage = true;
    await lock.handle({ on: true, lockId: 'L1', message: 'Eyes on the board', by: 'Ms Khan' });
    expect(lock.locked).toBe(true);
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'teacher', message: 'Eyes on the board', by: 'Ms Khan' }]);
    expect(p.notifier.messages).toEqual([]);
  });

  it('locks for a teacher with a message, reports it, and unlocks on the matching command', async () => {
    const { p, lock, changes, states } = await rig();
    await lock.handle({ on: true, lockId: 'L1', message: 'Eyes on the board', by: 'Ms Khan' });
    expect(lock.locked).toBe(true);
    expect(lock.teacherLock).toEqual({ lockId: 'L1', message: 'Eyes on the board', by: 'Ms Khan' });
    expect(p.notifier.messages).toEqual([{ title: 'Screen locked by Ms Khan', body: 'Eyes on the board' }]);
    await lock.handle({ on: true, lockId: 'L1', message: 'Eyes on the board' });
    await lock.handle({ on: false, lockId: 'L0' });
    expect(lock.locked).toBe(true);
    await lock.handle({ on: false, lockId: 'L1' });
    await lock.stop();
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'teacher', message: 'Eyes on the board', by: 'Ms Khan' }, { op: 'unlock' }]);
    expect(changes).toEqual([true, false]);
    expect(states()).toEqual([
      [true, 'teacher', 'L1'],
      [false, 'teacher', 'L1'],
    ]);
  });

  it('lifts a timed lock by itself, and ignores one that has already expired', async () => {
    const { p, lock, states } = await rig();
    await lock.handle({ on: true, lockId: 'L2', until: p.clock.now() + 60_000 });
    await p.clock.advanceAsync(59_000);
    expect(lock.locked).toBe(true);
    await p.clock.advanceAsync(1_000);
    await lock.handle({ on: true, lockId: 'L3', until: p.clock.now() - 1 });
    await lock.stop();
    expect(lock.locked).toBe(false);
    expect(states()).toEqual([
      [true, 'teacher', 'L2'],
      [false, 'teacher', 'L2'],
    ]);
  });

  it('holds a 30-day timed lock past the 24.8-day limit of one timer, and lifts it on time', async () => {
    const day = 86_400_000;
    const { p, lock } = await rig({ pollMs: day });
    await lock.handle({ on: true, lockId: 'L30', until: p.clock.now() + 30 * day });
    await p.clock.advanceAsync(29 * day);
    expect(lock.locked).toBe(true);
    await p.clock.advanceAsync(day);
    await lock.stop();
    expect(lock.locked).toBe(false);
  });

  it('locks again when a teacher lock ends outside the agent, and reports both changes', async () => {
    const { p, lock, changes, states } = await rig();
    await lock.handle({ on: true, lockId: 'L4', message: 'Stop' });
    p.locker.setLocked(false);
    await p.clock.advanceAsync(5_000);
    expect(lock.locked).toBe(true);
    expect(lock.teacherLockId).toBe('L4');
    expect(p.locker.calls.filter((c) => c.op === 'lock')).toHaveLength(2);
    // The message is not shown a second time.
    expect(p.notifier.messages).toHaveLength(1);
    await lock.stop();
    expect(changes).toEqual([true, false, true]);
    expect(states()).toEqual([
      [true, 'teacher', 'L4'],
      [false, 'os', 'L4'],
      [true, 'teacher', 'L4'],
    ]);
  });

  it('locks again at once when the locker tells it was killed, without waiting for the poll', async () => {
    const { p, lock, states } = await rig({ pollMs: 60_000 });
    await lock.handle({ on: true, lockId: 'L5', message: 'Stop' });
    p.locker.kill();
    await p.clock.advanceAsync(0);
    expect(lock.locked).toBe(true);
    expect(p.locker.calls.filter((c) => c.op === 'lock')).toHaveLength(2);
    // Killed again and again: each loss is checked, at most one check per 250 ms (a locker that dies at once cannot spin the agent).
    p.locker.kill();
    p.locker.kill();
    await p.clock.advanceAsync(0);
    expect(await p.locker.isLocked()).toBe(false);
    await p.clock.advanceAsync(250);
    expect(await p.locker.isLocked()).toBe(true);
    expect(p.locker.calls.filter((c) => c.op === 'lock')).toHaveLength(3);
    // After the teacher unlock a loss changes nothing, and after stop() nothing listens.
    await lock.handle({ on: false, lockId: 'L5' });
    p.locker.kill();
    await p.clock.advanceAsync(250);
    await lock.stop();
    p.locker.kill();
    await p.clock.advanceAsync(250);
    expect(p.locker.calls.filter((c) => c.op === 'lock')).toHaveLength(3);
    expect(states()).toEqual([
      [true, 'teacher', 'L5'],
      [false, 'os', 'L5'],
      [true, 'teacher', 'L5'],
      [false, 'os', 'L5'],
      [true, 'teacher', 'L5'],
      [false, 'teacher', 'L5'],
    ]);
  });

  it('keeps trying to lock again while the locker will not start', async () => {
    const { p, lock } = await rig();
    await lock.handle({ on: true, lockId: 'L6' });
    p.locker.setLocked(false);
    p.locker.failNextLock = new Error('i3lock could not grab the keyboard');
    await p.clock.advanceAsync(5_000);
    expect(lock.locked).toBe(false);
    await p.clock.advanceAsync(5_000);
    await lock.stop();
    expect(lock.locked).toBe(true);
  });

  it('reports locks applied and lifted outside the agent as OS changes', async () => {
    const { p, lock, changes, states } = await rig();
    p.locker.setLocked(true);
    await p.clock.advanceAsync(5_000);
    p.locker.setLocked(false);
    await p.clock.advanceAsync(5_000);
    await lock.stop();
    expect(changes).toEqual([true, false]);
    expect(states()).toEqual([
      [true, 'os', undefined],
      [false, 'os', undefined],
    ]);
  });

  it('reports nothing and stays unlocked when the locker fails', async () => {
    const { p, lock, states } = await rig();
    p.locker.failNextLock = new Error('i3lock missing');
    await lock.handle({ on: true, lockId: 'L5' });
    await lock.stop();
    expect(lock.locked).toBe(false);
    expect(states()).toEqual([]);
  });

  it('an unlock with no teacher lock in force touches nothing (the collector re-sends its state on every reconnect)', async () => {
    const { p, lock, states } = await rig();
    await lock.lockForIdle();
    await lock.handle({ on: false, lockId: 'L9' });
    await lock.stop();
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(lock.locked).toBe(true);
    expect(states()).toEqual([[true, 'idle', undefined]]);
  });
});

describe('LockService idle lock', () => {
  it('locks for idleness, reports it, and reports the unlock at the keyboard as the end of the idle lock', async () => {
    const { p, lock, changes, states } = await rig();
    expect(await lock.lockForIdle()).toBe(true);
    expect(lock.locked).toBe(true);
    expect(lock.idleLocked).toBe(true);
    expect(await lock.lockForIdle()).toBe(true);
    p.locker.setLocked(false);
    await p.clock.advanceAsync(5_000);
    await lock.stop();
    expect(lock.idleLocked).toBe(false);
    expect(changes).toEqual([true, false]);
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(states()).toEqual([
      [true, 'idle', undefined],
      [false, 'idle', undefined],
    ]);
  });

  it('a teacher unlock leaves an idle lock in place', async () => {
    const { p, lock, states } = await rig();
    await lock.lockForIdle();
    await lock.handle({ on: true, lockId: 'L7' });
    await lock.handle({ on: false, lockId: 'L7' });
    expect(lock.locked).toBe(true);
    p.locker.setLocked(false);
    await p.clock.advanceAsync(5_000);
    await lock.stop();
    expect(states()).toEqual([
      [true, 'idle', undefined],
      [true, 'teacher', 'L7'],
      [true, 'teacher', 'L7'],
      [false, 'idle', undefined],
    ]);
  });

  it('answers false and stays unlocked when the locker fails', async () => {
    const { p, lock, states } = await rig();
    p.locker.failNextLock = new Error('no locker');
    expect(await lock.lockForIdle()).toBe(false);
    await lock.stop();
    expect(lock.locked).toBe(false);
    expect(states()).toEqual([]);
  });
});

describe('LockService teacher lock across restarts', () => {
  it('stores the lock owner-only while it is in force and removes it when lifted', async () => {
    const dir = await stateDir();
    const { p, lock } = await rig({ dir });
    const until = p.clock.now() + 3_600_000;
    await lock.handle({ on: true, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8', message: 'Eyes front', by: 'Ms Khan', until });
    const file = join(dir, 'teacher-lock.json');
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ version: 1, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8', message: 'Eyes front', by: 'Ms Khan', until });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await lock.handle({ on: false, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8' });
    await lock.stop();
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
  });

  it('re-applies the stored lock at start-up, before any collector, and lifts it when the collector says so', async () => {
    const dir = await stateDir();
    const first = await rig({ dir });
    await first.lock.handle({ on: true, lockId: 'L1', message: 'Eyes front', by: 'Ms Khan' });
    await first.lock.stop();

    // The PC restarts: a fresh screen, the same state folder, no collector yet.
    const second = await rig({ dir });
    expect(second.lock.locked).toBe(true);
    expect(second.lock.teacherLock).toEqual({ lockId: 'L1', message: 'Eyes front', by: 'Ms Khan' });
    expect(second.p.locker.calls).toEqual([{ op: 'lock', reason: 'teacher', message: 'Eyes front', by: 'Ms Khan' }]);
    expect(second.states()).toEqual([[true, 'teacher', 'L1']]);
    // The collector's state on reconnect: the same lock (nothing to do), then lifted.
    await second.lock.handle({ on: true, lockId: 'L1', message: 'Eyes front' });
    expect(second.p.locker.calls).toHaveLength(1);
    await second.lock.handle({ on: false, lockId: 'L1' });
    await second.lock.stop();
    expect(second.lock.locked).toBe(false);
    await expect(stat(join(dir, 'teacher-lock.json'))).rejects.toThrow(/ENOENT/);
  });

  it('a stored lock the locker cannot show at start-up is tried again at the next poll', async () => {
    const dir = await stateDir();
    const first = await rig({ dir });
    await first.lock.handle({ on: true, lockId: 'L1' });
    await first.lock.stop();

    const p = createFakePlatform();
    p.locker.failNextLock = new Error('the display is not ready yet');
    const second = await rig({ dir, p });
    expect(second.lock.locked).toBe(false);
    expect(second.lock.teacherLockId).toBe('L1');
    await p.clock.advanceAsync(5_000);
    await second.lock.stop();
    expect(second.lock.locked).toBe(true);
    expect(second.states()).toEqual([[true, 'teacher', 'L1']]);
  });

  it('a timed lock that ended while the agent was off is not re-applied', async () => {
    const dir = await stateDir();
    const first = await rig({ dir });
    await first.lock.handle({ on: true, lockId: 'L1', until: first.p.clock.now() + 60_000 });
    await first.lock.stop();

    const p = createFakePlatform();
    p.clock.advance(first.p.clock.now() - p.clock.now() + 120_000);
    const second = await rig({ dir, p });
    await second.lock.stop();
    expect(second.lock.locked).toBe(false);
    expect(second.p.locker.calls).toEqual([]);
    await expect(stat(join(dir, 'teacher-lock.json'))).rejects.toThrow(/ENOENT/);
  });

  it('a restored timed lock lifts by itself at its end', async () => {
    const dir = await stateDir();
    const first = await rig({ dir });
    const until = first.p.clock.now() + 60_000;
    await first.lock.handle({ on: true, lockId: 'L1', until });
    await first.lock.stop();

    const second = await rig({ dir });
    expect(second.lock.locked).toBe(true);
    await second.p.clock.advanceAsync(until - second.p.clock.now());
    await second.lock.stop();
    expect(second.lock.locked).toBe(false);
    expect(second.states()).toEqual([
      [true, 'teacher', 'L1'],
      [false, 'teacher', 'L1'],
    ]);
  });

  it("the collector's state wins: an older unlock is ignored, a newer lock replaces the restored one, a newer unlock lifts it", async () => {
    const dir = await stateDir();
    const first = await rig({ dir });
    await first.lock.handle({ on: true, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8' });
    await first.lock.stop();

    const second = await rig({ dir });
    // While the agent was off the teacher unlocked and locked again (a newer id), then unlocked.
    await second.lock.handle({ on: false, lockId: '01JGXDFAM0000000000000000A' });
    expect(second.lock.locked).toBe(true);
    await second.lock.handle({ on: true, lockId: '01JGXE0000MSETZ78WDYHDT1E8', message: 'Newer' });
    expect(second.lock.teacherLockId).toBe('01JGXE0000MSETZ78WDYHDT1E8');
    expect(JSON.parse(await readFile(join(dir, 'teacher-lock.json'), 'utf8'))).toMatchObject({ lockId: '01JGXE0000MSETZ78WDYHDT1E8', message: 'Newer' });
    await second.lock.handle({ on: false, lockId: '01JGXF0000MSETZ78WDYHDT1E8' });
    await second.lock.stop();
    expect(second.lock.locked).toBe(false);
    await expect(stat(join(dir, 'teacher-lock.json'))).rejects.toThrow(/ENOENT/);
  });

  it('ignores and removes a damaged stored lock', async () => {
    const dir = await stateDir();
    await writeFile(join(dir, 'teacher-lock.json'), '{"version":1,"lockId":', { mode: 0o600 });
    const { p, lock } = await rig({ dir });
    await lock.stop();
    expect(lock.locked).toBe(false);
    expect(p.locker.calls).toEqual([]);
    await expect(stat(join(dir, 'teacher-lock.json'))).rejects.toThrow(/ENOENT/);
  });
});
