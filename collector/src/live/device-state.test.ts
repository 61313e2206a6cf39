import { describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../agents/agent-hub.contract.ts';
import { DeviceStateStore } from './device-state.ts';

const base = { deviceId: 'd1', receivedAt: 1_000 } as const;
const activity = (app: string, end: number, osUser: string | null = 'pupil'): DeviceEvent => ({
  ...base,
  kind: 'activity',
  id: `${app}${end}`,
  app,
  title: `${app} window`,
  url: null,
  osUser,
  start: end - 10,
  end,
});

describe('DeviceStateStore', () => {
  it('keeps the newest window: a replayed older span does not replace it', () => {
    const store = new DeviceStateStore();
    expect(store.apply(activity('word', 2_000))).toBe(true);
    expect(store.apply(activity('paint', 1_000))).toBe(false);
    expect(store.get('d1')).toMatchObject({ app: 'word', title: 'word window', osUser: 'pupil' });
  });

  it('follows connect and disconnect, and the user from hello', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'connected', hostname: 'pc', osUser: 'amy', capabilities: [], roomId: null });
    expect(store.get('d1')).toMatchObject({ connected: true, osUser: 'amy' });
    expect(store.apply({ ...base, kind: 'disconnected', exit: 'silent' })).toBe(true);
    expect(store.get('d1')?.connected).toBe(false);
  });

  it('takes the screen and idle state from heartbeats and newer state messages only', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'lock-state', id: 'l2', locked: true, reason: 'teacher', at: 5_000, lockId: 'L1' });
    expect(store.get('d1')).toMatchObject({ screenLocked: true, confirmedLockId: 'L1' });
    // An older lock-state (outbox replay) is ignored.
    expect(store.apply({ ...base, kind: 'lock-state', id: 'l1', locked: false, reason: 'teacher', at: 4_000, lockId: 'L0' })).toBe(false);
    store.apply({ ...base, kind: 'idle-state', id: 'i1', idle: true, idleSeconds: 300, at: 6_000 });
    expect(store.get('d1')).toMatchObject({ idle: true, idleSeconds: 300 });
    // A heartbeat is the state now.
    expect(store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 310, keyboard: 'paused' })).toBe(true);
    expect(store.get('d1')).toMatchObject({ screenLocked: false, idleSeconds: 310, keyboard: 'paused' });
    // The same heartbeat again changes nothing a tile shows.
    expect(store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 310, keyboard: 'paused' })).toBe(false);
    store.apply({ ...base, kind: 'lock-state', id: 'l3', locked: false, reason: 'teacher', at: 7_000, lockId: 'L1' });
    expect(store.get('d1')?.confirmedLockId).toBeUndefined();
  });

  it('shows a full disk from the heartbeat while it lasts', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 0, keyboard: 'ok' });
    expect(
      store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 0, keyboard: 'ok', degraded: { reason: 'ENOSPC', since: 5, heldInMemory: 2 } }),
    ).toBe(true);
    expect(store.get('d1')?.degraded).toEqual({ reason: 'ENOSPC', since: 5, heldInMemory: 2 });
    expect(store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 0, keyboard: 'ok' })).toBe(true);
    expect(store.get('d1')?.degraded).toBeUndefined();
  });

  it('remembers why the screen is locked until it unlocks, and how the last connection ended', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'lock-state', id: 'l1', locked: true, reason: 'idle', at: 1_000, lockId: null });
    expect(store.get('d1')).toMatchObject({ screenLocked: true, lockReason: 'idle' });
    // A heartbeat saying locked keeps the reason; one saying unlocked clears it.
    store.apply({ ...base, kind: 'heartbeat', locked: true, idleSeconds: 900, keyboard: 'ok' });
    expect(store.get('d1')?.lockReason).toBe('idle');
    expect(store.apply({ ...base, kind: 'heartbeat', locked: false, idleSeconds: 0, keyboard: 'ok' })).toBe(true);
    expect(store.get('d1')?.lockReason).toBeUndefined();
    expect(store.apply({ ...base, kind: 'lock-state', id: 'l2', locked: true, reason: 'teacher', at: 2_000, lockId: 'L1' })).toBe(true);
    expect(store.get('d1')?.lockReason).toBe('teacher');

    store.apply({ ...base, kind: 'connected', hostname: 'pc', osUser: 'amy', capabilities: [], roomId: null });
    expect(store.apply({ ...base, kind: 'disconnected', exit: 'silent' })).toBe(true);
    expect(store.get('d1')?.exit).toBe('silent');
    store.apply({ ...base, kind: 'connected', hostname: 'pc', osUser: 'amy', capabilities: [], roomId: null });
    expect(store.get('d1')?.exit).toBeUndefined();
  });

  it('forgets the lock when the agent goes: a gone PC is never shown as locked or its teacher lock as confirmed', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'connected', hostname: 'pc', osUser: 'amy', capabilities: [], roomId: null });
    store.apply({ ...base, kind: 'lock-state', id: 'l1', locked: true, reason: 'teacher', at: 1_000, lockId: 'L1' });
    expect(store.get('d1')).toMatchObject({ screenLocked: true, lockReason: 'teacher', confirmedLockId: 'L1' });
    expect(store.apply({ ...base, kind: 'disconnected', exit: 'silent' })).toBe(true);
    expect(store.get('d1')).toMatchObject({ connected: false, exit: 'silent', screenLocked: undefined, lockReason: undefined, confirmedLockId: undefined });
  });

  it('confirms the teacher lock from a heartbeat that names it (a restarted collector), and clears it on one that names none', () => {
    const store = new DeviceStateStore();
    store.apply({ ...base, kind: 'connected', hostname: 'pc', osUser: 'amy', capabilities: [], roomId: null });
    expect(store.apply({ ...base, kind: 'heartbeat', locked: true, idleSeconds: 0, keyboard: 'paused', teacherLockId: 'L7' })).toBe(true);
    expect(store.get('d1')).toMatchObject({ screenLocked: true, confirmedLockId: 'L7' });
    // An older agent's heartbeat (no teacherLockId) leaves the confirmation as it was.
    expect(store.apply({ ...base, kind: 'heartbeat', locked: true, idleSeconds: 0, keyboard: 'paused' })).toBe(false);
    expect(store.get('d1')?.confirmedLockId).toBe('L7');
    expect(store.apply({ ...base, kind: 'heartbeat', locked: true, idleSeconds: 0, keyboard: 'paused', teacherLockId: null })).toBe(true);
    expect(store.get('d1')?.confirmedLockId).toBeUndefined();
  });
});
