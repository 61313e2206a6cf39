import { describe, expect, it } from 'vitest';
import { defaultPolicy, type Policy } from '@vigil/shared/protocol';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { IdleLockService, type IdleLockState } from './idle-lock.service.ts';
import { LockService } from './lock.service.ts';
import { PolicyState } from './policy-state.ts';
import { RecordingOutbox, silentLog } from './test-kit/core-test-kit.ts';

const SECOND = 1_000;
const MINUTE = 60_000;

async function rig(settings: Partial<Policy> = {}) {
  const p = createFakePlatform();
  const outbox = new RecordingOutbox();
  const policy = new PolicyState({ initial: { ...defaultPolicy, idleLockMinutes: 10, idleWarningSeconds: 30, ...settings } });
  const lock = new LockService({ locker: p.locker, notifier: p.notifier, clock: p.clock, outbox, log: silentLog, pollMs: 5_000 });
  await lock.start();
  const idleLock = new IdleLockService({ idle: p.idle, lock, notifier: p.notifier, clock: p.clock, policy, log: silentLog });
  const phases: IdleLockState[] = [];
  idleLock.onChange((state) => phases.push({ ...state }));
  idleLock.start();
  let idleReads = 0;
  const read = p.idle.idleSeconds.bind(p.idle);
  p.idle.idleSeconds = () => {
    idleReads++;
    return read();
  };
  const states = () => outbox.of('lock-state').map((m) => [m.payload.locked, m.payload.reason]);
  const warnings = () => p.notifier.messages.filter((m) => m.title === 'Screen lock');
  const advance = (ms: number) => p.clock.advanceAsync(ms);
  await advance(0);
  return { p, lock, idleLock, policy, phases, states, warnings, advance, reads: () => idleReads };
}

const WARNING = { title: 'Screen lock', body: 'This computer will lock in 30 seconds — move the mouse or press a key to stay signed in' };

