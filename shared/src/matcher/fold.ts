// One alert per phrase. Overlapping word-list terms ("suicide" and "suicide note", "isis" and
// "join isis", a term listed in two categories) all hit the same words; staff should triage
// that sentence once. foldHits() merges hits whose spans overlap (or nest) into one result
// that carries every matched term; FoldedKeyStream does the same for typing, reporting a
// phrase as soon as no longer overlapping term can still complete.
import type { CompiledMatcher } from './compile.ts';
import { NO_HITS, type HitSource, type MatchHit } from './hits.ts';
import { KeyStream } from './key-stream.ts';
import { scanText } from './scan-text.ts';

export interface FoldedTerm {
  readonly term: string;
  readonly category: string;
  readonly severity: number;
}

/**
 * Several overlapping hits as one. The `MatchHit` fields describe the whole phrase: `term`,
 * `category` and `match` are the primary term's (the most severe one; if any category is
 * restricted, the most severe restricted one), `severity` is the highest of all, `start`/`end`
 * span every hit, `context` is that of the widest hit.
 */
export interface FoldedHit extends MatchHit {
  /** Every term and category matched, once each: the primary first, then by severity (highest first) and position. */
  readonly terms: readonly FoldedTerm[];
  /** Every category involved, in the order of `terms`. */
  readonly categories: readonly string[];
  /** True when any category involved is restricted (the primary category is then restricted too). */
  readonly restricted: boolean;
}

