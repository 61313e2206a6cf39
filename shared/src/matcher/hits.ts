// What a match reports, shared by scanText and KeyStream.
import type { MatchKind } from '../protocol/wordlist.schema.ts';
import type { CompiledMatcher } from './compile.ts';

export type HitSource = 'typed' | 'title' | 'url';

export interface MatchHit {
  /** The term as written in the word list. */
  readonly term: string;
  readonly category: string;
  readonly severity: number;
  readonly match: MatchKind;
  readonly source: HitSource;
  /** UTF-16 offsets in the original text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** ≤ 120 characters of the original text around the hit, not yet redacted. */
  readonly context: string;
}

export const NO_HITS: readonly MatchHit[] = Object.freeze([]);

/** Appends one hit per term entry the pattern stands for. */
export function pushHits(matcher: CompiledMatcher, pattern: number, start: number, end: number, source: HitSource, context: string, out: MatchHit[]): void {
  if (source === 'typed' && matcher.addressOnly[pattern] === 1) return;
  const last = matcher.entryStart[pattern + 1] ?? 0;
  for (let k = matcher.entryStart[pattern] ?? 0; k < last; k++) {
    const e = matcher.entries[matcher.entryList[k] ?? -1];
    if (e === undefined) continue;
    out.push({ term: e.term, category: e.category, severity: e.severity, match: e.match, source, start, end, context });
  }
}

/** Position order, for stable output. */
export function compareHits(a: MatchHit, b: MatchHit): number {
  return (
    a.start - b.start || a.end - b.end || (a.category < b.category ? -1 : a.category > b.category ? 1 : 0) || (a.term < b.term ? -1 : a.term > b.term ? 1 : 0)
  );
}
