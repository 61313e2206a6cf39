// Countdown text for the lock and the idle warning; no DOM, so unit-tested directly.

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 4:32, 0:05, 1:02:03. Rounded up, so "0:00" only once the time has really run out. */
export function formatCountdown(ms: number): string {
  const total = Number.isFinite(ms) ? Math.max(0, Math.ceil(ms / 1_000)) : 0;
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** "4 minutes", "1 minute", "30 seconds": what a screen reader is told, now and then. */
export function spokenDuration(ms: number): string {
  const seconds = Math.max(0, Math.ceil(ms / 1_000));
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** Milliseconds until the displayed (rounded-up) second changes. */
export function msToNextSecond(ms: number): number {
  const rest = ms % 1_000;
  return rest > 0 ? rest : 1_000;
}
