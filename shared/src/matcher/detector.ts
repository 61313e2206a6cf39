// Steps the automaton over the symbol stream and decides which matches are hits:
// checks repeated-letter requirements, and holds back a hit that might still turn out to
// lie inside an allow-list word ("ass" while "assassin" is still possible) until the
// allow word completes (hit dropped) or can no longer complete (hit reported).
import { stateDepth, step, type Automaton } from './automaton.ts';
import type { SymbolConsumer } from './line-engine.ts';

export interface HitSink {
  /** A pattern matched the original text [start, end). */
  hit(pattern: number, start: number, end: number): void;
}

interface Held {
  readonly pattern: number;
  readonly coreStart: number;
  readonly start: number;
  readonly end: number;
  readonly next: Held | null;
}

// Ring of recent symbols' original offsets and runs. Must cover the longest pattern plus
// every symbol KeyStream might need again after Backspace (512 keys × up to 5 symbols).
const SYM_RING = 4096;
const SYM_MASK = SYM_RING - 1;

export const DETECTOR_SNAPSHOT_SIZE = 5;
const NONE = 0x7fffffff;

export class Detector implements SymbolConsumer {
  private readonly a: Automaton;
  private readonly sink: HitSink;
  private readonly symStart = new Int32Array(SYM_RING);
  private readonly symEnd = new Int32Array(SYM_RING);
  private readonly symRun = new Uint8Array(SYM_RING);
  /** Per symbol: earliest start of a verified allow word ending at it (MAX when none). */
  private readonly allowFrom = new Int32Array(SYM_RING);
  private state = 0;
  private count = 0;
  /** Hits waiting on an allow word; an immutable list so snapshots can share it. */
  held: Held | null = null;

  constructor(automaton: Automaton, sink: HitSink) {
    this.a = automaton;
    this.sink = sink;
  }

  reset(): void {
    this.state = 0;
    this.held = null;
  }

  emit(sym: number, start: number, end: number): void {
    const i = this.count++ & SYM_MASK;
    this.symStart[i] = start;
    this.symEnd[i] = end;
    this.symRun[i] = 1;
    this.allowFrom[i] = NONE;
    this.state = step(this.a, this.state, sym);
    if (this.a.outAny[this.state] === 1 || this.held !== null) this.check(1);
  }

  grow(run: number, end: number): void {
    const i = (this.count - 1) & SYM_MASK;
    this.symEnd[i] = end;
    if (run <= (this.symRun[i] ?? 0)) return;
    this.symRun[i] = run;
    if (this.a.outAny[this.state] === 1) this.check(run);
  }

  /**
   * Earliest original offset at which a hit not reported yet could start: the start of the
   * longest suffix read so far that a pattern could still continue, or of a held hit;
   * `none` when there is neither.
   */
  openFrom(none: number): number {
    let from = none;
    const d = stateDepth(this.a, this.state);
    if (d > 0) from = this.symStart[(this.count - d) & SYM_MASK] ?? none;
    for (let h = this.held; h !== null; h = h.next) if (h.start < from) from = h.start;
    return from;
  }

  /** Reports every held hit: called at the end of a line, where no allow word can grow. */
  flushHeld(): void {
    for (let h = this.held; h !== null; h = h.next) this.sink.hit(h.pattern, h.start, h.end);
    this.held = null;
  }

