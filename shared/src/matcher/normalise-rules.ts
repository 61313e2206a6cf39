// The per-character normalisation rules, one function each. They are context-free; the
// rules that need context (leet only inside words, repeated letters, bridging "k i l l")
// live in line-engine.ts. Terms and input go through exactly the same code.
import { mapConfusables, regionalIndicatorLetter } from './confusables.ts';

/** Zero-width and other invisible characters: dropped as if they had not been typed. */
export function isInvisible(cp: number): boolean {
  return (
    cp === 0x00ad || // soft hyphen
    cp === 0x034f || // combining grapheme joiner
    cp === 0x061c || // Arabic letter mark
    cp === 0x115f ||
    cp === 0x1160 ||
    cp === 0x3164 ||
    cp === 0xffa0 || // Hangul fillers
    cp === 0x17b4 ||
    cp === 0x17b5 ||
    (cp >= 0x180b && cp <= 0x180f) || // Mongolian variation selectors and vowel separator
    (cp >= 0x200b && cp <= 0x200f) || // zero-width space/joiners, LRM, RLM
    (cp >= 0x202a && cp <= 0x202e) || // bidi embeddings
    (cp >= 0x2060 && cp <= 0x206f) || // word joiner, invisible operators, bidi isolates
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    cp === 0xfeff || // zero-width no-break space / BOM
    (cp >= 0x1d173 && cp <= 0x1d17a) || // musical formatting controls
    (cp >= 0xe0000 && cp <= 0xe007f) || // tag characters
    (cp >= 0xe0100 && cp <= 0xe01ef) // variation selectors supplement
  );
}

/**
 * Apostrophes are dropped like invisible characters, so "don't", "don’t" and "dont" read the
 * same, and quotes around a word ('die') do not matter.
 */
export function isApostrophe(cp: number): boolean {
  return cp === 0x27 || cp === 0x2019 || cp === 0x2018 || cp === 0x02bc || cp === 0x60 || cp === 0xb4 || cp === 0xff07;
}

/** Characters that end a line the way Enter or Tab does in the key stream. */
export function isLineBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x09 || cp === 0x0b || cp === 0x0c || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

const MARKS = /\p{M}/gu;

/** Compatibility decomposition with accents stripped: ｋ 𝐤 ⓚ ķ → k, ﬁ → fi. */
export function foldCompat(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '');
}

/** Case folding: lower case plus the look-alike table in both cases (Η → h, but η → n). */
export function foldCase(text: string): string {
  return mapConfusables(mapConfusables(text).toLowerCase());
}

/**
 * Separators that structure an address (`/ ? = & #`): never bridged, so the single letter
 * of "?q=i+hate+myself" does not join the next one.
 */
export function isHardSeparator(cp: number): boolean {
  return cp === 0x2f || cp === 0x3f || cp === 0x3d || cp === 0x26 || cp === 0x23;
}

export type LeetReading =
  /** A letter whenever the word around it has real letters (0 1 3 4 5 7 8 @ $ |). */
  | { letter: string; needsLetterAfter: false }
  /** `!` reads as i only when a real letter follows in the same word ("sh!t", not "die!"). */
  | { letter: string; needsLetterAfter: true };

const LEET: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': '1', // i or l: kept as its own symbol, terms get both spellings
  '3': 'e',
  '4': 'a',
  '5': 's',
  '7': 't',
  '8': 'b',
  '@': 'a',
  $: 's',
  '|': 'l',
  '!': 'i',
};

/** Leet-speak reading of a digit or symbol, or undefined if it has none. */
export function leetLetter(ch: string): LeetReading | undefined {
  const letter = LEET[ch];
  if (letter === undefined) return undefined;
  return { letter, needsLetterAfter: ch === '!' };
}

export type CharClass =
  | { kind: 'ignore' }
  | { kind: 'break' }
  /** One or more letters: a–z or other lower-case letters (for non-Latin scripts). */
  | { kind: 'letters'; letters: string }
  | { kind: 'digit'; digit: number; leet: string | undefined }
  | { kind: 'leet'; leet: string; needsLetterAfter: boolean }
  | { kind: 'separator' };

const LETTER = /^\p{L}+$/u;

/** Applies the context-free rules to one code point. */
export function classifyCodePoint(cp: number): CharClass {
  if (isInvisible(cp) || isApostrophe(cp)) return { kind: 'ignore' };
  if (isLineBreak(cp)) return { kind: 'break' };
  const ch = String.fromCodePoint(cp);
  const regional = regionalIndicatorLetter(cp);
  if (regional !== undefined) return { kind: 'letters', letters: regional };
  const folded = foldCase(foldCompat(ch));
  // A lone combining mark (or anything NFKD empties) leaves nothing behind.
  if (folded === '') return { kind: 'ignore' };
  if (folded.length === 1 && folded >= '0' && folded <= '9') {
    return { kind: 'digit', digit: folded.charCodeAt(0) - 48, leet: LEET[folded] };
  }
  const leet = leetLetter(folded);
  if (leet !== undefined) return { kind: 'leet', leet: leet.letter, needsLetterAfter: leet.needsLetterAfter };
  if (LETTER.test(folded)) return { kind: 'letters', letters: folded };
  return { kind: 'separator' };
}
