// Maps code points to (kind, payload) pairs for the line engine, caching each code point's
// classification the first time it is seen so the hot path is two typed-array reads.
import { FIRST_EXTRA, MAX_SYMBOLS, SYM_A, SYM_AMBIG, SYM_DIGIT0, SYM_OTHER, packSeq } from './alphabet.ts';
import { classifyCodePoint, isHardSeparator } from './normalise-rules.ts';

export const K_IGNORE = 1;
export const K_BREAK = 2;
/** payload: packed symbol sequence (alphabet.ts packSeq). */
export const K_LETTER = 3;
/** payload: digit symbol | leet letter symbol << 8 (0 = no leet reading). */
export const K_DIGIT = 4;
/** payload: leet letter symbol | 256 when it needs a real letter after it. */
export const K_LEET = 5;
/** payload: 1 for a separator that is never bridged (isHardSeparator), else 0. */
export const K_SEP = 6;

const CACHED = 0x20000; // BMP and SMP (mathematical alphanumerics, emoji, regional indicators)
const MAX_SEQ = 4;

export class SymbolTable {
  readonly extras: readonly string[];
  private readonly extraIndex: Map<string, number>;
  private readonly kinds = new Uint8Array(CACHED);
  private readonly payloads = new Int32Array(CACHED);
  /** Set by kindOf/payload pairs: the payload of the last looked-up code point. */
  lastPayload = 0;

  constructor(extras: readonly string[]) {
    this.extras = extras;
    this.extraIndex = new Map(extras.map((ch, i) => [ch, FIRST_EXTRA + i]));
  }

  /** Letters outside a–z that occur in terms, in first-seen order, capped to the alphabet size. */
  static collectExtras(texts: Iterable<string>): string[] {
    const extras = new Set<string>();
    const seen = new Set<string>();
    const cap = MAX_SYMBOLS - FIRST_EXTRA;
    for (const text of texts) {
      for (const ch of text) {
        if ((ch >= 'a' && ch <= 'z') || seen.has(ch)) continue;
        seen.add(ch);
        const c = classifyCodePoint(ch.codePointAt(0) ?? 0);
        if (c.kind !== 'letters') continue;
        for (const l of c.letters) if ((l < 'a' || l > 'z') && extras.size < cap) extras.add(l);
      }
    }
    return [...extras];
  }

  /** Kind of a code point; its payload is left in `lastPayload` (no allocation). */
  lookup(cp: number): number {
    if (cp < CACHED) {
      let kind = this.kinds[cp] ?? 0;
      if (kind === 0) {
        const [k, p] = this.compute(cp);
        this.kinds[cp] = kind = k;
        this.payloads[cp] = p;
      }
      this.lastPayload = this.payloads[cp] ?? 0;
      return kind;
    }
    const [k, p] = this.compute(cp);
    this.lastPayload = p;
    return k;
  }

  letterSymbol(ch: string): number {
    if (ch >= 'a' && ch <= 'z') return SYM_A + ch.charCodeAt(0) - 97;
    if (ch === '1') return SYM_AMBIG;
    return this.extraIndex.get(ch) ?? SYM_OTHER;
  }

  private compute(cp: number): [number, number] {
    const c = classifyCodePoint(cp);
    switch (c.kind) {
      case 'ignore':
        return [K_IGNORE, 0];
      case 'break':
        return [K_BREAK, 0];
      case 'separator':
        return [K_SEP, isHardSeparator(cp) ? 1 : 0];
      case 'digit':
        return [K_DIGIT, (SYM_DIGIT0 + c.digit) | (c.leet === undefined ? 0 : this.letterSymbol(c.leet) << 8)];
      case 'leet':
        return [K_LEET, this.letterSymbol(c.leet) | (c.needsLetterAfter ? 256 : 0)];
      case 'letters': {
        const syms = Array.from(c.letters, (l) => this.letterSymbol(l)).slice(0, MAX_SEQ);
        return [K_LETTER, packSeq(syms)];
      }
    }
  }
}
