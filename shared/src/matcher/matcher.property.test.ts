import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { TEST_ALLOW, TEST_SOURCE } from './fixtures/test-lists.ts';
import type { MatchHit } from './hits.ts';
import { KeyStream } from './key-stream.ts';
import { scanText } from './scan-text.ts';

const matcher = compile(TEST_SOURCE);
const noAllow = compile({ ...TEST_SOURCE, allow: [] });

// Pieces that exercise every rule: terms and their obfuscations, single letters for
// bridging, leet digits and symbols, invisible and look-alike characters, line breaks.
const PIECES = [
  'kill',
  'k1ll',
  'ki11',
  'myself',
  'mys3lf',
  'die',
  'dieee',
  'ass',
  'as',
  'rape',
  'oilseed',
  'porn',
  'poor',
  'ness',
  'skill',
  'assassin',
  'scunthorpe',
  'cunt',
  'unblocked',
  'games',
  '66',
  '4chan',
  'kkk',
  '1488',
  'pro',
  'ana',
  'жопа',
  'k',
  'i',
  'l',
  'a',
  's',
  'e',
  'x',
  ' ',
  ' ',
  ' ',
  '.',
  '-',
  '!',
  '1',
  '0',
  '3',
  '@',
  '$',
  '|',
  "'",
  '\u200b',
  '\u00ad',
  'і',
  'Ｋ',
  '𝐤',
  'é',
  '\n',
  '\t',
  'ß',
  '/',
  '?q=',
  '&',
];
const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 30 }).map((parts) => parts.join(''));
const LATIN_PIECES = PIECES.filter((p) => /^[a-z0-9 .!@$|'-]*$/.test(p));
const latinText = fc.array(fc.constantFrom(...LATIN_PIECES), { maxLength: 30 }).map((parts) => parts.join(''));

const key = (h: MatchHit): string => `${h.term}|${h.category}|${h.start}|${h.end}`;
const sortedKeys = (hits: readonly MatchHit[]): string[] => hits.map(key).sort();
const terms = (hits: readonly MatchHit[]): string[] => hits.map((h) => `${h.term}|${h.category}`).sort();

function typeKeys(m: typeof matcher, keys: readonly string[]): MatchHit[] {
  const ks = new KeyStream(m);
  const hits: MatchHit[] = [];
  for (const k of keys) hits.push(...ks.push(k));
  hits.push(...ks.endLine());
  return hits;
}

const codePoints = (s: string): string[] => Array.from(s);

describe('matcher properties', () => {
  it('typing a text key by key gives the same hits as scanning it whole', () => {
    fc.assert(
      fc.property(text, (t) => {
        expect(sortedKeys(typeKeys(matcher, codePoints(t)))).toEqual(sortedKeys(scanText(matcher, t, 'typed')));
      }),
      { numRuns: 500 },
    );
  });

  it('inserting zero-width characters never loses a hit', () => {
    const invisible = fc.constantFrom('\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad');
    fc.assert(
      fc.property(text, fc.array(fc.tuple(fc.nat(), invisible), { maxLength: 8 }), (t, inserts) => {
        const cps = codePoints(t);
        for (const [at, zw] of inserts) cps.splice(cps.length === 0 ? 0 : at % (cps.length + 1), 0, zw);
        expect(terms(scanText(matcher, cps.join(''), 'typed'))).toEqual(terms(scanText(matcher, t, 'typed')));
      }),
      { numRuns: 500 },
    );
  });

  it('changing the case of letters never loses a hit', () => {
    fc.assert(
      fc.property(latinText, fc.array(fc.boolean(), { maxLength: 200 }), (t, flips) => {
        const changed = codePoints(t)
          .map((ch, i) => (flips[i] === true ? ch.toUpperCase() : ch))
          .join('');
        expect(terms(scanText(matcher, changed, 'typed'))).toEqual(terms(scanText(matcher, t, 'typed')));
      }),
      { numRuns: 500 },
    );
  });

  // A typo is some junk characters followed by as many Backspaces.
  const typo = fc.array(fc.constantFrom('x', 'q', 'z', 'k', 'i', 'l', 'e', ' ', '.', '1', '!', '\u200b'), { minLength: 1, maxLength: 4 });
  const edited = fc.tuple(text, fc.array(fc.tuple(fc.nat(), typo), { maxLength: 5 })).map(([t, typos]) => {
    const keys = codePoints(t).filter((k) => k !== '\n' && k !== '\t');
    const final = keys.join('');
    for (const [at, junk] of typos) keys.splice(at % (keys.length + 1), 0, ...junk, ...junk.map(() => 'Backspace'));
    return { final, keys };
  });

  it('Backspace editing never loses a hit of the final text', () => {
    fc.assert(
      fc.property(edited, ({ final, keys }) => {
        const got = new Set(sortedKeys(typeKeys(matcher, keys)));
        for (const k of sortedKeys(typeKeys(matcher, codePoints(final)))) expect(got).toContain(k);
      }),
      { numRuns: 500 },
    );
  });

  it('Backspace editing equals typing the final text when the typos complete no term', () => {
    // Junk made of letters no term ends with cannot complete a hit while it is on screen,
    // and without an allow-list no held hit can be released by it.
    const letterTypo = fc.array(fc.constantFrom('x', 'q', 'z'), { minLength: 1, maxLength: 4 });
    const script = fc.tuple(text, fc.array(fc.tuple(fc.nat(), letterTypo), { maxLength: 5 })).map(([t, typos]) => {
      const keys = codePoints(t).filter((k) => k !== '\n' && k !== '\t');
      const final = keys.join('');
      for (const [at, junk] of typos) keys.splice(at % (keys.length + 1), 0, ...junk, ...junk.map(() => 'Backspace'));
      return { final, keys };
    });
    fc.assert(
      fc.property(script, ({ final, keys }) => {
        expect(sortedKeys(typeKeys(noAllow, keys))).toEqual(sortedKeys(typeKeys(noAllow, codePoints(final))));
      }),
      { numRuns: 500 },
    );
  });

  it('allow-listed words never produce a hit inside them', () => {
    const word = fc.tuple(fc.constantFrom(...TEST_ALLOW), fc.array(fc.boolean(), { maxLength: 20 })).map(([w, flips]) =>
      codePoints(w)
        .map((ch, i) => (flips[i] === true ? ch.toUpperCase() : ch))
        .join(''),
    );
    fc.assert(
      fc.property(latinText, word, latinText, (before, w, after) => {
        const t = `${before} ${w} ${after}`;
        const start = before.length + 1;
        const end = start + w.length;
        for (const h of scanText(matcher, t, 'typed')) expect(h.start >= start && h.end <= end).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
