// The automaton's alphabet. Every character of normalised text is one small integer so
// the transition table is a dense Int32Array row per state. Letters outside a–z that
// occur in terms (ж, ש…) get their own symbols after the fixed ones; any other letter
// becomes OTHER, which keeps words intact but never matches.

export const SYM_SPACE = 0;
/** a–z are 1–26. */
export const SYM_A = 1;
/** `1` inside a word: could be i or l, so terms get both spellings as alternative paths. */
export const SYM_AMBIG = 27;
/** Digits 0–9 that are not read as letters are 28–37. */
export const SYM_DIGIT0 = 28;
export const SYM_OTHER = 38;
export const FIRST_EXTRA = 39;
/** Symbols are packed 7 bits each, four to an int (see packSeq). */
export const MAX_SYMBOLS = 128;

export const SYM_I = SYM_A + 8;
export const SYM_L = SYM_A + 11;

export function isLetterSym(sym: number): boolean {
  return sym !== SYM_SPACE && (sym < SYM_DIGIT0 || sym >= SYM_OTHER);
}

/** Repeated letters collapse into one symbol with a run count; digits and OTHER do not. */
export function isCollapsible(sym: number): boolean {
  return (sym >= SYM_A && sym <= SYM_AMBIG) || sym >= FIRST_EXTRA;
}

export function isDigitSym(sym: number): boolean {
  return sym >= SYM_DIGIT0 && sym < SYM_DIGIT0 + 10;
}

// A letter character may expand to up to four symbols (ß → ss, ﬃ → ffi); they are packed
// into one int: count in the low 3 bits, then 7 bits per symbol.
export function packSeq(syms: readonly number[]): number {
  let packed = syms.length;
  for (let i = 0; i < syms.length; i++) packed |= (syms[i] ?? 0) << (3 + 7 * i);
  return packed;
}

export function seqLength(packed: number): number {
  return packed & 7;
}

export function seqAt(packed: number, i: number): number {
  return (packed >>> (3 + 7 * i)) & 127;
}

/** Readable form of a symbol, used for canonical term keys and debugging output. */
export function symbolChar(sym: number, extras: readonly string[]): string {
  if (sym === SYM_SPACE) return ' ';
  if (sym >= SYM_A && sym < SYM_A + 26) return String.fromCharCode(96 + sym);
  if (sym === SYM_AMBIG) return '1';
  if (isDigitSym(sym)) return String.fromCharCode(48 + sym - SYM_DIGIT0);
  if (sym >= FIRST_EXTRA) return extras[sym - FIRST_EXTRA] ?? '?';
  return '?';
}
