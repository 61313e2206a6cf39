import { MIN_REASON_VISIBLE, visibleLength, WITHHELD_LABEL, type AlertSummary } from '@vigil/shared/console';

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

/**
 * A reason the server accepts (at least MIN_REASON_VISIBLE visible characters — spaces,
 * zero-width and other invisible characters do not count — and at most `max`), or why not.
 */
export function reasonProblem(reason: string, max = 500): string | undefined {
  const visible = visibleLength(reason);
  if (visible < MIN_REASON_VISIBLE) return `Give a reason of at least ${MIN_REASON_VISIBLE} visible characters (${visible} so far).`;
  if (reason.trim().length > max) return `Keep the reason under ${max} characters (${reason.trim().length} now).`;
  return undefined;
}

/** A reveal reason the contract accepts, or why not. */
export function revealReasonProblem(reason: string): string | undefined {
  return reasonProblem(reason, 500);
}

/** The flagged term for sentences and labels: the term, or that it is withheld (restricted category). */
export function termText(alert: Pick<AlertSummary, 'term'>): string {
  return alert.term === null ? WITHHELD_LABEL : `“${alert.term}”`;
}

/** "3 updated, 1 skipped (already in that state or not allowed), 2 kept open: …". */
export function bulkResultText(updated: number, skipped: number, refused: readonly { readonly code: string }[] = []): string {
  const parts = [`${updated} updated`];
  const others = skipped - refused.length;
  if (others > 0) parts.push(`${others} skipped (already in that state or not allowed)`);
  const dslOnly = refused.filter((item) => item.code === 'restricted-dsl-only').length;
  const needReason = refused.length - dslOnly;
  if (dslOnly > 0) parts.push(`${dslOnly} kept open (restricted category: only the DSL may close ${dslOnly === 1 ? 'it' : 'them'})`);
  if (needReason > 0) parts.push(`${needReason} kept open (serious or escalated: close ${needReason === 1 ? 'it' : 'each'} on its own with a reason)`);
  return parts.join(', ');
}
