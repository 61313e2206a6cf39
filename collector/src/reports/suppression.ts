import type { ReportCell } from '@vigil/shared/console';

/** Counts from 1 to threshold − 1 are published as "<threshold" (default "<5"). */
export const defaultSuppressionThreshold = 5;

/** A cell withheld only so that a small one next to it cannot be worked out by subtraction. */
export const withheldMark = '*';

type Hidden = 'small' | 'withheld';

export interface SuppressedBreakdown {
  readonly cells: readonly ReportCell[];
  /**
   * True when even hiding every other cell cannot protect a small one, because the
   * breakdown's total pins it down (e.g. 4 + 4 = 8 with nothing else): the total must go.
   */
  readonly totalMustGo: boolean;
}

/**
 * Small-number suppression of one breakdown whose cells add up to a total the reader
 * may know (`totalKnown`). The rule, as printed on every report:
 *
 * 1. Primary: every count from 1 to threshold − 1 is shown as "<threshold". Zero is shown.
 * 2. Secondary: while the published total and the published cells would let a reader
 *    work out the exact value of any hidden cell (each small one lies in 1 … threshold − 1,
 *    each withheld one is at least threshold), the smallest published non-zero cell is
 *    withheld too ("*"). A lone small cell therefore always takes a second cell with it.
 * 3. When no cell is left to withhold and a value could still be worked out, the total
 *    itself is withheld (`totalMustGo`; see `suppressReport`).
 */
export function suppressBreakdown(counts: readonly number[], threshold: number, totalKnown: boolean): SuppressedBreakdown {
  const hidden: (Hidden | undefined)[] = counts.map((count) => (count > 0 && count < threshold ? 'small' : undefined));
  let totalMustGo = false;
  if (totalKnown) {
    while (anyDetermined(counts, hidden, threshold)) {
      const next = smallestPublished(counts, hidden);
      if (next === undefined) {
        totalMustGo = true;
        break;
      }
      hidden[next] = 'withheld';
    }
  } else if (!hidden.some((mark) => mark !== undefined)) {
    // The total is withheld elsewhere: a breakdown published in full would give it back.
    const next = smallestPublished(counts, hidden);
    if (next !== undefined) hidden[next] = 'withheld';
  }
  return { cells: counts.map((count, index) => publish(count, hidden[index], threshold)), totalMustGo };
}

/** One count on its own (no total it belongs to): only the primary rule applies. */
export function suppressCount(count: number, threshold: number): ReportCell {
  return count > 0 && count < threshold ? `<${threshold}` : count;
}

function publish(count: number, mark: Hidden | undefined, threshold: number): ReportCell {
  if (mark === 'small') return `<${threshold}`;
  if (mark === 'withheld') return withheldMark;
  return count;
}

function smallestPublished(counts: readonly number[], hidden: readonly (Hidden | undefined)[]): number | undefined {
  let best: number | undefined;
  counts.forEach((count, index) => {
    if (hidden[index] !== undefined || count === 0) return;
    if (best === undefined || count < (counts[best] ?? 0)) best = index;
  });
  return best;
}

/**
 * Whether a reader who knows the total (so the hidden cells' sum) and each hidden
 * cell's range could name one hidden cell's exact value.
 */
function anyDetermined(counts: readonly number[], hidden: readonly (Hidden | undefined)[], threshold: number): boolean {
  const cells = counts.flatMap((count, index) => {
    const mark = hidden[index];
    if (mark === undefined) return [];
    return [{ count, low: mark === 'small' ? 1 : threshold, high: mark === 'small' ? threshold - 1 : Number.POSITIVE_INFINITY }];
  });
  if (cells.length === 0) return false;
  const sum = cells.reduce((total, cell) => total + cell.count, 0);
  return cells.some((cell) => {
    const others = cells.filter((other) => other !== cell);
    const othersHigh = others.reduce((total, other) => total + other.high, 0);
    const othersLow = others.reduce((total, other) => total + other.low, 0);
    const lowest = Math.max(cell.low, sum - othersHigh);
    const highest = Math.min(cell.high, sum - othersLow);
    return lowest === highest;
  });
}

export function suppressionNote(threshold: number): string {
  return (
    `Counts only: no pupil is named. Counts from 1 to ${threshold - 1} are shown as "<${threshold}". ` +
    `Where a total and the other counts would reveal a "<${threshold}" value by subtraction, ` +
    `the next smallest count is withheld as well and shown as "${withheldMark}".`
  );
}
