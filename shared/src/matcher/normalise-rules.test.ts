import { describe, expect, it } from 'vitest';
import { mapConfusables } from './confusables.ts';
import { classifyCodePoint, foldCase, foldCompat, isApostrophe, isInvisible, isLineBreak, leetLetter } from './normalise-rules.ts';
import { termKeyer } from './term-patterns.ts';
import { visitPercentDecoded } from './url-decode.ts';

/** The normal form as the matcher sees it (repeated letters shown up to three times). */
const norm = (text: string): string => termKeyer([text])(text);

describe('rule: NFKC compatibility folding', () => {
  it('folds fullwidth, mathematical, circled and ligature forms to plain letters', () => {
    expect(foldCompat('ｋｉｌｌ')).toBe('kill');
    expect(foldCompat('𝐤𝐢𝐥𝐥 𝓀𝒾𝓁𝓁 𝔨𝔦𝔩𝔩')).toBe('kill kill kill');
    expect(foldCompat('ⓚⓘⓛⓛ')).toBe('kill');
    expect(foldCompat('ﬁre')).toBe('fire');
  });

  it('strips accents and other combining marks', () => {
    expect(foldCompat('kíll dïé')).toBe('kill die');
    expect(foldCompat('k\u0336i\u0336l\u0336l\u0336')).toBe('kill'); // strike-through "zalgo"
  });
});

describe('rule: case folding', () => {
  it('lower-cases, folds ß to ss and maps dotless i', () => {
    expect(foldCase('KILL Myself')).toBe('kill myself');
    expect(foldCase('STRAẞE')).toBe('strasse');
    expect(foldCase('kıll')).toBe('kill');
  });
});

describe('rule: confusable letters', () => {
  it('maps Cyrillic look-alikes to Latin', () => {
    expect(mapConfusables('kіll')).toBe('kill'); // U+0456
    expect(mapConfusables('рorn')).toBe('porn'); // U+0440
    expect(mapConfusables('АSS')).toBe('aSS'); // U+0410
  });

  it('maps Greek look-alikes by case: capital Eta looks like H, small eta like n', () => {
    expect(foldCase('ΗΕΙL')).toBe('heil');
    expect(foldCase('κιλλ')).not.toBe('kill'); // λ is not a look-alike for l
    expect(foldCase('αss')).toBe('ass');
    expect(foldCase('ηo')).toBe('no');
  });

  it('maps small capitals and regional indicator symbols', () => {
    expect(norm('ᴋɪʟʟ')).toBe('kill');
    expect(norm('🇰🇮🇱🇱')).toBe('kill');
  });

  it('keeps letters of other scripts as letters that match only themselves', () => {
    expect(norm('жопа')).toBe('жoпa'.replace('п', 'n')); // п → n, ж stays
    expect(classifyCodePoint('ж'.codePointAt(0) ?? 0)).toEqual({ kind: 'letters', letters: 'ж' });
  });
});

describe('rule: leet-speak', () => {
  it('gives each leet character its letter', () => {
    expect(leetLetter('0')?.letter).toBe('o');
    expect(leetLetter('3')?.letter).toBe('e');
    expect(leetLetter('4')?.letter).toBe('a');
    expect(leetLetter('5')?.letter).toBe('s');
    expect(leetLetter('7')?.letter).toBe('t');
    expect(leetLetter('8')?.letter).toBe('b');
    expect(leetLetter('@')?.letter).toBe('a');
    expect(leetLetter('$')?.letter).toBe('s');
    expect(leetLetter('|')?.letter).toBe('l');
    expect(leetLetter('!')).toEqual({ letter: 'i', needsLetterAfter: true });
    expect(leetLetter('2')).toBeUndefined();
  });

  it('reads leet inside words that have letters', () => {
    expect(norm('h3ll0 n00b')).toBe('hello noob');
    expect(norm('$ex @ss')).toBe('sex ass');
    expect(norm('sh!t')).toBe('shit');
  });

  it('keeps 1 as its own symbol, standing for i or l', () => {
    expect(norm('k1ll')).toBe('k1ll');
    expect(norm('ki||')).toBe('kill');
  });

  it('leaves numbers alone: no letters in the word, or a digit without a leet reading in the run', () => {
    expect(norm('100% of 1488')).toBe('100 of 1488');
    expect(norm('2nd')).toBe('2 nd');
    expect(norm('abc123 1990s 20games')).toBe('abc 123 1990 s 20 games');
  });

  it('reads ! as i only when a letter follows it', () => {
    expect(norm('die!')).toBe('die');
    expect(norm('die!!! now')).toBe('die now');
  });
});

