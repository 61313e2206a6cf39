import type { KeyValueStore } from './keyboard-shortcuts.ts';

// j/k move through the queue the user last looked at, on the queue page and on an
// alert's own page. The queue page remembers its order (ids loaded so far) and its URL
// in sessionStorage, so the alert page knows its neighbours and the way back.

export type Direction = 'next' | 'previous';

/** The highlighted row after pressing j/k: stays inside the list; from none, j starts at the top and k at the bottom. */
export function moveCursor(length: number, index: number | undefined, direction: Direction): number | undefined {
  if (length <= 0) return undefined;
  if (index === undefined || index < 0 || index >= length) return direction === 'next' ? 0 : length - 1;
  return direction === 'next' ? Math.min(length - 1, index + 1) : Math.max(0, index - 1);
}

/** The alert after/before `currentId` in the queue, or undefined at either end or when it is not in the queue. */
export function neighbour(ids: readonly string[], currentId: string, direction: Direction): string | undefined {
  const index = ids.indexOf(currentId);
  if (index === -1) return undefined;
  return ids[direction === 'next' ? index + 1 : index - 1];
}

/** "3 of 41" for the alert page, or undefined when it was not opened from the queue. */
export function positionText(ids: readonly string[], currentId: string, total?: number): string | undefined {
  const index = ids.indexOf(currentId);
  if (index === -1) return undefined;
  return `${index + 1} of ${total !== undefined && total >= ids.length ? total : ids.length}`;
}

export interface RememberedQueue {
  readonly ids: readonly string[];
  /** `/triage?…` the queue was loaded from. */
  readonly href: string;
  readonly total?: number;
}

export const QUEUE_STORAGE_KEY = 'vigil.triage.queue';
const MAX_REMEMBERED = 2000;

export function rememberQueue(store: KeyValueStore | undefined, queue: RememberedQueue): void {
  try {
    store?.setItem(QUEUE_STORAGE_KEY, JSON.stringify({ ...queue, ids: queue.ids.slice(0, MAX_REMEMBERED) }));
  } catch {
    // Storage unavailable: j/k on the alert page simply have nowhere to go.
  }
}

/** The remembered queue; anything malformed counts as none. */
export function recallQueue(store: KeyValueStore | undefined): RememberedQueue | undefined {
  let text: string | null | undefined;
  try {
    text = store?.getItem(QUEUE_STORAGE_KEY);
  } catch {
    return undefined;
  }
  if (text === null || text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { ids, href, total } = value as Record<string, unknown>;
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) return undefined;
  // Only ever navigate back inside the triage page, whatever was stored.
  if (typeof href !== 'string' || !(href === '/triage' || href.startsWith('/triage?'))) return undefined;
  return typeof total === 'number' ? { ids, href, total } : { ids, href };
}

/** Toggles one id in a selection (a new Set; React state stays immutable). */
export function toggleSelected(selected: ReadonlySet<string>, id: string): Set<string> {
  const next = new Set(selected);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}

/** "Select all" on the visible rows: selects them all, or clears them when all were selected. */
export function toggleAll(selected: ReadonlySet<string>, visibleIds: readonly string[]): Set<string> {
  const allSelected = visibleIds.length > 0 && visibleIds.every((id) => selected.has(id));
  return allSelected ? new Set() : new Set(visibleIds);
}

/** Drops ids no longer on screen (after a reload the selection must not act on hidden rows). */
export function keepVisible(selected: ReadonlySet<string>, visibleIds: readonly string[]): Set<string> {
  const visible = new Set(visibleIds);
  return new Set([...selected].filter((id) => visible.has(id)));
}