/** Hits in position order: start, then end, then term and category. */
function byPosition(a: MatchHit, b: MatchHit): number {
  return a.start - b.start || a.end - b.end || compareText(a.term, b.term) || compareText(a.category, b.category);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Whether `a` should be the primary hit rather than `b`. */
function outranks(a: MatchHit, b: MatchHit, restricted: ReadonlySet<string>): boolean {
  const ra = restricted.has(a.category);
  const rb = restricted.has(b.category);
  if (ra !== rb) return ra;
  if (a.severity !== b.severity) return a.severity > b.severity;
  const wa = a.end - a.start;
  const wb = b.end - b.start;
  if (wa !== wb) return wa > wb;
  // Same span: "kill yourself" typed matches both "kill yourself" and, joined, "kill your
  // self"; the term with fewer word gaps is the one typed as written.
  const ga = wordGaps(a.term);
  const gb = wordGaps(b.term);
  if (ga !== gb) return ga < gb;
  return byPosition(a, b) < 0;
}

function wordGaps(term: string): number {
  let gaps = 0;
  for (let i = 0; i < term.length; i++) if (term.charCodeAt(i) === 32) gaps++;
  return gaps;
}

function foldGroup(group: readonly MatchHit[], restricted: ReadonlySet<string>): FoldedHit {
  let primary = group[0] as MatchHit;
  let widest = primary;
  let start = primary.start;
  let end = primary.end;
  let severity = primary.severity;
  for (const h of group) {
    if (outranks(h, primary, restricted)) primary = h;
    if (h.end - h.start > widest.end - widest.start) widest = h;
    if (h.start < start) start = h.start;
    if (h.end > end) end = h.end;
    if (h.severity > severity) severity = h.severity;
  }
  const rest = group.filter((h) => h !== primary).sort((a, b) => b.severity - a.severity || byPosition(a, b));
  const terms: FoldedTerm[] = [];
  const seen = new Set<string>();
  const categories: string[] = [];
  for (const h of [primary, ...rest]) {
    const key = `${h.term}\u0000${h.category}`;
    if (seen.has(key)) continue;
    seen.add(key);
    terms.push({ term: h.term, category: h.category, severity: h.severity });
    if (!categories.includes(h.category)) categories.push(h.category);
  }
  return {
    term: primary.term,
    category: primary.category,
    severity,
    match: primary.match,
    source: primary.source,
    start,
    end,
    context: primary.end - primary.start >= widest.end - widest.start ? primary.context : widest.context,
    terms,
    categories,
    restricted: restricted.has(primary.category),
  };
}

/**
 * Folds the hits of one text (one line, one title, one URL) into one result per phrase:
 * hits whose spans overlap or nest become one, transitively. Results are in position order.
 * `restricted` holds the ids of restricted categories (`CompiledMatcher.restricted`).
 */
export function foldHits(hits: readonly MatchHit[], restricted: ReadonlySet<string>): FoldedHit[] {
  if (hits.length === 0) return [];
  const sorted = [...hits].sort(byPosition);
  const out: FoldedHit[] = [];
  let group: MatchHit[] = [];
  let groupEnd = -1;
  for (const h of sorted) {
    if (group.length > 0 && h.start >= groupEnd) {
      out.push(foldGroup(group, restricted));
      group = [];
    }
    group.push(h);
    if (group.length === 1 || h.end > groupEnd) groupEnd = h.end;
  }
  out.push(foldGroup(group, restricted));
  return out;
}

/** scanText() folded: one result per phrase of a title, URL or text. */
export function scanFolded(matcher: CompiledMatcher, text: string, source: HitSource): FoldedHit[] {
  return foldHits(scanText(matcher, text, source), matcher.restricted);
}

const NO_FOLDED: readonly FoldedHit[] = Object.freeze([]);

/**
 * A KeyStream whose hits come out folded, one per phrase. A hit is held back only while a
 * longer overlapping term can still complete ("suicide" while "suicide note" is being
 * typed); at the end of a line everything held is reported. Typing a text key by key gives
 * exactly `foldHits(scanText(text, 'typed'))`.
 */
export class FoldedKeyStream {
  readonly keys: KeyStream;
  private readonly restricted: ReadonlySet<string>;
  private pending: MatchHit[] = [];
  /** Earliest start of a pending hit. */
  private pendingFrom = Number.MAX_SAFE_INTEGER;

  constructor(matcher: CompiledMatcher) {
    this.keys = new KeyStream(matcher);
    this.restricted = matcher.restricted;
  }

  /** Offset of the caret in the visible text. */
  get position(): number {
    return this.keys.position;
  }

  /** Hits completed but not reported yet, because a longer phrase may still grow over them. */
  get held(): number {
    return this.pending.length;
  }

  /** One key (see KeyStream.push); returns the phrases this key settled. */
  push(key: string): readonly FoldedHit[] {
    const hits = this.keys.push(key);
    // the common case, kept cheap: nothing found and nothing waiting
    if (hits.length === 0 && this.pending.length === 0) return NO_FOLDED;
    return this.settle(hits, false);
  }

  /** Ends the line: every phrase found in it is reported. */
  endLine(): readonly FoldedHit[] {
    return this.settle(this.keys.endLine(), true);
  }

  /**
   * Forgets the current line (screen locked, password field). Phrases already completed
   * before that are returned: they were typed before matching paused.
   */
  reset(): readonly FoldedHit[] {
    const out = this.settle(NO_HITS, true);
    this.keys.reset();
    return out;
  }

  /** Starts a new, independent text at offset 0; returns what the previous one still held. */
  restart(): readonly FoldedHit[] {
    const out = this.settle(NO_HITS, true);
    this.keys.restart();
    return out;
  }

  private settle(hits: readonly MatchHit[], all: boolean): readonly FoldedHit[] {
    for (let i = 0; i < hits.length; i++) {
      const h = hits[i] as MatchHit;
      this.pending.push(h);
      if (h.start < this.pendingFrom) this.pendingFrom = h.start;
    }
    if (this.pending.length === 0) return NO_FOLDED;
    if (all) {
      const folded = foldHits(this.pending, this.restricted);
      this.pending = [];
      this.pendingFrom = Number.MAX_SAFE_INTEGER;
      return folded;
    }
    // No hit still to come can start before `open`: a phrase ending there is complete. Every
    // phrase ends after its first hit starts, so none can be complete while open <= that.
    const open = this.keys.openFrom();
    if (open <= this.pendingFrom) return NO_FOLDED;
    const folded = foldHits(this.pending, this.restricted);
    let done = 0;
    while (done < folded.length && (folded[done]?.end ?? 0) <= open) done++;
    if (done === 0) return NO_FOLDED;
    const cut = folded[done - 1]?.end ?? 0;
    this.pending = this.pending.filter((h) => h.start >= cut);
    this.pendingFrom = Math.min(Number.MAX_SAFE_INTEGER, ...this.pending.map((h) => h.start));
    return folded.slice(0, done);
  }
}
