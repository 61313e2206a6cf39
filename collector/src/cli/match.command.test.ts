// `vigil match` as the evaluation corpus runs it: a real child process, JSON lines in and out.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const cliMain = join(repoRoot, 'collector/src/cli/main.ts');

let dir: string;
let folder: string;
let single: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-match-'));
  folder = join(dir, 'lists');
  await mkdir(folder);
  await writeFile(
    join(folder, 'categories.tsv'),
    'id\tlabel\tseverity\trestricted\nself-harm\tSelf-harm\t4\tyes\nbullying\tBullying\t3\tno\ncircumvention\tCircumvention\t2\tno\n',
  );
  await writeFile(join(folder, 'allow.tsv'), 'term\tnote\nscunthorpe\tcunt\n');
  await writeFile(
    join(folder, 'terms.tsv'),
    'term\tcategory\tseverity\tmatch\nkill myself\tself-harm\t5\tphrase\ndie\tself-harm\t3\tword\ncunt\tbullying\t3\tsubstring\nunblocked games\tcircumvention\t2\tsubstring\n',
  );
  single = join(dir, 'single.tsv');
  await writeFile(single, 'term\tcategory\tseverity\tmatch\nkms\tself-harm\t4\tword\nvpn\tcircumvention\t2\tsubstring\n');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function runCli(args: string[], input: string, command = process.execPath, prefix = [cliMain, 'match']): Promise<Run> {
  const child = spawn(command, [...prefix, ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

const lines = (...objs: unknown[]): string => objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';
const parse = (out: string): unknown[] =>
  out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);

describe('vigil match', () => {
  it('writes one line of hits per input line, in order', async () => {
    const run = await runCli(
      ['--wordlists', folder],
      lines(
        { id: 'a', text: 'i want to k1ll mys3lf', source: 'typed' },
        { id: 'b', text: 'Scunthorpe United - BBC Sport', source: 'title' },
        { id: 'c', text: 'https://example.org/unblocked%20games', source: 'url' },
        { id: 'd', text: 'you absolute cunt', source: 'title' },
      ),
    );
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(parse(run.stdout)).toEqual([
      { id: 'a', hits: [{ term: 'kill myself', category: 'self-harm', severity: 5, start: 10, end: 21 }] },
      { id: 'b', hits: [] },
      { id: 'c', hits: [{ term: 'unblocked games', category: 'circumvention', severity: 2, start: 20, end: 37 }] },
      { id: 'd', hits: [{ term: 'cunt', category: 'bullying', severity: 3, start: 13, end: 17 }] },
    ]);
  });

  it('feeds typed text key by key with U+0008 as Backspace; offsets are in the visible text', async () => {
    const run = await runCli(
      ['--wordlists', folder],
      lines(
        { id: 1, text: 'kilx\bl myself', source: 'typed' },
        { id: 2, text: 'i could dir\be', source: 'typed' },
        { id: 3, text: 'line one\ndie', source: 'typed' },
      ),
    );
    expect(parse(run.stdout)).toEqual([
      { id: 1, hits: [{ term: 'kill myself', category: 'self-harm', severity: 5, start: 0, end: 11 }] },
      { id: 2, hits: [{ term: 'die', category: 'self-harm', severity: 3, start: 8, end: 11 }] },
      { id: 3, hits: [{ term: 'die', category: 'self-harm', severity: 3, start: 9, end: 12 }] },
    ]);
  });

  it('answers a malformed line with an error and carries on; blank lines are skipped', async () => {
    const run = await runCli(
      ['--wordlists', folder],
      lines('{not json', '', { id: 'x', text: 5, source: 'typed' }, { id: 'y', text: 'die', source: 'email' }, '   ', {
        id: 'z',
        text: 'die',
        source: 'typed',
      }),
    );
    expect(run.code).toBe(0);
    const out = parse(run.stdout) as Array<{ id: unknown; error?: string; hits?: unknown[] }>;
    expect(out.map((o) => [o.id, o.error === undefined ? 'hits' : 'error'])).toEqual([
      [null, 'error'],
      ['x', 'error'],
      ['y', 'error'],
      ['z', 'hits'],
    ]);
    expect(out[1]?.error).toContain('text');
    expect(out[3]?.hits).toHaveLength(1);
  });

  it('loads a single .tsv file that mixes categories', async () => {
    const run = await runCli(['--wordlists', single], lines({ id: 's', text: 'kms, get nordvpn', source: 'typed' }));
    expect(parse(run.stdout)).toEqual([
      {
        id: 's',
        hits: [
          { term: 'kms', category: 'self-harm', severity: 4, start: 0, end: 3 },
          { term: 'vpn', category: 'circumvention', severity: 2, start: 13, end: 16 },
        ],
      },
    ]);
  });

  it('exits 2 naming file and line when the word list is invalid, with nothing on stdout', async () => {
    const bad = join(dir, 'bad.tsv');
    await writeFile(bad, 'term\tcategory\tseverity\tmatch\nok\tx-y\t3\tword\nbroken\tx-y\t9\tword\n');
    const run = await runCli(['--wordlists', bad], lines({ id: 'a', text: 'ok', source: 'typed' }));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad.tsv:3');
    expect(run.stderr).toContain('bad-severity');
  });

  it('exits 2 without --wordlists or with a missing path', async () => {
    expect((await runCli([], '')).code).toBe(2);
    const missing = await runCli(['--wordlists', join(dir, 'nope')], '');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope');
  });

  it('streams: answers each line before stdin is closed', async () => {
    const child = spawn(process.execPath, [cliMain, 'match', '--wordlists', folder], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
    const out = createInterface({ input: child.stdout });
    const answers = out[Symbol.asyncIterator]();
    for (let i = 0; i < 3; i++) {
      child.stdin.write(`${JSON.stringify({ id: `n${i}`, text: 'die', source: 'typed' })}\n`);
      const { value } = (await answers.next()) as { value: string };
      expect(JSON.parse(value)).toMatchObject({ id: `n${i}` });
    }
    child.stdin.end();
    await once(child, 'close');
  });

  it('handles 100,000 lines', async () => {
    const input = Array.from({ length: 100_000 }, (_, i) =>
      JSON.stringify({ id: `${i}`, text: i % 2 === 0 ? `line ${i} i want to dieee` : `https://site${i}.example/page`, source: i % 2 === 0 ? 'typed' : 'url' }),
    ).join('\n');
    const run = await runCli(['--wordlists', folder], input);
    expect(run.code).toBe(0);
    const out = run.stdout.trimEnd().split('\n');
    expect(out).toHaveLength(100_000);
    expect(JSON.parse(out[99_998] ?? '')).toMatchObject({ id: '99998', hits: [{ term: 'die' }] });
    expect(JSON.parse(out[99_999] ?? '')).toEqual({ id: '99999', hits: [] });
  }, 120_000);

  it('runs through `pnpm --silent vigil match` with nothing else on stdout', async () => {
    const run = await runCli(['--wordlists', folder], lines({ id: 'p', text: 'die', source: 'typed' }), 'pnpm', ['--silent', 'vigil', 'match']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify({ id: 'p', hits: [{ term: 'die', category: 'self-harm', severity: 3, start: 0, end: 3 }] })}\n`);
  });
});
