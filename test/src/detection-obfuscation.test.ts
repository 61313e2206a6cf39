// Detection a pupil cannot dodge, measured end to end (issue #16): the real headless
// agent under Xvfb, the real collector and PostgreSQL, every line typed with xdotool
// (which remaps a spare keycode for characters that are not on the layout). For every
// line the test compares the agent's alerts with `vigil match` — the real CLI process —
// on the same text, and counts recall, false alerts and duplicates (more than one alert
// for one phrase). The figures are printed for the closing note.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Line {
  readonly id: string;
  /** What xdotool types (then Return). */
  readonly text: string;
  /** The word-list phrase it hides, or null for a line that must not alert. */
  readonly phrase: string | null;
}

const zwsp = '\u200b';
const zwj = '\u200d';
// Each phrase once per obfuscation class; the window title is benign.
const corpus: readonly Line[] = [
  { id: 'plain', text: 'i think i will kill myself', phrase: 'kill myself' },
  { id: 'spelled-dots', text: 'please s.e.n.d n.u.d.e.s now', phrase: 'send nudes' },
  { id: 'spelled-spaces', text: 'j o i n   i s i s', phrase: 'join isis' },
  { id: 'spelled-hyphens', text: 'i will k-i-l-l m-y-s-e-l-f', phrase: 'kill myself' },
  { id: 'mixed-spelled', text: 'send n.u.d.e.s to me', phrase: 'send nudes' },
  { id: 'joined', text: 'joinisis today', phrase: 'join isis' },
  { id: 'joined-2', text: 'he has a zombieknife', phrase: 'zombie knife' },
  { id: 'zero-width-between', text: `kill${zwsp}myself`, phrase: 'kill myself' },
  { id: 'zero-width-inside', text: `send nu${zwj}des`, phrase: 'send nudes' },
  { id: 'cyrillic-i', text: 'i want to k\u0456ll myself', phrase: 'kill myself' },
  { id: 'cyrillic-o', text: 'j\u043ein isis brothers', phrase: 'join isis' },
  { id: 'curly-apostrophe', text: 'i don\u2019t want to go home tonight', phrase: "don't want to go home" },
  { id: 'leet', text: 'k1ll mys3lf', phrase: 'kill myself' },
  { id: 'overlap', text: 'send nudes please', phrase: 'send nudes' },
  { id: 'benign-crisis', text: 'the economic crisis analysis essay', phrase: null },
  { id: 'benign-skills', text: 'we practised our skills in basketball', phrase: null },
  { id: 'benign-spaced', text: 'a b c d e f g', phrase: null },
  { id: 'benign-knife', text: 'use a butter knife to spread it', phrase: null },
  { id: 'benign-join', text: 'join us in the hall at noon', phrase: null },
];
const sentinel = 'last line: zombie knife';

let system: WholeSystem;
let browser: TestBrowser;

interface AlertRow {
  id: string;
  ts: Date;
  term: string;
  terms: Array<{ term: string }> | null;
  source: string;
}

/** `vigil match` (the real CLI, the repository's word lists) over the typed lines. */
async function vigilMatch(lines: readonly Line[]): Promise<Map<string, Set<string>>> {
  const child = spawn(process.execPath, [join(repoRoot, 'collector/src/cli/main.ts'), 'match', '--wordlists', join(repoRoot, 'wordlists')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stdin.end(lines.map((line) => JSON.stringify({ id: line.id, text: line.text, source: 'typed' })).join('\n'));
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const result = new Map<string, Set<string>>();
  for (const text of out.split('\n').filter(Boolean)) {
    const answer = JSON.parse(text) as { id: string; hits: Array<{ term: string }> };
    result.set(answer.id, new Set(answer.hits.map((hit) => hit.term)));
  }
  return result;
}

beforeAll(async () => {
  system = await startWholeSystem('Obfuscation corpus');
  // Every line is its own test case: no cooldown folding repeats of a term in this window.
  browser = await launchBrowser();
  const policiesSeen = () => system.agent.logs().filter((l) => l.msg === 'new policy from the collector').length;
  const users = new ConsoleUsers(system.collector);
  await users.create('admin.detect', 'admin');
  const { page, context } = await browser.newPage();
  await users.signIn(page, 'admin.detect');
  const site = (await system.db.pool.query<{ id: string }>("select id from sites where name = 'E2E School'")).rows[0]?.id;
  const policiesBefore = policiesSeen();
  const status = await page.evaluate(async (siteId) => {
    const me = (await (await fetch('/api/auth/me')).json()) as { csrfToken: string };
    const response = await fetch(`/api/policies/site/${siteId}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
      body: JSON.stringify({ overrides: { alertCooldownSeconds: 0 } }),
    });
    return response.status;
  }, site);
  expect(status).toBe(200);
  await context.close();
  await system.agent.waitForLog(() => policiesSeen() > policiesBefore, 15_000, 'the agent to receive the no-cooldown policy');
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

describe('obfuscated phrases typed with xdotool under X', () => {
  it('the agent alerts exactly as `vigil match` does, once per phrase, and never on the benign lines', { timeout: 300_000 }, async () => {
    const started: number[] = [];
    for (const line of corpus) {
      started.push(Date.now());
      await system.typeLine(line.text);
    }
    const end = Date.now();
    await system.typeLine(sentinel);
    await waitFor(async () => ((await system.db.pool.query('select 1 from alerts where ts >= $1 limit 1', [new Date(end)])).rowCount ?? 0) > 0 || undefined, {
      timeoutMs: 30_000,
      intervalMs: 100,
      message: 'the sentinel line to alert (everything before it has been sent)',
    });
    const { rows } = await system.db.pool.query<AlertRow>(
      "select id, ts, term, terms, source from alerts where source = 'typed' and ts >= $1 and ts < $2 order by ts",
      [new Date(started[0] ?? 0), new Date(end)],
    );
    const expected = await vigilMatch(corpus);

    let found = 0;
    let positives = 0;
    let falseAlerts = 0;
    let duplicates = 0;
    const mismatches: string[] = [];
    corpus.forEach((line, i) => {
      const from = started[i] ?? 0;
      const to = started[i + 1] ?? end;
      const mine = rows.filter((row) => row.ts.getTime() >= from && row.ts.getTime() < to);
      const agentTerms = new Set(mine.flatMap((row) => [row.term, ...(row.terms ?? []).map((term) => term.term)]));
      const cliTerms = expected.get(line.id) ?? new Set<string>();
      if ([...agentTerms].sort().join('|') !== [...cliTerms].sort().join('|'))
        mismatches.push(`${line.id}: agent [${[...agentTerms].join(', ')}] vs vigil match [${[...cliTerms].join(', ')}]`);
      if (line.phrase === null) {
        if (mine.length > 0) falseAlerts++;
        return;
      }
      positives++;
      if (agentTerms.has(line.phrase)) found++;
      if (mine.length > 1) duplicates++;
    });
    const benign = corpus.length - positives;
    process.stdout.write(
      `obfuscation e2e: recall ${found}/${positives} (${((100 * found) / positives).toFixed(0)}%), false alerts ${falseAlerts}/${benign} benign lines, duplicates ${duplicates}, agent≠vigil-match on ${mismatches.length} lines${mismatches.length > 0 ? `\n  ${mismatches.join('\n  ')}` : ''}\n`,
    );
    expect(mismatches).toEqual([]);
    expect(duplicates).toBe(0);
    expect(falseAlerts).toBe(0);
    expect(found).toBe(positives);
  });
});
