import { describe, expect, it } from 'vitest';
import { idleText, keyboardWarning, lockCountdownText, storageWarning, tileBadges } from './tile-status.ts';
import { tile } from './live-test-data.ts';

const labels = (device: Parameters<typeof tileBadges>[0]) => tileBadges(device).map((b) => b.label);
const teacherLock = (confirmed: boolean, until: string | null = null) => ({ lockId: 'l1', message: 'Eyes front', until, by: 'Ms Smith', confirmed });

describe('tileBadges', () => {
  it('always says online or offline in words', () => {
    expect(labels(tile({ id: 'a' }))).toEqual(['Online']);
    expect(labels(tile({ id: 'a', connection: 'offline' }))).toEqual(['Offline']);
  });

  it('says Locked once the PC confirms, Locking… before, and Lock waiting while offline', () => {
    expect(labels(tile({ id: 'a', lock: teacherLock(true) }))).toEqual(['Online', 'Locked by Ms Smith']);
    expect(labels(tile({ id: 'a', lock: teacherLock(false) }))).toEqual(['Online', 'Locking…']);
    expect(labels(tile({ id: 'a', connection: 'offline', lock: teacherLock(false) }))).toEqual(['Offline', 'Lock waiting']);
  });

  it('tells an idle lock and an OS lock from a teacher lock, in words and tone', () => {
    const badge = (device: Parameters<typeof tileBadges>[0]) => tileBadges(device).find((b) => b.key === 'lock');
    expect(badge(tile({ id: 'a', screenLocked: true, lockReason: 'idle', idle: true }))).toMatchObject({ label: 'Idle lock', tone: 'idle-lock' });
    expect(badge(tile({ id: 'a', screenLocked: true, lockReason: 'os' }))).toMatchObject({ label: 'Screen locked', tone: 'idle-lock' });
    expect(badge(tile({ id: 'a', screenLocked: true, lockReason: 'teacher', lock: teacherLock(true) }))).toMatchObject({
      label: 'Locked by Ms Smith',
      tone: 'locked',
    });
    // Locked at start-up for a teacher lock the PC has not confirmed by id yet: still the teacher's.
    expect(badge(tile({ id: 'a', screenLocked: true, lockReason: 'startup', lock: teacherLock(false) }))).toMatchObject({
      label: 'Locked by Ms Smith',
      tone: 'locked',
    });
    // A confirmed teacher lock wins over an idle lock that was up first.
    expect(badge(tile({ id: 'a', screenLocked: true, lockReason: 'idle', lock: teacherLock(true) }))?.label).toBe('Locked by Ms Smith');
    expect(badge(tile({ id: 'a', lock: { ...teacherLock(true), by: null } }))?.label).toBe('Locked by a teacher');
  });

  it('tells an agent gone without a goodbye from a PC that is simply offline', () => {
    const connection = (device: Parameters<typeof tileBadges>[0]) => tileBadges(device).find((b) => b.key === 'connection');
    expect(connection(tile({ id: 'a', connection: 'offline', agentGone: true }))).toMatchObject({ label: 'Agent gone', tone: 'gone' });
    expect(connection(tile({ id: 'a', connection: 'offline', agentGone: false }))).toMatchObject({ label: 'Offline', tone: 'offline' });
    // Back online, the old exit no longer matters.
    expect(connection(tile({ id: 'a', connection: 'online', agentGone: true }))).toMatchObject({ label: 'Online', tone: 'online' });
  });

  it('says Locked for a screen the PC locked itself, and Idle only when not locked', () => {
    expect(labels(tile({ id: 'a', screenLocked: true, idle: true }))).toEqual(['Online', 'Locked']);
    expect(labels(tile({ id: 'a', idle: true, idleSeconds: 600 }))).toEqual(['Online', 'Idle']);
  });
});

describe('tile texts', () => {
  const now = Date.parse('2030-01-01T10:00:00Z');
  it('counts down a timed lock', () => {
    expect(lockCountdownText(tile({ id: 'a', lock: teacherLock(true, '2030-01-01T10:04:59Z') }), now)).toBe('Unlocks in 4:59');
    expect(lockCountdownText(tile({ id: 'a', lock: teacherLock(true) }), now)).toBeUndefined();
    expect(lockCountdownText(tile({ id: 'a' }), now)).toBeUndefined();
  });

  it('warns when the keyboard hook is unavailable, not when paused', () => {
    expect(keyboardWarning(tile({ id: 'a', keyboard: 'unavailable' }))).toBe('Keyboard monitoring unavailable');
    expect(keyboardWarning(tile({ id: 'a', keyboard: 'paused' }))).toBeUndefined();
  });

  it('warns while the PC’s disk is full (agent degraded), only while it is online', () => {
    const degraded = { reason: 'ENOSPC', since: '2026-12-07T07:00:00.000Z' };
    expect(storageWarning(tile({ id: 'a', storageDegraded: degraded }))).toBe('Disk full: alerts are sent straight, not stored');
    expect(storageWarning(tile({ id: 'a', storageDegraded: { ...degraded, reason: 'EIO' } }))).toBe('Disk failing: alerts are sent straight, not stored');
    expect(storageWarning(tile({ id: 'a', storageDegraded: degraded, connection: 'offline' }))).toBeUndefined();
    expect(storageWarning(tile({ id: 'a', storageDegraded: null }))).toBeUndefined();
    expect(storageWarning(tile({ id: 'a' }))).toBeUndefined();
  });

  it('gives idle time in minutes', () => {
    expect(idleText(tile({ id: 'a', idle: true, idleSeconds: 750 }))).toBe('Idle for 12 min');
    expect(idleText(tile({ id: 'a', idle: true, idleSeconds: 20 }))).toBe('Idle for under a minute');
    expect(idleText(tile({ id: 'a' }))).toBeUndefined();
  });
});
