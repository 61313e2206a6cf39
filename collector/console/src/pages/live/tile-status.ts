import type { DeviceTile } from '@vigil/shared/console';
import { formatCountdown, msUntil } from '../../format.ts';

// What a tile says about its PC, as text (colour only repeats it: WCAG 1.4.1).

export type BadgeTone = 'online' | 'offline' | 'gone' | 'locked' | 'idle-lock' | 'pending' | 'idle';

export interface Badge {
  readonly key: 'connection' | 'lock' | 'idle';
  readonly label: string;
  /** Also picks the badge's colour and its icon (styles.css): never the only difference. */
  readonly tone: BadgeTone;
  /** A sentence for the tooltip: what the state means and what to do. */
  readonly help?: string;
}

/** Online, offline, or gone without a goodbye (killed, unplugged, or tampered with). */
function connectionBadge(device: DeviceTile): Badge {
  if (device.connection === 'online') return { key: 'connection', label: 'Online', tone: 'online' };
  if (device.agentGone === true) {
    return {
      key: 'connection',
      label: 'Agent gone',
      tone: 'gone',
      help: 'The agent stopped without saying goodbye: it was ended or tampered with, or the PC lost power or its network. Check the PC.',
    };
  }
  return { key: 'connection', label: 'Offline', tone: 'offline', help: 'The agent said goodbye (the PC shut down or the pupil signed out).' };
}

const teacherLockBadge = (device: DeviceTile): Badge => ({
  key: 'lock',
  label: `Locked by ${device.lock?.by ?? 'a teacher'}`,
  tone: 'locked',
  help: 'A teacher locked this PC from the console; unlock it here.',
});

/**
 * The words for a tile's state. A teacher's lock ("Locked by Ms Smith") and the PC's own
 * locks ("Idle lock" after the idle time, "Screen locked" by the OS) read differently:
 * only the first is lifted from here.
 */
export function tileBadges(device: DeviceTile): readonly Badge[] {
  const badges: Badge[] = [connectionBadge(device)];
  const reason = device.lockReason ?? null;
  if (device.lock?.confirmed === true) badges.push(teacherLockBadge(device));
  else if (device.screenLocked && reason === 'idle') {
    badges.push({
      key: 'lock',
      label: 'Idle lock',
      tone: 'idle-lock',
      help: 'Nobody used this PC for a while, so it locked itself; whoever signs in again unlocks it.',
    });
  } else if (device.screenLocked && reason === 'os') {
    badges.push({
      key: 'lock',
      label: 'Screen locked',
      tone: 'idle-lock',
      help: 'Locked on the PC itself (the operating system lock screen), not by a teacher.',
    });
  } else if (device.screenLocked && device.lock !== null) badges.push(teacherLockBadge(device));
  else if (device.screenLocked) badges.push({ key: 'lock', label: 'Locked', tone: 'locked' });
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

/** The disk-full warning a tile shows while the agent runs degraded (its state folder refuses writes), if any. */
export function storageWarning(device: DeviceTile): string | undefined {
  if (device.storageDegraded === null || device.storageDegraded === undefined || device.connection !== 'online') return undefined;
  return device.storageDegraded.reason === 'ENOSPC' || device.storageDegraded.reason === 'EDQUOT'
    ? 'Disk full: alerts are sent straight, not stored'
    : 'Disk failing: alerts are sent straight, not stored';
}

/** The keyboard warning a tile shows, if any. */
export function keyboardWarning(device: DeviceTile): string | undefined {
  return device.keyboard === 'unavailable' ? 'Keyboard monitoring unavailable' : undefined;
}
