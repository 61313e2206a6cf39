import { describe, expect, it } from 'vitest';
import { idleText, keyboardWarning, lockCountdownText, tileBadges } from './tile-status.ts';
import { tile } from './live-test-data.ts';

const labels = (device: Parameters<typeof tileBadges>[0]) => tileBadges(device).map((b) => b.label);
const teacherLock = (confirmed: boolean, until: string | null = null) => ({ lockId: 'l1', message: 'Eyes front', until, by: 'Ms Smith', confirmed });

describe('tileBadges', () => {
  it('always says online or offline in words', () => {
    expect(labels(tile({ id: 'a' }))).toEqual(['Online']);
    expect(labels(tile({ id: 'a', connection: 'offline' }))).toEqual(['Offline']);
  });

  it('says Locked once the PC confirms, Locking… before, and Lock waiting while offline', () => {
    expect(labels(tile({ id: 'a', lock: teacherLock(true) }))).toEqual(['Online', 'Locked']);
    expect(labels(tile({ id: 'a', lock: teacherLock(false) }))).toEqual(['Online', 'Locking…']);
    expect(labels(tile({ id: 'a', connection: 'offline', lock: teacherLock(false) }))).toEqual(['Offline', 'Lock waiting']);
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

  it('gives idle time in minutes', () => {
    expect(idleText(tile({ id: 'a', idle: true, idleSeconds: 750 }))).toBe('Idle for 12 min');
    expect(idleText(tile({ id: 'a', idle: true, idleSeconds: 20 }))).toBe('Idle for under a minute');
    expect(idleText(tile({ id: 'a' }))).toBeUndefined();
  });
});
