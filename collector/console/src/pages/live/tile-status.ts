import type { DeviceTile } from '@vigil/shared/console';
import { formatCountdown, msUntil } from '../../format.ts';

// What a tile says about its PC, as text (colour only repeats it: WCAG 1.4.1).

export type BadgeTone = 'online' | 'offline' | 'locked' | 'pending' | 'idle';

export interface Badge {
  readonly key: 'connection' | 'lock' | 'idle';
  readonly label: string;
  readonly tone: BadgeTone;
}

export function tileBadges(device: DeviceTile): readonly Badge[] {
  const badges: Badge[] = [];
  badges.push(device.connection === 'online' ? { key: 'connection', label: 'Online', tone: 'online' } : { key: 'connection', label: 'Offline', tone: 'offline' });
  if (device.screenLocked || device.lock?.confirmed === true) badges.push({ key: 'lock', label: 'Locked', tone: 'locked' });
  // Asked to lock, not confirmed yet: an offline PC locks as soon as it reconnects.
  else if (device.lock !== null) badges.push({ key: 'lock', label: device.connection === 'online' ? 'Locking…' : 'Lock waiting', tone: 'pending' });
  else if (device.idle && device.connection === 'online') badges.push({ key: 'idle', label: 'Idle', tone: 'idle' });
  return badges;
}

/** `Unlocks in 4:59` for a timed teacher lock, else undefined. */
export function lockCountdownText(device: DeviceTile, now: number): string | undefined {
  const left = msUntil(device.lock?.until, now);
  return left === undefined ? undefined : `Unlocks in ${formatCountdown(left)}`;
}

/** The idle time in words for the detail view: `Idle for 12 min`. */
export function idleText(device: DeviceTile): string | undefined {
  if (!device.idle) return undefined;
  const minutes = Math.floor(device.idleSeconds / 60);
  return minutes < 1 ? 'Idle for under a minute' : `Idle for ${minutes} min`;
}

/** The keyboard warning a tile shows, if any. */
export function keyboardWarning(device: DeviceTile): string | undefined {
  return device.keyboard === 'unavailable' ? 'Keyboard monitoring unavailable' : undefined;
}
