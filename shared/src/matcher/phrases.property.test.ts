// Phrases a pupil cannot dodge: random phrases from Vigil's own word lists, disguised with
// random mixes of letter-spacing (a random separator between every two letters), joined
// words, zero-width characters, percent-encoding in URLs and domain names. Each occurrence
// must be found, as exactly one folded result.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { FoldedKeyStream, scanFolded, type FoldedHit } from './fold.ts';
import { REPO_WORDLISTS } from './fixtures/repo-wordlists.ts';
import type { HitSource } from './hits.ts';

const matcher = compile(REPO_WORDLISTS);
const PHRASES = REPO_WORDLISTS.terms.filter((t) => t.match === 'phrase' && /^[a-z']+( [a-z']+)+$/.test(t.term)).map((t) => t.term);

const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad'];
/** Between two letters of a letter-spaced word: up to three bridgeable separators. */
const LETTER_GAP = fc.constantFrom('.', ' ', '-', '_', '*', '. ', ' . ', '  ', '\u200b.', '~');
/** Between two words: visible separators, or nothing at all (joined, or only zero-width characters). */
const VISIBLE_GAPS = [' ', '  ', ' - ', '.', '    ', ' ... ', ' \u200b', '-'];
const WORD_GAP = fc.constantFrom(...VISIBLE_GAPS, '', '\u200b', '\u200c\u200d');

type WordStyle = { kind: 'plain' } | { kind: 'spaced'; gaps: string[] } | { kind: 'zero-width'; at: number[]; chars: string[] } | { kind: 'upper' };
const wordStyle: fc.Arbitrary<WordStyle> = fc.oneof(
  fc.constant({ kind: 'plain' as const }),
  fc.array(LETTER_GAP, { minLength: 1, maxLength: 20 }).map((gaps) => ({ kind: 'spaced' as const, gaps })),
  fc
    .tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), fc.array(fc.constantFrom(...ZERO_WIDTH), { minLength: 1, maxLength: 3 }))
    .map(([at, chars]) => ({ kind: 'zero-width' as const, at, chars })),
  fc.constant({ kind: 'upper' as const }),
);

function styleWord(word: string, style: WordStyle): string {
  const letters = Array.from(word.replace(/'/g, ''));
  switch (style.kind) {
    case 'plain':
      return word;
    case 'upper':
      return word.toUpperCase();
    case 'spaced':
      return letters.map((l, i) => (i === 0 ? l : `${style.gaps[i % style.gaps.length] ?? '.'}${l}`)).join('');
    case 'zero-width': {
      const out = [...letters];
      style.at.forEach((at, i) => out.splice(at % (out.length + 1), 0, style.chars[i % style.chars.length] ?? '\u200b'));
      return out.join('');
    }
  }
}

/**
 * A letter-spaced word run straight into its neighbour ("touchesm.e") cannot be told apart
 * from a word that ends or starts with a single letter; such a pair keeps a visible gap.
 */
function wordGap(gap: string, before: WordStyle | undefined, after: WordStyle | undefined): string {
  const spaced = before?.kind === 'spaced' || after?.kind === 'spaced';
  return spaced && !VISIBLE_GAPS.includes(gap) ? ' ' : gap;
}

interface Disguised {
  phrase: string;
  text: string;
}

/** A phrase with every word styled at random and random gaps between the words. */
const disguisedPhrase: fc.Arbitrary<Disguised> = fc.constantFrom(...PHRASES).chain((phrase) => {
  const words = phrase.split(' ');
  return fc
    .tuple(fc.array(wordStyle, { minLength: words.length, maxLength: words.length }), fc.array(WORD_GAP, { minLength: words.length, maxLength: words.length }))
    .map(([styles, gaps]) => ({
      phrase,
      text: words.map((w, i) => (i === 0 ? '' : wordGap(gaps[i] ?? ' ', styles[i - 1], styles[i])) + styleWord(w, styles[i] ?? { kind: 'plain' })).join(''),
    }));
});

/** The same in a URL: words percent-encoded, `+`-joined, double-encoded, hyphenated or joined in a domain label. */
const ENCODED_GAP = fc.constantFrom('%20', '+', '%2B', '%2520', '%20%20', '-', '_', '%E2%80%8B');
const disguisedUrl: fc.Arbitrary<Disguised> = fc
  .tuple(fc.constantFrom(...PHRASES), fc.array(ENCODED_GAP, { minLength: 8, maxLength: 8 }), fc.constantFrom('query', 'path', 'label', 'hyphen-label'))
  .map(([phrase, gaps, where]) => {
    const words = phrase.replace(/'/g, '').split(' ');
    const encoded = words.map((w, i) => (i === 0 ? '' : (gaps[i] ?? '%20')) + w).join('');
    if (where === 'query') return { phrase, text: `https://www.google.com/search?q=${encoded}&hl=en` };
    if (where === 'path') return { phrase, text: `https://example.org/forum/${encoded}/index.html` };
    if (where === 'label') return { phrase, text: `https://${words.join('')}.example.com/` };
    return { phrase, text: `https://${words.join('-')}.example/` };
  });

const containing = (folded: readonly FoldedHit[], phrase: string): FoldedHit[] => folded.filter((f) => f.terms.some((x) => x.term === phrase));

function typedFolded(text: string): FoldedHit[] {
  const ks = new FoldedKeyStream(matcher);
  const out: FoldedHit[] = [];
  for (const ch of text) out.push(...ks.push(ch));
  out.push(...ks.endLine());
  return out;
}

describe('phrases from the word lists, disguised', () => {
  it('are found in typed text however their words are spelt out, joined, spaced or dotted, in any mix', () => {
    fc.assert(
      fc.property(disguisedPhrase, ({ phrase, text }) => {
        const line = `well ${text} ok`;
        const folded = scanFolded(matcher, line, 'typed');
        expect(
          containing(folded, phrase).map((f) => f.term),
          JSON.stringify(line),
        ).toHaveLength(1);
      }),
      { numRuns: 1500 },
    );
  });

  it('give exactly one folded result per occurrence, typed key by key or scanned', () => {
    fc.assert(
      fc.property(fc.array(disguisedPhrase, { minLength: 1, maxLength: 3 }), (occurrences) => {
        const line = occurrences.map((o) => `so ${o.text} ok`).join(' ; ');
        for (const folded of [scanFolded(matcher, line, 'typed'), scanFolded(matcher, line, 'title'), typedFolded(line)]) {
          const desc = JSON.stringify({ line, got: folded.map((f) => f.terms.map((x) => x.term)) });
          // one result per occurrence, in order, each carrying its phrase
          expect(folded, desc).toHaveLength(occurrences.length);
          occurrences.forEach((o, i) =>
            expect(
              folded[i]?.terms.map((x) => x.term),
              desc,
            ).toContain(o.phrase),
          );
        }
      }),
      { numRuns: 500 },
    );
  });

  it('are found in URLs: percent-encoded, double-encoded, in paths, and as or inside domain labels', () => {
    fc.assert(
      fc.property(disguisedUrl, ({ phrase, text }) => {
        const folded = scanFolded(matcher, text, 'url');
        expect(containing(folded, phrase), text).toHaveLength(1);
        expect(
          scanFolded(matcher, text, 'title' as HitSource).some((f) => f.terms.some((x) => x.term === phrase)),
          text,
        ).toBe(true);
      }),
      { numRuns: 800 },
    );
  });
});
