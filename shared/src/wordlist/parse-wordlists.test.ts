import { describe, expect, it } from 'vitest';
import { mergeWordlist } from './merge-wordlist.ts';
import { parseWordlistFiles } from './parse-wordlists.ts';
import { utf8Encode } from '../protocol/text-codec.ts';
import type { LoadResult, WordlistFile } from './wordlist-result.ts';

const file = (name: string, ...lines: string[]): WordlistFile => ({ name, bytes: utf8Encode(lines.join('\n')) });

const CATEGORIES = file(
  'categories.tsv',
  'id\tlabel\tseverity\trestricted',
  '# comment',
  'self-harm\tSelf-harm & suicide\t4\tyes',
  'bullying\tBullying\t3\tno',
);
const ALLOW = file('allow.tsv', 'term\tnote', 'scunthorpe\t"cunt"', '', 'skill');
const SELF_HARM = file('self-harm.tsv', 'term\tcategory\tseverity\tmatch\tnote', 'kill myself\tself-harm\t5\tphrase\tintent', 'kms\tself-harm\t4\tword');
const BULLYING = file('bullying.tsv', 'term\tcategory\tseverity\tmatch', 'cunt\tbullying\t3\tsubstring', 'loser\tbullying\t\t');

function errorsOf(result: LoadResult): Array<[string, number, string]> {
  return result.ok ? [] : result.errors.map((e) => [e.file, e.line, e.code]);
}

describe('parseWordlistFiles', () => {
  it('loads a folder: categories, allow-list and every term file together', () => {
    const result = parseWordlistFiles([SELF_HARM, ALLOW, BULLYING, CATEGORIES]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.categories.map((c) => c.id)).toEqual(['self-harm', 'bullying']);
    expect(result.value.categories[0]).toEqual({ id: 'self-harm', label: 'Self-harm & suicide', severity: 4, restricted: true });
    expect(result.value.terms).toContainEqual({ term: 'kill myself', category: 'self-harm', severity: 5, match: 'phrase' });
    expect(result.value.allow).toEqual(['scunthorpe', 'skill']);
    expect(result.value.version).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives an empty severity the category default and an empty match kind "word"', () => {
    const result = parseWordlistFiles([CATEGORIES, BULLYING]);
    expect(result.ok && result.value.terms.find((t) => t.term === 'loser')).toEqual({ term: 'loser', category: 'bullying', severity: 3, match: 'word' });
  });

  it('computes the same version whatever the file order or layout', () => {
    const a = parseWordlistFiles([CATEGORIES, ALLOW, SELF_HARM, BULLYING]);
    const b = parseWordlistFiles([BULLYING, SELF_HARM, ALLOW, CATEGORIES]);
    const c = parseWordlistFiles([
      CATEGORIES,
      ALLOW,
      BULLYING,
      file('self-harm.tsv', 'term\tcategory\tseverity\tmatch\tnote', '# reordered', 'kms\tself-harm\t4\tword', 'kill myself\tself-harm\t5\tphrase\tother note'),
    ]);
    expect(a.ok && b.ok && c.ok).toBe(true);
    if (a.ok && b.ok && c.ok) {
      expect(b.value.version).toBe(a.value.version);
      expect(c.value.version).toBe(a.value.version);
    }
    const d = parseWordlistFiles([CATEGORIES, ALLOW, BULLYING, file('self-harm.tsv', 'term\tcategory\tseverity\tmatch', 'kms\tself-harm\t5\tword')]);
    expect(d.ok && a.ok && d.value.version !== a.value.version).toBe(true);
  });

  it('names file and line for every error and loads nothing', () => {
    const bad = file(
      'bad.tsv',
      'term\tcategory\tseverity\tmatch',
      'x1\tnope\t3\tword',
      'x2\tbullying\t6\tword',
      'x3\tbullying\t3\tfuzzy',
      'x4\tbullying\t3',
      '\tbullying\t3\tword',
      'x6\tbullying\t3\tword\tnote\textra',
      '!!!\tbullying\t3\tword',
      `${'y'.repeat(201)}\tbullying\t3\tword`,
    );
    expect(errorsOf(parseWordlistFiles([CATEGORIES, bad]))).toEqual([
      ['bad.tsv', 2, 'unknown-category'],
      ['bad.tsv', 3, 'bad-severity'],
      ['bad.tsv', 4, 'bad-match'],
      ['bad.tsv', 5, 'column-count'],
      ['bad.tsv', 6, 'empty-term'],
      ['bad.tsv', 7, 'column-count'],
      ['bad.tsv', 8, 'unusable-term'],
      ['bad.tsv', 9, 'term-too-long'],
    ]);
  });

  it('rejects a duplicate term (after normalisation) in the same category across files', () => {
    const other = file('more.tsv', 'term\tcategory\tseverity\tmatch', 'K I L L  myself\tself-harm\t4\tphrase', 'kill myself\tbullying\t3\tphrase');
    const result = parseWordlistFiles([CATEGORIES, SELF_HARM, other]);
    expect(errorsOf(result)).toEqual([['self-harm.tsv', 2, 'duplicate-term']]);
    expect(result.ok ? '' : result.errors[0]?.message).toContain('more.tsv:2');
  });

  it('rejects bad UTF-8 naming the line', () => {
    const latin1: WordlistFile = { name: 'latin1.tsv', bytes: Uint8Array.from([...utf8Encode('term\tcategory\tseverity\tmatch\ncaf'), 0xe9, 0x0a]) };
    expect(errorsOf(parseWordlistFiles([CATEGORIES, latin1]))).toEqual([['latin1.tsv', 2, 'bad-utf8']]);
    const lastLine: WordlistFile = {
      name: 'last.tsv',
      bytes: Uint8Array.from([...utf8Encode('term\tcategory\tseverity\tmatch\n\nok\tbullying\t3\tword\ncaf'), 0xe9]),
    };
    expect(errorsOf(parseWordlistFiles([CATEGORIES, lastLine]))).toEqual([['last.tsv', 4, 'bad-utf8']]);
  });

  it('rejects a wrong header', () => {
    expect(errorsOf(parseWordlistFiles([CATEGORIES, file('x.tsv', 'term\tseverity\tcategory\tmatch', 'a\t1\tbullying\tword')]))).toEqual([
      ['x.tsv', 1, 'bad-header'],
    ]);
    expect(errorsOf(parseWordlistFiles([CATEGORIES, file('allow.tsv', 'word\tnote')]))).toEqual([['allow.tsv', 1, 'bad-header']]);
  });

  it('checks categories.tsv', () => {
    const cats = file(
      'categories.tsv',
      'id\tlabel\tseverity\trestricted',
      'Bad Id\tx\t3\tno',
      'ok-id\t\t3\tno',
      'ok-two\tx\t0\tno',
      'ok-three\tx\t3\tmaybe',
      'ok-two\tx\t3\tno',
    );
    expect(errorsOf(parseWordlistFiles([cats]))).toEqual([
      ['categories.tsv', 2, 'bad-category-id'],
      ['categories.tsv', 3, 'bad-label'],
      ['categories.tsv', 4, 'bad-severity'],
      ['categories.tsv', 5, 'bad-restricted'],
    ]);
  });

  it('single-file mode: categories are taken as named, restricted only for known sensitive ids', () => {
    const single = file(
      'custom.tsv',
      'term\tcategory\tseverity\tmatch',
      'kill myself\tself-harm\t5\tphrase',
      'kms\tself-harm\t3\tword',
      'vpn\tcircumvention\t2\tsubstring',
      'nordvpn\tallow\t\t',
    );
    const result = parseWordlistFiles([single]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.categories).toEqual([
      { id: 'circumvention', label: 'circumvention', severity: 2, restricted: false },
      { id: 'self-harm', label: 'self-harm', severity: 5, restricted: true },
    ]);
    expect(result.value.allow).toEqual(['nordvpn']);
  });

  it('single-file mode still needs valid category ids and explicit severities', () => {
    const single = file('custom.tsv', 'term\tcategory\tseverity\tmatch', 'a1\tNot Valid\t2\tword', 'a2\tfine\t\tword');
    expect(errorsOf(parseWordlistFiles([single]))).toEqual([
      ['custom.tsv', 2, 'bad-category-id'],
      ['custom.tsv', 3, 'bad-severity'],
    ]);
  });

  it('accepts CRLF line ends and a byte-order mark', () => {
    const crlf: WordlistFile = {
      name: 'w.tsv',
      bytes: Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8Encode('term\tcategory\tseverity\tmatch\r\ndie\tx-y\t3\tword\r\n')]),
    };
    const result = parseWordlistFiles([crlf]);
    expect(result.ok && result.value.terms).toEqual([{ term: 'die', category: 'x-y', severity: 3, match: 'word' }]);
  });

  it('reports an empty load', () => {
    expect(errorsOf(parseWordlistFiles([]))).toEqual([['', 0, 'no-files']]);
  });
});

