// The lock page's countdown text; no DOM, so unit-tested directly.

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** 4:59, 0:05, 1:02:03. Rounded up: "0:00" only when the time has really run out. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1_000));
  const hours = Math.floor(total / 3_600);
  const minutes = Math.floor((total % 3_600) / 60);
  const seconds = total % 60;
  return hours > 0 ? `${hours}:${pad(minutes)}:${pad(seconds)}` : `${minutes}:${pad(seconds)}`;
}

/** '' for a lock without an end time. */
export function countdownText(until: number | undefined, now: number): string {
  if (until === undefined) return '';
  return until - now <= 0 ? 'Unlocking…' : `Unlocks in ${formatRemaining(until - now)}`;
}
