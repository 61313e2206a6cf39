// Plain-text formatting shared by the pages: times, durations, counts. Pure, so tested
// without a browser; en-GB because the users are UK schools.

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

/** A countdown for a timed lock: `4:59`, `1:02:03`; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** Milliseconds until an ISO instant (0 when it has passed; undefined for none or nonsense). */
export function msUntil(iso: string | null | undefined, now: number): number | undefined {
  if (iso === null || iso === undefined) return undefined;
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

const plural = (n: number, one: string, many: string = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** A duration in words, rounded up to what a person needs: `7 minutes`, `2 hours`, `1 day`. */
export function durationInWords(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < minute) return plural(Math.max(1, Math.ceil(safe / 1000)), 'second');
  if (safe < hour) return plural(Math.ceil(safe / minute), 'minute');
  if (safe < day) return plural(Math.round(safe / hour), 'hour');
  return plural(Math.round(safe / day), 'day');
}

/** `just now`, `5 min ago`, `3 h ago`, `2 days ago`, or `in 5 min` for the future. */
export function relativeTimeText(iso: string, now: number): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const diff = now - at;
  const abs = Math.abs(diff);
  let text: string;
  if (abs < 45_000) return 'just now';
  if (abs < hour) text = `${Math.round(abs / minute)} min`;
  else if (abs < day) text = `${Math.round(abs / hour)} h`;
  else text = plural(Math.round(abs / day), 'day');
  return diff >= 0 ? `${text} ago` : `in ${text}`;
}

const dateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** `23 Nov 2025, 14:32:05` in the browser's time zone. */
export function formatDateTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : dateTimeFormat.format(at);
}

/** `14:32` in the browser's time zone. */
export function formatClockTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : timeFormat.format(at);
}

/** `1 computer`, `30 computers`. */
export function computers(n: number): string {
  return plural(n, 'computer');
}
