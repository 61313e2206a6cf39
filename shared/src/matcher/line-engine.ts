// Turns one line of characters into the normalised symbol stream, applying the rules
// that need context. Both terms (at compile time) and input (scanText, KeyStream) go
// through this class, so a term always normalises exactly as the same text typed would.
//
// Three small stages, each holding back only what it cannot decide yet:
//  A. leet: `0 1 3 4 5 7 8 @ $ |` read as letters only in a word that has a real letter
//     ("k1ll" → kill, but "100%" stays a number), digits only if their whole run has leet
//     readings ("h3ll0", but "abc123", "20games", "1990s" keep their numbers); `!` only
//     when a letter follows it ("sh!t", not "die!"). Undecided characters wait.
//  B. bridging: a run of up to three separators between two single-letter words is
//     dropped ("k i l l", "k.i.l.l" → kill; "a cat" stays two words). Waits for the
//     character after the next letter. Address separators (`/ ? = & #`) are never bridged.
//  C. emit: separators become one SPACE symbol, a SPACE is put between letters and
//     digits ("unblockedgames66" → "unblockedgames 66"), repeated letters collapse into
//     one symbol whose run count (1, 2, 3+) is reported through `grow`.
// All state is plain numbers so KeyStream can snapshot it per key for Backspace.
import { SYM_SPACE, isCollapsible, seqAt, seqLength } from './alphabet.ts';
import { K_DIGIT, K_IGNORE, K_LEET, K_LETTER, K_SEP, type SymbolTable } from './symbol-table.ts';

export interface SymbolConsumer {
  /** A new symbol covering original offsets [start, end). */
  emit(sym: number, start: number, end: number): void;
  /** The last symbol repeated: its run is now `run` (capped at 3) and it ends at `end`. */
  grow(run: number, end: number): void;
}

const RAW_RING = 1024; // must exceed KeyStream's snapshot depth plus MAX_PENDING
const RAW_MASK = RAW_RING - 1;
const MAX_PENDING = 32; // a longer letterless run of digits/symbols is settled as non-letters
const MAX_BRIDGE_SEPARATORS = 3;

const NORMAL = 0;
const SEP_AFTER_SINGLE = 1;
const HOLD_LETTER = 2;

const RUN_NONE = 0;
const RUN_LEET = 1; // in a run of digits that all have leet readings (held back)
const RUN_NUMBER = 2; // in a run with a digit like 2, 6 or 9: a number

const LAST_SPACE = 0;
const LAST_LETTER = 1;
const LAST_DIGIT = 2;

/** Number of ints written by save(). */
export const ENGINE_SNAPSHOT_SIZE = 15;

export class LineEngine {
  private readonly table: SymbolTable;
  private readonly out: SymbolConsumer;
  private readonly rawKind = new Uint8Array(RAW_RING);
  private readonly rawPayload = new Int32Array(RAW_RING);
  private readonly rawStart = new Int32Array(RAW_RING);
  private readonly rawEnd = new Int32Array(RAW_RING);
  // stage A
  private rawIdx = 0;
  private pendCount = 0;
  private tokHasLetter = 0;
  private digitRun = RUN_NONE;
  // stage B
  private bPhase = NORMAL;
  private bTokLetters = 0;
  private bSepCount = 0;
  private bSepStart = 0;
  private bSepEnd = 0;
  private xSeq = 0;
  private xStart = 0;
  private xEnd = 0;
  // stage C
  private lastKind = LAST_SPACE;
  private lastSym = -1;
  private lastRun = 0;

  constructor(table: SymbolTable, out: SymbolConsumer) {
    this.table = table;
    this.out = out;
  }

  /** Starts a line: state cleared and the leading boundary emitted. */
  startLine(pos: number): void {
    this.pendCount = 0;
    this.tokHasLetter = 0;
    this.digitRun = RUN_NONE;
    this.bPhase = NORMAL;
    this.bTokLetters = 0;
    this.bSepCount = 0;
    this.lastKind = LAST_SPACE;
    this.lastSym = -1;
    this.lastRun = 0;
    this.out.emit(SYM_SPACE, pos, pos);
  }

  /** Settles everything held back and emits the trailing boundary. */
  endLine(pos: number): void {
    this.resolvePending(false);
    this.tokHasLetter = 0;
    this.digitRun = RUN_NONE;
    if (this.bPhase === SEP_AFTER_SINGLE) this.emitSpace(this.bSepStart, this.bSepEnd);
    else if (this.bPhase === HOLD_LETTER) this.emitLetters(this.xSeq, this.xStart, this.xEnd);
    this.bPhase = NORMAL;
    this.emitSpace(pos, pos);
  }