  private check(run: number): void {
    const a = this.a;
    const cur = this.count - 1;
    // Pass 1: the widest allow word completing here.
    let coverStart = this.allowFrom[cur & SYM_MASK] ?? NONE;
    let anyTerm = false;
    // (The root never ends a pattern, so state 0 means "no more outputs".)
    for (let n = this.firstOutput(); n !== 0; n = a.dictLink[n] ?? 0) {
      for (let p = a.outHead[n] ?? -1; p >= 0; p = a.patNext[p] ?? -1) {
        if (a.patAllow[p] === 0) {
          anyTerm = true;
          continue;
        }
        const start = this.matchStart(p, cur, run);
        if (start >= 0 && start < coverStart) coverStart = start;
      }
    }
    this.allowFrom[cur & SYM_MASK] = coverStart;
    if (this.held !== null) this.settleHeld(cur, coverStart);
    if (!anyTerm) return;
    // Pass 2: term hits.
    const reach = a.allowReach[this.state] ?? 0;
    for (let n = this.firstOutput(); n !== 0; n = a.dictLink[n] ?? 0) {
      for (let p = a.outHead[n] ?? -1; p >= 0; p = a.patNext[p] ?? -1) {
        if (a.patAllow[p] === 1) continue;
        const coreStart = this.matchStart(p, cur, run);
        if (coreStart < 0) continue;
        // Suppressed by an allow word ending where the hit's core ends (for a word term that
        // was one symbol ago: "oilseed rape" completes before the boundary after "rape").
        const coreEnd = cur - (a.patTrail[p] ?? 0);
        if (coreStart >= (this.allowFrom[coreEnd & SYM_MASK] ?? NONE)) continue;
        const start = this.symStart[coreStart & SYM_MASK] ?? 0;
        const end = this.symEnd[coreEnd & SYM_MASK] ?? 0;
        if (reach >= cur - coreStart + 1) this.held = { pattern: p, coreStart, start, end, next: this.held };
        else this.sink.hit(p, start, end);
      }
    }
  }

  private firstOutput(): number {
    return (this.a.outHead[this.state] ?? -1) >= 0 ? this.state : (this.a.dictLink[this.state] ?? 0);
  }

  /** Index of the pattern's first core symbol if it really matches now, else -1. */
  private matchStart(p: number, cur: number, run: number): number {
    const a = this.a;
    const lastReq = a.patLastReq[p] ?? 1;
    // On a new symbol only patterns content with a single letter at the end can match; when
    // a letter repeats, exactly those that needed this many repeats become true now.
    if (run === 1 ? lastReq > 1 : lastReq !== run) return -1;
    const core = a.patCore[p] ?? 0;
    const coreStart = cur - (a.patTrail[p] ?? 0) - core + 1;
    const at = a.patReqAt[p] ?? -1;
    if (at >= 0) {
      for (let k = 0; k < core; k++) {
        const need = a.reqs[at + k] ?? 1;
        if (need > 1 && (this.symRun[(coreStart + k) & SYM_MASK] ?? 0) < need) return -1;
      }
    }
    return coreStart;
  }

  private settleHeld(cur: number, coverStart: number): void {
    const reach = this.a.allowReach[this.state] ?? 0;
    let keep: Held | null = null;
    let changed = false;
    for (let h = this.held; h !== null; h = h.next) {
      if (h.coreStart >= coverStart) {
        changed = true; // inside an allow word: dropped
      } else if (reach < cur - h.coreStart + 1) {
        changed = true;
        this.sink.hit(h.pattern, h.start, h.end);
      } else {
        keep = { ...h, next: keep };
      }
    }
    if (changed) this.held = keep;
  }

  save(into: Int32Array, at: number): void {
    into[at] = this.state;
    into[at + 1] = this.count;
    const last = (this.count - 1) & SYM_MASK;
    into[at + 2] = this.symEnd[last] ?? 0;
    into[at + 3] = this.symRun[last] ?? 0;
    into[at + 4] = this.allowFrom[last] ?? NONE;
  }

  restore(from: Int32Array, at: number, held: Held | null): void {
    this.state = from[at] ?? 0;
    this.count = from[at + 1] ?? 0;
    const last = (this.count - 1) & SYM_MASK;
    this.symEnd[last] = from[at + 2] ?? 0;
    this.symRun[last] = from[at + 3] ?? 0;
    this.allowFrom[last] = from[at + 4] ?? NONE;
    this.held = held;
  }
}

export type { Held };
