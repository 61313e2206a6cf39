import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadWordlists, mergeWordlist } from './wordlist-files.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-wordlists-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEADER = 'term\tcategory\tseverity\tmatch\n';

describe('loadWordlists', () => {
  it('loads every .tsv in a folder, ignoring sub-folders and other files', async () => {
    await writeFile(join(dir, 'categories.tsv'), 'id\tlabel\tseverity\trestricted\nbullying\tBullying\t3\tno\n');
    await writeFile(join(dir, 'a.tsv'), `${HEADER}loser\tbullying\t2\tword\n`);
    await writeFile(join(dir, 'b.tsv'), `${HEADER}idiot\tbullying\t2\tword\n`);
    await writeFile(join(dir, 'README.md'), 'not a list');
    await mkdir(join(dir, 'fixtures'));
    await writeFile(join(dir, 'fixtures', 'x.tsv'), 'garbage');
    const result = await loadWordlists(dir);
    expect(result.ok && result.value.terms.map((t) => t.term)).toEqual(['loser', 'idiot']);
  });

  it('loads a single .tsv file in single-file mode', async () => {
    const file = join(dir, 'mine.tsv');
    await writeFile(file, `${HEADER}kms\tself-harm\t4\tword\nvpn\tcircumvention\t2\tsubstring\n`);
    const result = await loadWordlists(file);
    expect(result.ok && result.value.categories.map((c) => c.id)).toEqual(['circumvention', 'self-harm']);
  });

  it('loads nothing when one file is invalid, naming file and line', async () => {
    await writeFile(join(dir, 'categories.tsv'), 'id\tlabel\tseverity\trestricted\nbullying\tBullying\t3\tno\n');
    await writeFile(join(dir, 'good.tsv'), `${HEADER}loser\tbullying\t2\tword\n`);
    await writeFile(join(dir, 'bad.tsv'), `${HEADER}# fine\nidiot\tbulying\t2\tword\n`);
    const result = await loadWordlists(dir);
    expect(result).toEqual({
      ok: false,
      errors: [{ file: 'bad.tsv', line: 3, code: 'unknown-category', message: expect.stringContaining('bulying') as unknown as string }],
    });
  });

  it('reports a missing path, an empty folder and a file that is not .tsv', async () => {
    expect(await loadWordlists(join(dir, 'missing'))).toMatchObject({ ok: false, errors: [{ code: 'read-failed' }] });
    expect(await loadWordlists(dir)).toMatchObject({ ok: false, errors: [{ code: 'no-files' }] });
    await writeFile(join(dir, 'list.txt'), HEADER);
    expect(await loadWordlists(join(dir, 'list.txt'))).toMatchObject({ ok: false, errors: [{ code: 'read-failed' }] });
  });

  it('merges custom entries into a loaded list', async () => {
    const file = join(dir, 'mine.tsv');
    await writeFile(file, `${HEADER}kms\tself-harm\t4\tword\n`);
    const base = await loadWordlists(file);
    if (!base.ok) throw new Error('fixture must load');
    const merged = mergeWordlist(base.value, { terms: [{ term: 'unalive', category: 'self-harm', severity: 4, match: 'word' }] });
    expect(merged.ok && merged.value.terms.map((t) => t.term)).toEqual(['kms', 'unalive']);
  });
});