  /** One code point at original offsets [start, end). Line breaks count as separators here. */
  feed(cp: number, start: number, end: number): void {
    const kind = this.table.lookup(cp);
    const payload = this.table.lastPayload;
    if (kind === K_IGNORE) return;
    if (kind === K_LETTER) {
      if (this.pendCount > 0) this.resolvePending(true);
      this.tokHasLetter = 1;
      this.digitRun = RUN_NONE;
      this.bLetter(payload, start, end);
    } else if (kind === K_DIGIT) {
      // Digits wait until their run ends: "k1ll" reads as a word, "abc123" as a number.
      if (payload >> 8 === 0 || this.digitRun === RUN_NUMBER) {
        this.digitRun = RUN_NUMBER;
        if (this.pendCount === 0) this.bDigit(payload & 255, start, end);
        else this.hold(kind, payload, start, end);
      } else {
        this.digitRun = RUN_LEET;
        this.hold(kind, payload, start, end);
      }
    } else if (kind === K_LEET) {
      this.digitRun = RUN_NONE;
      if (this.pendCount === 0 && this.tokHasLetter === 1 && (payload & 256) === 0) this.bLetter(1 | ((payload & 255) << 3), start, end);
      else this.hold(kind, payload, start, end);
    } else {
      this.resolvePending(false);
      this.tokHasLetter = 0;
      this.digitRun = RUN_NONE;
      if (kind === K_SEP && payload === 1) this.bHardBound(start, end);
      else this.bBound(start, end);
    }
  }

  private hold(kind: number, payload: number, start: number, end: number): void {
    const i = this.rawIdx++ & RAW_MASK;
    this.rawKind[i] = kind;
    this.rawPayload[i] = payload;
    this.rawStart[i] = start;
    this.rawEnd[i] = end;
    if (++this.pendCount >= MAX_PENDING) this.resolvePending(false);
  }

  /** letterFollows: a real letter comes next in the same word; otherwise the word ended. */
  private resolvePending(letterFollows: boolean): void {
    const n = this.pendCount;
    if (n === 0) return;
    this.pendCount = 0;
    const wordHasLetter = letterFollows || this.tokHasLetter === 1;
    const first = this.rawIdx - n;
    let runLeet = false;
    for (let k = first; k < this.rawIdx; k++) {
      const i = k & RAW_MASK;
      const payload = this.rawPayload[i] ?? 0;
      const start = this.rawStart[i] ?? 0;
      const end = this.rawEnd[i] ?? 0;
      if (this.rawKind[i] === K_DIGIT) {
        // A digit run reads as letters only if every digit in it has a leet reading.
        if (k === first || this.rawKind[(k - 1) & RAW_MASK] !== K_DIGIT) runLeet = this.digitsAllLeet(k);
        if (runLeet && wordHasLetter) this.bLetter(1 | ((payload >> 8) << 3), start, end);
        else this.bDigit(payload & 255, start, end);
      } else {
        const asLetter = letterFollows || (this.tokHasLetter === 1 && (payload & 256) === 0);
        if (asLetter) this.bLetter(1 | ((payload & 255) << 3), start, end);
        else this.bBound(start, end);
      }
    }
  }

  private digitsAllLeet(from: number): boolean {
    for (let k = from; k < this.rawIdx; k++) {
      const i = k & RAW_MASK;
      if (this.rawKind[i] !== K_DIGIT) return true;
      if ((this.rawPayload[i] ?? 0) >> 8 === 0) return false;
    }
    return true;
  }

  // ---- stage B: bridging separators between single letters

  private bLetter(seq: number, start: number, end: number): void {
    if (this.bPhase === NORMAL) {
      this.emitLetters(seq, start, end);
      if (this.bTokLetters < 2) this.bTokLetters++;
    } else if (this.bPhase === SEP_AFTER_SINGLE) {
      this.bPhase = HOLD_LETTER;
      this.xSeq = seq;
      this.xStart = start;
      this.xEnd = end;
    } else {
      // the held letter starts a longer word: the separators stay a boundary
      this.emitSpace(this.bSepStart, this.bSepEnd);
      this.emitLetters(this.xSeq, this.xStart, this.xEnd);
      this.emitLetters(seq, start, end);
      this.bPhase = NORMAL;
      this.bTokLetters = 2;
    }
  }

  private bBound(start: number, end: number): void {
    if (this.bPhase === NORMAL) {
      if (this.bTokLetters === 1) this.beginSeparators(start, end);
      else this.emitSpace(start, end);
      this.bTokLetters = 0;
    } else if (this.bPhase === SEP_AFTER_SINGLE) {
      this.bSepEnd = end;
      if (++this.bSepCount > MAX_BRIDGE_SEPARATORS) {
        this.emitSpace(this.bSepStart, this.bSepEnd);
        this.bPhase = NORMAL;
        this.bTokLetters = 0;
      }
    } else {
      // the held letter was a single-letter word too: bridge
      this.emitLetters(this.xSeq, this.xStart, this.xEnd);
      this.beginSeparators(start, end);
    }
  }

