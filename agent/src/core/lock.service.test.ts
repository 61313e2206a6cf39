import { describe, expect, it } from 'vitest';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { LockService } from './lock.service.ts';
import { RecordingOutbox, silentLog } from './test-kit/core-test-kit.ts';

async function rig() {
  const p = createFakePlatform();
  const outbox = new RecordingOutbox();
  const lock = new LockService({ locker: p.locker, notifier: p.notifier, clock: p.clock, outbox, log: silentLog, pollMs: 5_000 });
  const changes: boolean[] = [];
  lock.onChange((locked) => changes.push(locked));
  await lock.start();
  const states = () => outbox.of('lock-state').map((m) => [m.payload.locked, m.payload.reason, m.payload.lockId]);
  return { p, outbox, lock, changes, states };
}

describe('LockService', () => {
  it('locks for a teacher with a message, reports it, and unlocks on the matching command', async () => {
    const { p, lock, changes, states } = await rig();
    await lock.handle({ on: true, lockId: 'L1', message: 'Eyes on the board', by: 'Ms Khan' });
    expect(lock.locked).toBe(true);
    expect(p.notifier.messages).toEqual([{ title: 'Screen locked by Ms Khan', body: 'Eyes on the board' }]);
    await lock.handle({ on: true, lockId: 'L1', message: 'Eyes on the board' });
    await lock.handle({ on: false, lockId: 'L0' });
    expect(lock.locked).toBe(true);
    await lock.handle({ on: false, lockId: 'L1' });
    await lock.stop();
    expect(p.locker.calls).toEqual([{ op: 'lock', message: 'Eyes on the board' }, { op: 'unlock' }]);
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

  it('notices a lock ended at the keyboard and reports it as an OS change', async () => {
    const { p, lock, changes, states } = await rig();
    await lock.handle({ on: true, lockId: 'L4' });
    p.locker.setLocked(false);
    await p.clock.advanceAsync(5_000);
    expect(lock.locked).toBe(false);
    expect(lock.teacherLockId).toBeUndefined();
    p.locker.setLocked(true);
    await p.clock.advanceAsync(5_000);
    await lock.stop();
    expect(changes).toEqual([true, false, true]);
    expect(states()).toEqual([
      [true, 'teacher', 'L4'],
      [false, 'os', undefined],
      [true, 'os', undefined],
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
});
