import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';
import { REPO_WORDLISTS } from './fixtures/repo-wordlists.ts';
import { TEST_SOURCE } from './fixtures/test-lists.ts';
import type { HitSource } from './hits.ts';
import { scanText } from './scan-text.ts';

const matcher = compile(TEST_SOURCE);

const found = (text: string, source: HitSource = 'typed'): string[] => scanText(matcher, text, source).map((h) => h.term);
const spans = (text: string, source: HitSource = 'typed'): Array<[string, number, number]> =>
  scanText(matcher, text, source).map((h) => [h.term, h.start, h.end]);

describe('obfuscated terms are found', () => {
  it('leet-speak: "k1ll mys3lf"', () => {
    expect(spans('i will k1ll mys3lf')).toEqual([
      ['kill', 7, 11],
      ['kill myself', 7, 18],
    ]);
  });

  it('spaced and dotted letters: "k i l l myself", "k.i.l.l"', () => {
    expect(spans('k i l l myself')).toContainEqual(['kill myself', 0, 14]);
    expect(found('k.i.l.l')).toEqual(['kill']);
  });

  it('stretched letters: "dieeee", "kiiiiilllll"', () => {
    expect(spans('i want to dieeee')).toEqual([['die', 10, 16]]);
    expect(found('kiiiiilllll')).toEqual(['kill']);
  });

  it('Cyrillic look-alike: "kіll" with U+0456', () => {
    expect(spans('kіll')).toEqual([['kill', 0, 4]]);
  });

  it('zero-width characters inside the word', () => {
    expect(spans('k\u200bi\u200cl\u200dl')).toEqual([['kill', 0, 7]]);
  });

  it('fullwidth and mathematical letters, with offsets in UTF-16 units', () => {
    expect(spans('ｋｉｌｌ')).toEqual([['kill', 0, 4]]);
    expect(spans('𝐤𝐢𝐥𝐥 now')).toEqual([['kill', 0, 8]]);
  });

  it('URLs: "unblocked%20games", "unblocked-games", "unblockedgames66"', () => {
    expect(spans('https://example.com/unblocked%20games', 'url')).toEqual([['unblocked games', 20, 37]]);
    expect(found('https://unblocked-games.example', 'url')).toEqual(['unblocked games']);
    expect(spans('https://unblockedgames66.github.io', 'url')).toEqual([['unblocked games', 8, 22]]);
    expect(found('search?q=unblocked+games', 'url')).toEqual(['unblocked games']);
  });

  it('substring terms match inside words and domains', () => {
    expect(found('www.freeporn.example', 'url')).toEqual(['porn']);
    expect(found('best 4chan threads', 'title')).toEqual(['4chan']);
  });

  it('phrases match across any punctuation: "pro-ana", "pro.ana"', () => {
    expect(found('pro-ana tips')).toEqual(['pro ana']);
    expect(found('PRO . ANA')).toEqual(['pro ana']);
  });

  it('number terms match numbers, not letters that share the leet reading', () => {
    expect(found('1488')).toEqual(['1488']);
    expect(found('iabb')).toEqual([]);
  });

  it('terms in other scripts match themselves', () => {
    expect(found('ты жопа')).toEqual(['жопа']);
  });
});

describe('innocent words do not fire', () => {
  it.each(['Scunthorpe United', 'Assassin’s Creed', 'the school therapist', 'skills and skill', 'a cocktail', 'grapes', 'peacock'])('%s', (text) =>
    expect(found(text)).toEqual([]),
  );

  it('whole-word terms do not fire inside longer words', () => {
    expect(found('class passes bass assume')).toEqual([]);
    expect(found('diet died studies')).toEqual([]);
    expect(found('skilled killer')).toEqual([]);
  });

  it('a term with a doubled letter needs the double: "as" is not "ass", "niger" is not the slur', () => {
    expect(found('as fast as you can')).toEqual([]);
    expect(found('Niger and Nigeria')).toEqual([]);
    expect(found('a s s')).toEqual(['ass']);
    expect(found('k k k')).toEqual(['kkk']);
    expect(found('kk')).toEqual([]);
  });

  it('an allow-list phrase suppresses only the hit inside it', () => {
    expect(found('farmers grow oilseed rape')).toEqual([]);
    expect(spans('oilseed rape is not rape')).toEqual([['rape', 20, 24]]);
  });

  it('a substring hit inside an allow word is suppressed even when the allow word ends later', () => {
    expect(found('poorness')).toEqual([]);
    expect(found('porn')).toEqual(['porn']);
    expect(found('poor porn')).toEqual(['porn']);
  });

  it('numbers stay numbers: "100%", "2nd", "1990s"', () => {
    expect(found('100% of the 2nd years in the 1990s')).toEqual([]);
  });
});