describe('mergeWordlist', () => {
  const base = parseWordlistFiles([CATEGORIES, ALLOW, SELF_HARM, BULLYING]);
  if (!base.ok) throw new Error('fixture must load');

  it('adds custom terms and allow words, replacing a list term of the same normal form and category', () => {
    const merged = mergeWordlist(base.value, {
      terms: [
        { term: 'KMS', category: 'self-harm', severity: 2, match: 'word' },
        { term: 'unalive', category: 'self-harm', severity: 4, match: 'word' },
      ],
      allow: ['kmsl'],
    });
    expect(merged.ok).toBe(true);
    if (!merged.ok) return;
    expect(merged.value.terms.filter((t) => t.category === 'self-harm').map((t) => [t.term, t.severity])).toEqual([
      ['kill myself', 5],
      ['KMS', 2],
      ['unalive', 4],
    ]);
    expect(merged.value.allow).toContain('kmsl');
    expect(merged.value.version).not.toBe(base.value.version);
  });

  it('rejects custom terms in unknown categories', () => {
    const merged = mergeWordlist(base.value, { terms: [{ term: 'x', category: 'nope', severity: 2, match: 'word' }] });
    expect(errorsOf(merged)).toEqual([['custom', 1, 'unknown-category']]);
  });

  it('gives the same version when nothing is added', () => {
    const merged = mergeWordlist(base.value, {});
    expect(merged.ok && merged.value.version).toBe(base.value.version);
  });
});
