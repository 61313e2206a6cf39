import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TermEntry } from '../protocol/wordlist.schema.ts';
import { compile } from './compile.ts';
import { FoldedKeyStream, foldHits, scanFolded, type FoldedHit } from './fold.ts';
import { REPO_WORDLISTS } from './fixtures/repo-wordlists.ts';
import { TEST_SOURCE } from './fixtures/test-lists.ts';
import type { MatchHit } from './hits.ts';
import { scanText } from './scan-text.ts';

const t = (term: string, category: string, severity: number, match: TermEntry['match']): TermEntry => ({ term, category, severity, match });

// Overlapping terms as in the issue, across restricted and unrestricted categories.
const OVERLAPS = compile({
  categories: [
    { id: 'self-harm', label: 'Self-harm', severity: 4, restricted: true },
    { id: 'sexual-content', label: 'Sexual content', severity: 3, restricted: true },
    { id: 'grooming', label: 'Grooming', severity: 4, restricted: true },
    { id: 'extremism', label: 'Extremism', severity: 4, restricted: false },
    { id: 'bullying', label: 'Bullying', severity: 3, restricted: false },
  ],
  terms: [
    t('suicide', 'self-harm', 3, 'word'),
    t('suicide note', 'self-harm', 5, 'phrase'),
    t('isis', 'extremism', 2, 'word'),
    t('join isis', 'extremism', 5, 'phrase'),
    t('nudes', 'sexual-content', 3, 'word'),
    t('send nudes', 'grooming', 4, 'phrase'),
    t('slag', 'bullying', 5, 'word'),
    t('slag', 'sexual-content', 2, 'word'),
  ],
  allow: ['isis and osiris'],
});

const summary = (f: FoldedHit): string =>
  `${f.term}/${f.category}/${f.severity}${f.restricted ? '/R' : ''} [${f.start},${f.end}) ${f.terms.map((x) => `${x.term}:${x.category}:${x.severity}`).join(' ')}`;

function hit(term: string, category: string, severity: number, start: number, end: number): MatchHit {
  return { term, category, severity, match: 'word', source: 'typed', start, end, context: `ctx ${term}` };
}

describe('foldHits', () => {
  it('folds a phrase and the word inside it into one result carrying both terms', () => {
    expect(scanFolded(OVERLAPS, 'i wrote a suicide note', 'typed').map(summary)).toEqual([
      'suicide note/self-harm/5/R [10,22) suicide note:self-harm:5 suicide:self-harm:3',
    ]);
    expect(scanFolded(OVERLAPS, 'join isis', 'title').map(summary)).toEqual(['join isis/extremism/5 [0,9) join isis:extremism:5 isis:extremism:2']);
  });

  it('makes a restricted category the primary even when an unrestricted term is more severe, and keeps the highest severity', () => {
    // "slag" is bullying 5 (not restricted) and sexual-content 2 (restricted)
    expect(scanFolded(OVERLAPS, 'you slag', 'typed').map(summary)).toEqual(['slag/sexual-content/5/R [4,8) slag:sexual-content:2 slag:bullying:5']);
    const [folded] = scanFolded(OVERLAPS, 'send nudes', 'typed');
    expect(folded?.categories).toEqual(['grooming', 'sexual-content']);
    expect(folded?.restricted).toBe(true);
  });

  it('keeps separate phrases separate, and folds chains of overlaps transitively', () => {
    expect(scanFolded(OVERLAPS, 'send nudes or join isis', 'typed').map((f) => f.term)).toEqual(['send nudes', 'join isis']);
    const chain = [hit('a b', 'x', 1, 0, 3), hit('b c', 'x', 2, 2, 5), hit('c d', 'x', 3, 4, 7), hit('e', 'x', 4, 7, 8)];
    expect(foldHits(chain, new Set()).map((f) => [f.term, f.start, f.end, f.terms.length])).toEqual([
      ['c d', 0, 7, 3],
      ['e', 7, 8, 1],
    ]);
  });

  it('on the same span and severity, files the phrase under the term with fewer word gaps (the one typed as written)', () => {
    const hits = [hit('kill your self', 'bullying', 4, 26, 39), hit('kill yourself', 'bullying', 4, 26, 39)];
    const [folded] = foldHits(hits, new Set());
    expect(folded?.term).toBe('kill yourself');
    expect(folded?.terms.map((t) => t.term)).toEqual(['kill yourself', 'kill your self']);
  });

  it('lists each term and category once, and takes the context of the widest hit', () => {
    const hits = [hit('die', 'self-harm', 3, 10, 13), hit('die', 'self-harm', 3, 10, 13), hit('want to die', 'self-harm', 5, 2, 13)];
    const [folded] = foldHits(hits, new Set(['self-harm']));
    expect(folded?.terms).toEqual([
      { term: 'want to die', category: 'self-harm', severity: 5 },
      { term: 'die', category: 'self-harm', severity: 3 },
    ]);
    expect(folded?.context).toBe('ctx want to die');
    expect(foldHits([], new Set())).toEqual([]);
  });
});

