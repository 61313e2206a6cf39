import type { AlertSummary } from '@vigil/shared/console';

// Small text helpers for the triage pages. Everything here returns plain strings: the
// values come from classroom PCs and are rendered by React as text, never as HTML.

export const SOURCE_LABELS: Readonly<Record<AlertSummary['source'], string>> = {
  typed: 'Typed',
  title: 'Window title',
  url: 'Web address',
};

/** Hostname and room as one cell: "ICT-07 (Room 12)". */
export function placeText(alert: Pick<AlertSummary, 'hostname' | 'roomName'>): string {
  return alert.roomName === null ? alert.hostname : `${alert.hostname} (${alert.roomName})`;
}

/**
 * The screenshot URL with a cache-busting parameter, so the browser fetches the image
 * again after a reveal (the same URL would otherwise keep showing the blurred copy).
 */
export function cacheBusted(url: string, stamp: number | string): string {
  const [withoutHash, hash] = splitOnce(url, '#');
  const separator = withoutHash.includes('?') ? '&' : '?';
  return `${withoutHash}${separator}v=${encodeURIComponent(String(stamp))}${hash === undefined ? '' : `#${hash}`}`;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index === -1 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

/** A reveal reason the contract accepts (10–500 characters after trimming), or why not. */
export function revealReasonProblem(reason: string): string | undefined {
  const length = reason.trim().length;
  if (length < 10) return `Give a reason of at least 10 characters (${length} so far).`;
  if (length > 500) return `Keep the reason under 500 characters (${length} now).`;
  return undefined;
}

/** "3 updated, 1 skipped (already in that state or not allowed)". */
export function bulkResultText(updated: number, skipped: number): string {
  const parts = [`${updated} updated`];
  if (skipped > 0) parts.push(`${skipped} skipped (already in that state or not allowed)`);
  return parts.join(', ');
}
