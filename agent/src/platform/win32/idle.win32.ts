import type { User32 } from './user32.ts';

/** sizeof(LASTINPUTINFO) */
const LASTINPUTINFO_SIZE = 8;

/**
 * Milliseconds between two GetTickCount readings. Both are 32-bit and wrap every 49.7 days, so the difference
 * is taken modulo 2^32: a last input just before the wrap and a "now" just after still give a small idle time.
 */
export function tickDeltaMs(now: number, then: number): number {
  return (now - then) >>> 0;
}

/** Seconds since the last keyboard / mouse input of the session (GetLastInputInfo + GetTickCount). */
export function win32IdleSeconds(user32: User32): number {
  const info: { cbSize: number; dwTime?: number } = { cbSize: LASTINPUTINFO_SIZE };
  if (!user32.GetLastInputInfo(info)) throw new Error('GetLastInputInfo failed');
  if (typeof info.dwTime !== 'number') throw new Error('GetLastInputInfo returned no dwTime');
  return tickDeltaMs(user32.GetTickCount(), info.dwTime) / 1_000;
}