describe('hits', () => {
  it('carry category, severity, source, span and a context of at most 120 characters', () => {
    const text = `${'x'.repeat(200)} I want to kill myself ${'y'.repeat(200)}`;
    const [hit] = scanText(matcher, text, 'title').filter((h) => h.term === 'kill myself');
    expect(hit).toMatchObject({ term: 'kill myself', category: 'self-harm', severity: 5, source: 'title', start: 211, end: 222 });
    expect(hit?.context.length).toBeLessThanOrEqual(120);
    expect(hit?.context).toContain('kill myself');
  });

  it('a term listed in two categories reports a hit in each', () => {
    const m = compile({
      ...TEST_SOURCE,
      terms: [...TEST_SOURCE.terms, { term: 'kill', category: 'self-harm', severity: 2, match: 'word' }],
    });
    expect(
      scanText(m, 'kill', 'typed')
        .map((h) => h.category)
        .sort(),
    ).toEqual(['self-harm', 'violence']);
  });

  it('line breaks end a phrase', () => {
    expect(found('kill\nmyself')).toEqual(['kill']);
  });
});

describe('phrases a pupil cannot dodge (word lists of the repository)', () => {
  const real = compile(REPO_WORDLISTS);
  const terms = (text: string, source: HitSource = 'typed'): string[] => [...new Set(scanText(real, text, source).map((h) => h.term))].sort();

  it.each([
    ['letter-spaced words', 's.e.n.d n.u.d.e.s'],
    ['spaces between letters, more between words', 's e n d   n u d e s'],
    ['hyphens between letters', 's-e-n-d n-u-d-e-s'],
    ['joined', 'sendnudes'],
    ['zero-width between the words', 'send\u200bnudes'],
    ['zero-width inside and between', 's\u200ben\u200dd\u2060nudes'],
    ['one word spelt out', 'send n.u.d.e.s'],
    ['the other word spelt out', 's e n d nudes'],
  ])('%s: %s', (_what, text) => {
    expect(terms(text)).toContain('send nudes');
  });

  it('partly joined phrases, and a single-letter word next to a spelt-out one', () => {
    expect(terms('i really wantto die')).toContain('want to die');
    expect(terms('w.a.n.t to\u200bdie')).toContain('want to die');
    expect(terms('jump o.f.f a c.l.i.f.f')).toContain('jump off a cliff');
  });

  it('URLs: percent-encoded, +, double-encoded, and a query key before a one-letter word', () => {
    expect(terms('https://www.google.com/search?q=i+hate+myself', 'url')).toContain('i hate myself');
    expect(terms('https://www.google.com/search?q=i%20hate%20myself&hl=en', 'url')).toContain('i hate myself');
    expect(terms('https://x.example/search?q=join%2520isis', 'url')).toContain('join isis');
    expect(terms('https://x.example/?q=send%2Bnudes', 'url')).toContain('send nudes');
  });

  it('domain names: a term as a label or part of one, a phrase joined in a label', () => {
    expect(terms('https://buy-drugs-now.example/', 'url')).toContain('buy drugs');
    expect(terms('https://sendnudes.example.com/', 'url')).toContain('send nudes');
    expect(terms('https://freesendnudesnow.example/', 'url')).toContain('send nudes');
    expect(terms('https://www.joinisis.example/', 'url')).toContain('join isis');
    expect(terms('https://isis.example/', 'url')).toContain('isis');
  });

  it('a phrase run together inside a longer word is an address rule only, not for typed text', () => {
    expect(terms('freesendnudesnow')).toEqual([]);
    expect(terms('freesendnudesnow', 'title')).toContain('send nudes');
  });

  it('single words still do not fire inside other words', () => {
    for (const text of ['crisis', 'analysis', 'crisis analysis', 'goodie bags', 'therapist', 'Scunthorpe', 'classic assassin']) {
      expect(terms(text), text).toEqual([]);
      expect(terms(`https://www.${text.replace(/ /g, '')}.example/`, 'url'), text).toEqual([]);
    }
  });
});

describe('compile', () => {
  it('reports terms that can never match', () => {
    const m = compile({ categories: [], terms: [{ term: '!!!', category: 'x-y', severity: 1, match: 'word' }], allow: [] });
    expect(m.stats.unusable).toEqual(['!!!']);
  });

  it('handles 50,000 terms', () => {
    const terms = Array.from({ length: 50_000 }, (_, i) => ({
      term: `w${i.toString(36)}q${(i * 7919).toString(36)}`,
      category: 'bulk',
      severity: 1,
      match: 'word' as const,
    }));
    const m = compile({ categories: [], terms, allow: [] });
    expect(m.stats.terms).toBe(50_000);
    expect(scanText(m, `hello ${terms[12_345]?.term ?? ''} there`, 'typed').map((h) => h.term)).toEqual([terms[12_345]?.term]);
  });
});

describe('doubled letters in phrases', () => {
  it('a phrase of several words matches with a doubled letter typed single', () => {
    expect(found('i will kil myself')).toEqual(['kill myself']);
  });

  it('a single word still needs its doubled letters', () => {
    expect(found('kil')).toEqual([]);
  });
});
