// KeyStream: typed text, one key at a time, hits reported the moment they complete.
//
// Before each character the complete matcher state (a few dozen ints, see LineEngine and
// Detector) is saved in a ring, so Backspace restores the state as it was before that
// character: no re-scan, no allocation, O(1) per key whatever the number of terms.
// Typing "kilx⌫l " is therefore exactly typing "kill ".
//
// Offsets: a hit's start/end are UTF-16 offsets in the visible text as typed since the
// stream began: Enter and Tab insert one character, Backspace removes the last one
// (also a line break), Escape/arrows/clicks insert nothing. Hits already reported are not
// withdrawn when their text is later deleted — the pupil did type it.
import type { CompiledMatcher } from './compile.ts';
import { contextAround } from './context.ts';
import { DETECTOR_SNAPSHOT_SIZE, Detector, type Held, type HitSink } from './detector.ts';
import { NO_HITS, pushHits, type MatchHit } from './hits.ts';
import { ENGINE_SNAPSHOT_SIZE, LineEngine } from './line-engine.ts';
import { isLineBreak } from './normalise-rules.ts';

/** Keys that end the line and count as one typed character. */
const LINE_KEYS = new Set(['Enter', 'Tab']);
/** Keys that move the caret or focus: the line as we know it is over, nothing inserted. */
const RESET_KEYS = new Set(['Escape', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown', 'Home', 'End', 'PageUp', 'PageDown', 'Click']);

const SNAPSHOTS = 512; // Backspace history per line; LineEngine's ring is sized for it
const SNAP_MASK = SNAPSHOTS - 1;
const SNAP_SIZE = ENGINE_SNAPSHOT_SIZE + DETECTOR_SNAPSHOT_SIZE + 1;
const CONTEXT_RING = 256;
const CONTEXT_MASK = CONTEXT_RING - 1;
const CONTEXT_BEFORE = 90;
const RECENT = 32;

export class KeyStream implements HitSink {
  private readonly matcher: CompiledMatcher;
  private readonly engine: LineEngine;
  private readonly detector: Detector;
  private readonly snaps = new Int32Array(SNAPSHOTS * SNAP_SIZE);
  private readonly heldSnaps: (Held | null)[] = new Array<Held | null>(SNAPSHOTS).fill(null);
  private readonly ring = new Uint16Array(CONTEXT_RING);
  /** Recently reported (pattern, start, end), so a retyped line does not report twice. */
  private readonly recent = new Int32Array(RECENT * 3).fill(-1);
  private recentAt = 0;
  private pos = 0;
  private lineStart = 0;
  /** Characters in the current line, and how many of them Backspace can still undo exactly. */
  private lineLen = 0;
  private undoable = 0;
  private batch: MatchHit[] | null = null;

  constructor(matcher: CompiledMatcher) {
    this.matcher = matcher;
    this.detector = new Detector(matcher.automaton, this);
    this.engine = new LineEngine(matcher.table, this.detector);
    this.engine.startLine(0);
  }

  /** Offset of the caret in the visible text. */
  get position(): number {
    return this.pos;
  }

  /**
   * Earliest offset at which a hit not reported yet could still start (the caret when
   * none can): a pattern in progress, a hit held for an allow-list word, or characters
   * the normaliser is holding back. A hit ending at or before it has nothing left to overlap.
   */
  openFrom(): number {
    return Math.min(this.engine.heldFrom(this.pos), this.detector.openFrom(this.pos));
  }

  /**
   * One key: a printable character (one code point), 'Backspace', or a named key. Enter and
   * Tab end the line (as do '\n', '\r', '\t'); Escape, arrows, Home/End, PageUp/PageDown and
   * 'Click' end it without inserting anything; other named keys (Shift, F5…) are ignored.
   * Returns the hits completed by this key (a shared empty array when none).
   */
  push(key: string): readonly MatchHit[] {
    const len = key.length;
    const cp = key.codePointAt(0) ?? 0;
    if (len === 1 || (len === 2 && cp > 0xffff)) {
      if (isLineBreak(cp)) this.finishLine(len);
      else this.typeChar(cp, key, len);
    } else if (key === 'Backspace') {
      this.backspace();
    } else if (LINE_KEYS.has(key)) {
      this.finishLine(1);
    } else if (RESET_KEYS.has(key)) {
      this.finishLine(0);
    }
    return this.takeBatch();
  }

  /** Ends the line (reporting word hits at its end) without inserting anything. */
  endLine(): readonly MatchHit[] {
    this.finishLine(0);
    return this.takeBatch();
  }

  /** Forgets the current line without reporting anything (screen locked, password field). */
  reset(): void {
    this.detector.reset();
    this.engine.startLine(this.pos);
    this.lineStart = this.pos;
    this.lineLen = 0;
    this.undoable = 0;
    this.batch = null;
    this.recent.fill(-1);
  }

  /** Starts a new, independent text at offset 0 (reuses the buffers). */
  restart(): void {
    this.pos = 0;
    this.reset();
  }

  hit(pattern: number, start: number, end: number): void {
    for (let k = 0; k < RECENT * 3; k += 3) {
      if (this.recent[k] === pattern && this.recent[k + 1] === start && this.recent[k + 2] === end) return;
    }
    const at = (this.recentAt++ % RECENT) * 3;
    this.recent[at] = pattern;
    this.recent[at + 1] = start;
    this.recent[at + 2] = end;
    this.batch ??= [];
    pushHits(this.matcher, pattern, start, end, 'typed', this.contextFor(start, end), this.batch);
  }

  private typeChar(cp: number, key: string, len: number): void {
    const slot = (this.lineLen & SNAP_MASK) * SNAP_SIZE;
    this.engine.save(this.snaps, slot);
    this.detector.save(this.snaps, slot + ENGINE_SNAPSHOT_SIZE);
    this.snaps[slot + SNAP_SIZE - 1] = len;
    this.heldSnaps[this.lineLen & SNAP_MASK] = this.detector.held;
    this.lineLen++;
    if (this.undoable < SNAPSHOTS) this.undoable++;
    const start = this.pos;
    this.ring[start & CONTEXT_MASK] = key.charCodeAt(0);
    if (len === 2) this.ring[(start + 1) & CONTEXT_MASK] = key.charCodeAt(1);
    this.pos += len;
    this.engine.feed(cp, start, this.pos);
  }

  private backspace(): void {
    if (this.lineLen === 0) {
      // Deletes the line break (or whatever preceded the line); the earlier line is not
      // re-opened for matching, but offsets stay those of the visible text.
      if (this.pos > 0) this.pos--;
      this.lineStart = this.pos;
      return;
    }
    this.lineLen--;
    if (this.undoable === 0) {
      // Older than the Backspace history: start afresh from here.
      this.pos--;
      this.detector.reset();
      this.engine.startLine(this.pos);
      return;
    }
    this.undoable--;
    const slot = (this.lineLen & SNAP_MASK) * SNAP_SIZE;
    this.engine.restore(this.snaps, slot);
    this.detector.restore(this.snaps, slot + ENGINE_SNAPSHOT_SIZE, this.heldSnaps[this.lineLen & SNAP_MASK] ?? null);
    this.heldSnaps[this.lineLen & SNAP_MASK] = null;
    this.pos -= this.snaps[slot + SNAP_SIZE - 1] ?? 1;
  }

  private finishLine(inserted: number): void {
    this.engine.endLine(this.pos);
    this.detector.flushHeld();
    if (inserted > 0) {
      this.ring[this.pos & CONTEXT_MASK] = 10;
      this.pos += inserted;
    }
    this.detector.reset();
    this.engine.startLine(this.pos);
    this.lineStart = this.pos;
    this.lineLen = 0;
    this.undoable = 0;
  }

  private takeBatch(): readonly MatchHit[] {
    const b = this.batch;
    if (b === null) return NO_HITS;
    this.batch = null;
    return b;
  }

  // Only built when there is a hit: the recent visible text of this line, hit centred.
  private contextFor(start: number, end: number): string {
    const from = Math.max(this.lineStart, this.pos - CONTEXT_RING + 1, start - CONTEXT_BEFORE);
    let text = '';
    for (let i = from; i < this.pos; i++) text += String.fromCharCode(this.ring[i & CONTEXT_MASK] ?? 32);
    return contextAround(text, Math.max(0, start - from), Math.max(0, end - from));
  }
}