  /** An address separator (`/ ? = & #`): always a boundary, never bridged. */
  private bHardBound(start: number, end: number): void {
    if (this.bPhase === SEP_AFTER_SINGLE) {
      this.emitSpace(this.bSepStart, end);
    } else {
      // a held letter was a single-letter word after bridgeable separators: it joins them
      if (this.bPhase === HOLD_LETTER) this.emitLetters(this.xSeq, this.xStart, this.xEnd);
      this.emitSpace(start, end);
    }
    this.bPhase = NORMAL;
    this.bTokLetters = 0;
  }

  /** Earliest original offset of a character not yet passed on as a symbol (held back), or `none`. */
  heldFrom(none: number): number {
    let from = none;
    if (this.pendCount > 0) from = this.rawStart[(this.rawIdx - this.pendCount) & RAW_MASK] ?? none;
    if (this.bPhase !== NORMAL && this.bSepStart < from) from = this.bSepStart;
    return from;
  }

  private beginSeparators(start: number, end: number): void {
    this.bPhase = SEP_AFTER_SINGLE;
    this.bSepCount = 1;
    this.bSepStart = start;
    this.bSepEnd = end;
  }

  private bDigit(sym: number, start: number, end: number): void {
    if (this.bPhase === SEP_AFTER_SINGLE) this.emitSpace(this.bSepStart, this.bSepEnd);
    else if (this.bPhase === HOLD_LETTER) this.emitLetters(this.xSeq, this.xStart, this.xEnd);
    this.bPhase = NORMAL;
    this.bTokLetters = 0;
    if (this.lastKind === LAST_LETTER) this.out.emit(SYM_SPACE, start, start);
    this.out.emit(sym, start, end);
    this.lastKind = LAST_DIGIT;
    this.lastSym = -1;
  }

  // ---- stage C: symbols out

  private emitSpace(start: number, end: number): void {
    if (this.lastKind === LAST_SPACE) return;
    this.out.emit(SYM_SPACE, start, end);
    this.lastKind = LAST_SPACE;
    this.lastSym = -1;
  }

  private emitLetters(seq: number, start: number, end: number): void {
    const n = seqLength(seq);
    for (let j = 0; j < n; j++) {
      const sym = seqAt(seq, j);
      if (this.lastKind === LAST_LETTER && sym === this.lastSym && isCollapsible(sym)) {
        if (this.lastRun < 3) this.lastRun++;
        this.out.grow(this.lastRun, end);
        continue;
      }
      if (this.lastKind === LAST_DIGIT) this.out.emit(SYM_SPACE, start, start);
      this.out.emit(sym, start, end);
      this.lastKind = LAST_LETTER;
      this.lastSym = sym;
      this.lastRun = 1;
    }
  }

  // ---- snapshots for Backspace

  save(into: Int32Array, at: number): void {
    into[at] = this.rawIdx;
    into[at + 1] = this.pendCount;
    into[at + 2] = this.tokHasLetter;
    into[at + 3] = this.bPhase;
    into[at + 4] = this.bTokLetters;
    into[at + 5] = this.bSepCount;
    into[at + 6] = this.bSepStart;
    into[at + 7] = this.bSepEnd;
    into[at + 8] = this.xSeq;
    into[at + 9] = this.xStart;
    into[at + 10] = this.xEnd;
    into[at + 11] = this.lastKind;
    into[at + 12] = this.lastSym;
    into[at + 13] = this.lastRun;
    into[at + 14] = this.digitRun;
  }

  restore(from: Int32Array, at: number): void {
    this.rawIdx = from[at] ?? 0;
    this.pendCount = from[at + 1] ?? 0;
    this.tokHasLetter = from[at + 2] ?? 0;
    this.bPhase = from[at + 3] ?? 0;
    this.bTokLetters = from[at + 4] ?? 0;
    this.bSepCount = from[at + 5] ?? 0;
    this.bSepStart = from[at + 6] ?? 0;
    this.bSepEnd = from[at + 7] ?? 0;
    this.xSeq = from[at + 8] ?? 0;
    this.xStart = from[at + 9] ?? 0;
    this.xEnd = from[at + 10] ?? 0;
    this.lastKind = from[at + 11] ?? 0;
    this.lastSym = from[at + 12] ?? 0;
    this.lastRun = from[at + 13] ?? 0;
    this.digitRun = from[at + 14] ?? 0;
  }
}