describe('rule: invisible characters', () => {
  it('recognises zero-width, bidi, soft hyphen, variation selectors and tags', () => {
    for (const cp of [0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2060, 0x2064, 0xfeff, 0x00ad, 0xfe0f, 0xe0041, 0x202e]) {
      expect(isInvisible(cp)).toBe(true);
    }
    expect(isInvisible(0x20)).toBe(false);
  });

  it('drops them without breaking the word', () => {
    expect(norm('k\u200bi\u200dl\u00adl\ufeff')).toBe('kill');
    expect(norm('di\u0301e')).toBe('die');
  });
});

describe('rule: apostrophes', () => {
  it('drops straight and curly apostrophes so "don\'t", "don’t" and "dont" read alike', () => {
    expect(isApostrophe("'".codePointAt(0) ?? 0)).toBe(true);
    expect(norm("don't")).toBe('dont');
    expect(norm('don’t')).toBe('dont');
    expect(norm("'die'")).toBe('die');
  });
});

describe('rule: repeated letters', () => {
  it('collapses a run of one letter, remembering single, double and longer runs', () => {
    expect(norm('dieeeeee')).toBe('dieee');
    expect(norm('kill')).toBe('kill');
    expect(norm('kiiiiilllll')).toBe('kiiilll');
  });

  it('does not collapse digits', () => {
    expect(norm('1488 88')).toBe('1488 88');
  });
});

describe('rule: separators between single letters', () => {
  it('bridges spaces, dots, dashes and mixed runs of up to three separators', () => {
    expect(norm('k i l l')).toBe('kill');
    expect(norm('k.i.l.l')).toBe('kill');
    expect(norm('k-i-l-l myself')).toBe('kill myself');
    expect(norm('k . i . l . l')).toBe('kill');
  });

  it('keeps ordinary words apart', () => {
    expect(norm('a cat is a pet')).toBe('a cat is a pet');
    expect(norm('k    i')).toBe('k i'); // four separators: not bridged
  });

  it('never bridges address separators (/ ? = & #)', () => {
    expect(norm('?q=i+hate')).toBe('q i hate');
    expect(norm('a/b?c=d&e#f')).toBe('a b c d e f');
    expect(norm('k.i/l.l')).toBe('ki ll');
    expect(norm('s.e.n.d n.u.d.e.s')).toBe('sendnudes'); // phrase patterns join their words to match this
  });
});

describe('rule: URL decoding', () => {
  const decode = (url: string, plus = true): string => {
    let out = '';
    visitPercentDecoded(url, plus, (cp) => (out += String.fromCodePoint(cp)));
    return out;
  };

  it('percent-decodes (UTF-8 too) and reads + as a space', () => {
    expect(decode('unblocked%20games+66')).toBe('unblocked games 66');
    expect(decode('caf%C3%A9')).toBe('café');
    expect(decode('a+b', false)).toBe('a+b');
  });

  it('leaves broken escapes as they are', () => {
    expect(decode('100%')).toBe('100%');
    expect(decode('%zz%C3')).toBe('%zz%C3');
    expect(decode('%25zz%25')).toBe('%zz%');
  });

  it("undoes one level of double encoding, keeping each character's span", () => {
    expect(decode('send%2520nudes')).toBe('send nudes');
    expect(decode('caf%25C3%25A9 %2541')).toBe('café A');
    expect(decode('%252520')).toBe('%20'); // only one level
    const spans: Array<[number, number]> = [];
    visitPercentDecoded('a%2520b', false, (_cp, s, e) => spans.push([s, e]));
    expect(spans).toEqual([
      [0, 1],
      [1, 6],
      [6, 7],
    ]);
  });

  it('reports each decoded character with its span in the original', () => {
    const spans: Array<[number, number]> = [];
    visitPercentDecoded('a%20b%C3%A9', false, (_cp, s, e) => spans.push([s, e]));
    expect(spans).toEqual([
      [0, 1],
      [1, 4],
      [4, 5],
      [5, 11],
    ]);
  });

  it('word-splits on URL punctuation', () => {
    expect(norm('unblocked-games_66.github.io/?page=proxy&id=top')).toBe('unblocked games 66 github io page proxy id top');
  });
});

describe('rule: line breaks', () => {
  it('treats newline, carriage return, tab and Unicode line separators as line ends', () => {
    for (const ch of ['\n', '\r', '\t', '\u2028', '\u2029']) expect(isLineBreak(ch.codePointAt(0) ?? 0)).toBe(true);
    expect(isLineBreak(32)).toBe(false);
  });
});