describe('IdleLockService', () => {
  it('warns 30 seconds before the idle time, then locks and reports an idle lock', async () => {
    const { p, idleLock, states, warnings, advance } = await rig();
    await advance(9 * MINUTE + 29 * SECOND);
    expect(warnings()).toEqual([]);
    expect(idleLock.state.phase).toBe('watching');
    await advance(1 * SECOND);
    // The countdown runs to the lock (the Linux agent's own window shows it ticking).
    expect(warnings()).toEqual([{ ...WARNING, countdownTo: p.clock.now() + 30 * SECOND }]);
    expect(idleLock.state).toEqual({ phase: 'warning', lockAt: p.clock.now() + 30 * SECOND });
    await advance(29 * SECOND);
    expect(p.locker.calls).toEqual([]);
    await advance(1 * SECOND);
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(idleLock.state.phase).toBe('locked');
    expect(states()).toEqual([[true, 'idle']]);
    idleLock.stop();
  });

  it('reads idle time rarely while someone works: when the warning could first be due, at most once a minute', async () => {
    const { p, reads, advance, idleLock } = await rig();
    const before = reads();
    for (let minute = 0; minute < 30; minute++) {
      await advance(MINUTE);
      p.idle.input();
    }
    // 30 minutes of work: ~one reading a minute, not one every few seconds.
    expect(reads() - before).toBeLessThanOrEqual(31);
    expect(p.notifier.messages).toEqual([]);
    idleLock.stop();
  });

  it('cancels the warning when input resumes, and starts counting again', async () => {
    const { p, idleLock, warnings, phases, advance } = await rig();
    await advance(9 * MINUTE + 40 * SECOND);
    expect(idleLock.state.phase).toBe('warning');
    p.idle.input();
    await advance(1 * SECOND);
    expect(idleLock.state.phase).toBe('watching');
    expect(idleLock.stats.cancelled).toBe(1);
    await advance(9 * MINUTE);
    expect(p.locker.calls).toEqual([]);
    expect(warnings()).toHaveLength(1);
    // Idle again from the input: warned 9.5 minutes after it, locked at 10.
    await advance(30 * SECOND);
    expect(warnings()).toHaveLength(2);
    await advance(30 * SECOND);
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(phases.map((s) => s.phase)).toEqual(['watching', 'warning', 'watching', 'warning', 'locked']);
    idleLock.stop();
  });

  it('is off at 0 minutes: never reads idle time, never locks', async () => {
    const { p, idleLock, reads, advance } = await rig({ idleLockMinutes: 0 });
    await advance(120 * MINUTE);
    expect(reads()).toBe(0);
    expect(idleLock.state.phase).toBe('off');
    expect(p.locker.calls).toEqual([]);
    idleLock.stop();
  });

  it('applies policy changes at once, mid-countdown too', async () => {
    const { p, idleLock, policy, warnings, advance } = await rig();
    await advance(9 * MINUTE + 45 * SECOND);
    expect(idleLock.state.phase).toBe('warning');
    // Turned off mid-warning: no lock.
    await policy.apply({ ...policy.current, idleLockMinutes: 0 });
    await advance(0);
    expect(idleLock.state.phase).toBe('off');
    await advance(5 * MINUTE);
    expect(p.locker.calls).toEqual([]);
    // Back on with 20 minutes: 14:45 idle so far, so the warning comes at 19:30, 4:45 on.
    await policy.apply({ ...policy.current, idleLockMinutes: 20 });
    await advance(0);
    expect(idleLock.state.phase).toBe('watching');
    await advance(4 * MINUTE + 44 * SECOND);
    expect(warnings()).toHaveLength(1);
    await advance(1 * SECOND);
    expect(warnings()).toHaveLength(2);
    // Shortened while the warning shows: the screen locks when the warning said, not at once.
    await policy.apply({ ...policy.current, idleLockMinutes: 5, idleWarningSeconds: 10 });
    await advance(0);
    expect(idleLock.state.phase).toBe('warning');
    await advance(29 * SECOND);
    expect(p.locker.calls).toEqual([]);
    await advance(1 * SECOND);
    expect(p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    idleLock.stop();
  });

  it('after a fresh shortened policy with no warning shown yet, warns for the full warning time before locking', async () => {
    const { p, policy, warnings, advance, idleLock } = await rig({ idleLockMinutes: 30 });
    await advance(12 * MINUTE);
    await policy.apply({ ...policy.current, idleLockMinutes: 5, idleWarningSeconds: 20 });
    await advance(0);
    expect(warnings()).toEqual([
      expect.objectContaining({ title: 'Screen lock', body: 'This computer will lock in 20 seconds — move the mouse or press a key to stay signed in' }),
    ]);
    await advance(19 * SECOND);
    expect(p.locker.calls).toEqual([]);
    await advance(1 * SECOND);
    expect(p.locker.calls).toHaveLength(1);
    idleLock.stop();
  });

  it('counts again from the unlock, and waits while someone else holds the screen locked', async () => {
    const { p, lock, idleLock, states, advance } = await rig({ idleLockMinutes: 1, idleWarningSeconds: 5 });
    await advance(1 * MINUTE);
    expect(lock.idleLocked).toBe(true);
    // Unlocked remotely without input: idle time is still high, yet the screen is not locked again at once.
    p.locker.setLocked(false);
    await advance(5 * SECOND);
    expect(lock.locked).toBe(false);
    expect(idleLock.state.phase).toBe('watching');
    await advance(54 * SECOND);
    expect(p.locker.calls).toHaveLength(1);
    await advance(1 * SECOND);
    expect(idleLock.state.phase).toBe('warning');
    // A teacher lock during the warning: the idle lock stands aside.
    await lock.handle({ on: true, lockId: 'L1' });
    await advance(0);
    expect(idleLock.state.phase).toBe('locked');
    await advance(10 * MINUTE);
    expect(p.locker.calls.filter((c) => c.op === 'lock' && c.reason === 'idle')).toHaveLength(1);
    expect(states()).toEqual([
      [true, 'idle'],
      [false, 'idle'],
      [true, 'teacher'],
    ]);
    idleLock.stop();
    await lock.stop();
  });

  it('a warning of 0 seconds locks without one; a warning longer than half the idle time is cut to half', async () => {
    const none = await rig({ idleLockMinutes: 1, idleWarningSeconds: 0 });
    await none.advance(59 * SECOND);
    expect(none.p.locker.calls).toEqual([]);
    await none.advance(1 * SECOND);
    expect(none.p.locker.calls).toEqual([{ op: 'lock', reason: 'idle' }]);
    expect(none.p.notifier.messages).toEqual([]);
    none.idleLock.stop();

    const long = await rig({ idleLockMinutes: 1, idleWarningSeconds: 300 });
    await long.advance(29 * SECOND);
    expect(long.warnings()).toEqual([]);
    await long.advance(1 * SECOND);
    expect(long.warnings()[0]?.body).toMatch(/lock in 30 seconds/);
    long.idleLock.stop();
  });

  it('tries again a minute after the locker failed, without a second warning', async () => {
    const { p, idleLock, warnings, advance } = await rig({ idleLockMinutes: 1, idleWarningSeconds: 5 });
    p.locker.failNextLock = new Error('i3lock missing');
    await advance(1 * MINUTE);
    expect(idleLock.stats.lockFailures).toBe(1);
    expect(p.locker.calls).toHaveLength(1);
    await advance(1 * MINUTE);
    expect(p.locker.calls).toHaveLength(2);
    expect(idleLock.state.phase).toBe('locked');
    expect(warnings()).toHaveLength(1);
    idleLock.stop();
  });
});
