// Deterministic synthetic data for the matcher benchmark: plausible invented words as
// terms, and ordinary-looking typed text and window titles that mention some of them.
import type { TermEntry } from '@vigil/shared/protocol';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SYLLABLES = (
  'ba ko ri ten mal sha dor vin que lo pra zu mi ner tas gri fol hap wen cy ard bel cam dra fen gal hol jin kes lum ' +
  'mor nav oss pel rin sul tro umb vel wix yar zen blo cha dre fli glo kra ple sno spi tra vro whe'
).split(' ');

const COMMON = (
  'the a to and of i you it is in that my for on this with me so was be are just like do not have but what at your ' +
  'school homework lesson teacher game play really friend today tomorrow maths science history essay class lunch ' +
  'break bus home want know think going help please thanks sorry ok yes no maybe later fun bored tired happy'
).split(' ');

export function syntheticTerms(count: number, seed = 1): TermEntry[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const seen = new Set<string>();
  const terms: TermEntry[] = [];
  while (terms.length < count) {
    const syllables = 2 + Math.floor(rnd() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += pick(SYLLABLES);
    const r = rnd();
    const match = r < 0.7 ? 'word' : r < 0.9 ? 'phrase' : 'substring';
    const term = match === 'phrase' ? `${word} ${pick(COMMON)}` : word;
    if (seen.has(term)) continue;
    seen.add(term);
    terms.push({ term, category: `cat-${terms.length % 11}`, severity: 1 + (terms.length % 5), match });
  }
  return terms;
}

const LEET: Record<string, string> = { o: '0', i: '1', e: '3', a: '4', s: '5', t: '7' };

function obfuscate(term: string, rnd: () => number): string {
  const r = rnd();
  if (r < 0.3) return term.replace(/[oieast]/g, (c) => (rnd() < 0.5 ? (LEET[c] ?? c) : c));
  if (r < 0.4) return term.toUpperCase();
  if (r < 0.5) return term.replace(/(.)/, '$1$1$1');
  return term;
}

/** Words of ordinary text with about one term in `every` words (some obfuscated). */
export function sentenceWords(terms: readonly TermEntry[], words: number, every: number, rnd: () => number): string[] {
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    const term = terms[Math.floor(rnd() * terms.length)];
    out.push(term !== undefined && rnd() < 1 / every ? obfuscate(term.term, rnd) : (COMMON[Math.floor(rnd() * COMMON.length)] ?? 'x'));
  }
  return out;
}

/** Keys for typing about `chars` characters: lines of text, a typo corrected now and then, Enter at line ends. */
export function typedKeys(terms: readonly TermEntry[], chars: number, seed = 2): string[] {
  const rnd = prng(seed);
  const keys: string[] = [];
  while (keys.length < chars) {
    for (const word of sentenceWords(terms, 12, 40, rnd)) {
      for (const ch of word) keys.push(ch);
      if (rnd() < 0.05) keys.push('x', 'Backspace');
      keys.push(' ');
    }
    keys.push('Enter');
  }
  return keys;
}

export function titles(terms: readonly TermEntry[], count: number, seed = 3): string[] {
  const rnd = prng(seed);
  return Array.from({ length: count }, () => `${sentenceWords(terms, 8, 20, rnd).join(' ')} - Google Chrome`);
}