describe('FoldedKeyStream', () => {
  function typeAll(m: typeof OVERLAPS, keys: readonly string[]): { at: number; folded: FoldedHit }[] {
    const ks = new FoldedKeyStream(m);
    const out: { at: number; folded: FoldedHit }[] = [];
    keys.forEach((k, i) => {
      for (const folded of ks.push(k)) out.push({ at: i, folded });
    });
    for (const folded of ks.endLine()) out.push({ at: keys.length, folded });
    return out;
  }

  it('holds "suicide" while "suicide note" can still complete, then reports one alert', () => {
    const keys = Array.from('a suicide note for');
    const got = typeAll(OVERLAPS, keys);
    expect(got.map((g) => g.folded.terms.map((x) => x.term))).toEqual([['suicide note', 'suicide']]);
    // reported as soon as the phrase cannot grow: at the "f" after "note "
    expect(got[0]?.at).toBe(keys.indexOf('f'));
  });

  it('reports a lone word as soon as no longer phrase over it is possible', () => {
    const keys = Array.from('suicide is');
    // at the "i": no term starts "suicide i"
    expect(typeAll(OVERLAPS, keys).map((g) => [g.folded.term, g.at])).toEqual([['suicide', keys.lastIndexOf('i')]]);
  });

  it('reset() and restart() report what was already found, and forget the rest', () => {
    const ks = new FoldedKeyStream(OVERLAPS);
    for (const k of 'join isis') ks.push(k);
    ks.push(' ');
    expect(ks.held).toBeGreaterThan(0);
    expect(ks.reset().map((f) => f.term)).toEqual(['join isis']);
    for (const k of 'send nud') ks.push(k);
    expect(ks.restart()).toEqual([]);
    expect(ks.position).toBe(0);
  });

  const PIECES = [
    'suicide',
    'note',
    'join',
    'isis',
    'and',
    'osiris',
    'send',
    'nudes',
    'slag',
    's.e.n.d',
    'n u d e s',
    'i',
    ' ',
    ' ',
    ' ',
    '.',
    '-',
    '\u200b',
    'x',
    '\n',
  ];
  const text = fc.array(fc.constantFrom(...PIECES), { maxLength: 25 }).map((p) => p.join(''));
  const key = (f: FoldedHit): string => `${f.start}:${f.end}:${f.term}:${f.category}:${f.severity}:${f.terms.map((x) => `${x.term}/${x.category}`).join(',')}`;

  it('typing a text key by key gives exactly the folded hits of scanning it', () => {
    for (const m of [OVERLAPS, compile(TEST_SOURCE)]) {
      fc.assert(
        fc.property(text, (s) => {
          const typed = typeAll(m, Array.from(s)).map((g) => key(g.folded));
          expect(typed).toEqual(scanFolded(m, s, 'typed').map(key));
        }),
        { numRuns: 400 },
      );
    }
  });

  it('no two results of one text overlap, and every hit of the text is in exactly one result', () => {
    fc.assert(
      fc.property(text, (s) => {
        const hits = scanText(OVERLAPS, s, 'typed');
        const folded = scanFolded(OVERLAPS, s, 'typed');
        for (let i = 1; i < folded.length; i++) expect((folded[i]?.start ?? 0) >= (folded[i - 1]?.end ?? 0)).toBe(true);
        for (const h of hits) {
          const owners = folded.filter((f) => f.start <= h.start && h.end <= f.end);
          expect(owners).toHaveLength(1);
          expect(owners[0]?.terms).toContainEqual({ term: h.term, category: h.category, severity: h.severity });
          expect(owners[0]?.severity).toBeGreaterThanOrEqual(h.severity);
        }
      }),
      { numRuns: 400 },
    );
  });
});

describe('folding with the real word lists', () => {
  const real = compile(REPO_WORDLISTS);

  it('gives one alert for each phrase of the issue', () => {
    for (const [text, primary, also] of [
      ['i found her suicide note', 'suicide note', 'suicide'],
      ['join isis', 'join isis', 'isis'],
      ['send nudes', 'send nudes', 'nudes'],
    ] as const) {
      const folded = scanFolded(real, text, 'typed');
      expect(
        folded.map((f) => f.term),
        text,
      ).toEqual([primary]);
      expect(
        folded[0]?.terms.map((x) => x.term),
        text,
      ).toContain(also);
    }
  });
});
