// One alert per phrase, and the agent agrees with `vigil match`: the real agent path
// (DetectorService: keys, window titles and URLs through the matcher into outbox records)
// and the `vigil match` command run as a child process see the same obfuscated lines with
// Vigil's own word lists, and give the same folded result.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { foldHits, type MatchHit } from '@vigil/shared/matcher';
import { defaultPolicy, type AlertPayload, type TermEntry, type WordlistPayload } from '@vigil/shared/protocol';
import { parseWordlistFiles } from '@vigil/shared/wordlist';
import { createFakePlatform, type FakePlatform } from '@vigil/agent/platform/fake';
import { DetectorService } from './detector.service.ts';
import { PolicyState } from './policy-state.ts';
import { makeWordlist, RecordingOutbox, SettableLock, silentLog } from './test-kit/core-test-kit.ts';
import { WordlistState } from './wordlist-state.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const wordlists = join(repoRoot, 'wordlists');
const HOMEWORK = { app: 'xterm', title: 'History homework' };
const term = (text: string, category: string, severity: number, match: TermEntry['match']): TermEntry => ({ term: text, category, severity, match });

let lists: WordlistPayload;
beforeAll(async () => {
  const names = (await readdir(wordlists)).filter((n) => n.endsWith('.tsv'));
  const loaded = parseWordlistFiles(await Promise.all(names.map(async (name) => ({ name, bytes: new Uint8Array(await readFile(join(wordlists, name))) }))));
  if (!loaded.ok) throw new Error(`wordlists/ did not load: ${loaded.errors[0]?.message ?? '?'}`);
  lists = loaded.value;
});

const running: DetectorService[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

interface Rig {
  p: FakePlatform;
  outbox: RecordingOutbox;
  detector: DetectorService;
  lock: SettableLock;
}

async function rig(list: WordlistPayload = lists): Promise<Rig> {
  const p = createFakePlatform();
  const outbox = new RecordingOutbox();
  const wordlist = new WordlistState();
  await wordlist.apply(list);
  const policy = new PolicyState({ initial: { ...defaultPolicy, alertCooldownSeconds: 0 } });
  const lock = new SettableLock();
  const detector = new DetectorService({
    keys: p.keys,
    windows: p.windows,
    capture: p.capture,
    clock: p.clock,
    outbox,
    policy,
    wordlist,
    lock,
    osUser: 'pupil.jones',
    log: silentLog,
  });
  running.push(detector);
  await detector.start();
  p.windows.set(HOMEWORK);
  return { p, outbox, detector, lock };
}

type Source = 'typed' | 'title' | 'url';
interface Line {
  id: string;
  text: string;
  source: Source;
}

/** The alerts the agent queues for one line: typed into a window, shown as a title, or visited. */
async function agentAlerts({ p, outbox, detector }: Rig, line: Line): Promise<AlertPayload[]> {
  const before = outbox.of('alert').length;
  if (line.source === 'typed') p.keys.type(`${line.text}\n`);
  else if (line.source === 'title') p.windows.set({ app: 'chrome', title: line.text });
  else p.windows.set({ app: 'chrome', title: 'New tab', url: line.text });
  p.windows.set(HOMEWORK);
  await detector.drain();
  return outbox
    .of('alert')
    .slice(before)
    .map((a) => a.payload);
}

/** term/category/severity of the alert, then every term it carries. */
const describeAlert = (a: {
  term: string;
  category: string;
  severity: number;
  terms?: readonly { term: string; category: string; severity: number }[];
}): string => `${a.term}/${a.category}/${a.severity}: ${(a.terms ?? [a]).map((x) => `${x.term}/${x.category}/${x.severity}`).join(', ')}`;

describe('one alert per phrase (real word lists)', () => {
  it('folds a phrase and the terms inside it into one alert carrying every term', async () => {
    const r = await rig();
    expect((await agentAlerts(r, { id: 'a', text: 'i found her suicide note', source: 'typed' })).map(describeAlert)).toEqual([
      'suicide note/self-harm/5: suicide note/self-harm/5, suicide/self-harm/3',
    ]);
    expect((await agentAlerts(r, { id: 'b', text: 'how to join isis - YouTube', source: 'title' })).map(describeAlert)).toEqual([
      'join isis/extremism/5: join isis/extremism/5, isis/extremism/2',
    ]);
    const [nudes] = await agentAlerts(r, { id: 'c', text: 'https://www.google.com/search?q=send%20nudes', source: 'url' });
    expect(nudes && describeAlert(nudes)).toBe('send nudes/grooming/4: send nudes/grooming/4, nudes/sexual-content/3');
    // a single term keeps the v1 shape: no list
    const [alone] = await agentAlerts(r, { id: 'd', text: 'i want to die', source: 'typed' });
    expect(alone?.term).toBe('want to die');
    expect(alone).not.toHaveProperty('terms');
  });

  it('a word held while a longer phrase could still grow over it is reported when the screen locks', async () => {
    const r = await rig(makeWordlist([term('suicide', 'self-harm', 3, 'word'), term('suicide note', 'self-harm', 5, 'phrase')]));
    r.p.keys.type('my suicide ');
    await r.detector.drain();
    expect(r.outbox.of('alert')).toEqual([]); // "suicide note" may still come
    r.lock.set(true);
    await r.detector.drain();
    expect(r.outbox.of('alert').map((a) => describeAlert(a.payload))).toEqual(['suicide/self-harm/3: suicide/self-harm/3']);
  });

  it('makes the primary term a restricted one when the phrase involves a restricted category, with the highest severity', async () => {
    // makeWordlist marks only self-harm restricted: "go die" (bullying 5) holds "die" (self-harm 2)
    const custom = makeWordlist([term('go die', 'bullying', 5, 'phrase'), term('die', 'self-harm', 2, 'word')]);
    const r = await rig(custom);
    expect((await agentAlerts(r, { id: 'f', text: 'just go die', source: 'typed' })).map(describeAlert)).toEqual([
      'die/self-harm/5: die/self-harm/2, go die/bullying/5',
    ]);
  });
});

// ---- the agent and `vigil match` over the same obfuscated lines

const spaced = (w: string, sep: string): string => Array.from(w).join(sep);
const FORMS: Array<[string, (words: string[]) => string, Source]> = [
  ['plain', (w) => w.join(' '), 'typed'],
  ['dotted', (w) => w.map((x) => spaced(x, '.')).join(' '), 'typed'],
  ['spaced', (w) => w.map((x) => spaced(x, ' ')).join('   '), 'typed'],
  ['hyphens', (w) => w.map((x) => spaced(x, '-')).join(' '), 'typed'],
  ['joined', (w) => w.join(''), 'typed'],
  ['zero-width', (w) => w.join('\u200b'), 'typed'],
  ['mixed', (w) => w.map((x, i) => (i % 2 === 1 ? spaced(x, '.') : x)).join(' '), 'typed'],
  ['title', (w) => `${w.map((x, i) => (i === 0 ? spaced(x, ' ') : x)).join(' ')} - Google Search`, 'title'],
  ['query', (w) => `https://www.google.com/search?q=${w.join('+')}&hl=en`, 'url'],
  ['double-encoded', (w) => `https://duckduckgo.com/?q=${w.join('%2520')}`, 'url'],
  ['domain', (w) => `https://${w.join('')}.example.com/`, 'url'],
  ['hyphenated domain', (w) => `https://www.${w.join('-')}.example/`, 'url'],
];

const EXTRA: Line[] = [
  { id: 'issue-1', text: 'my suicide note is written', source: 'typed' },
  { id: 'issue-2', text: 'send nudes', source: 'typed' },
  { id: 'issue-3', text: 'join isis', source: 'typed' },
  { id: 'issue-4', text: 'k1ll mys3lf tonight', source: 'typed' },
  { id: 'issue-5', text: 'https://buy-drugs-now.example/', source: 'url' },
  { id: 'issue-6', text: 'https://freesendnudesnow.example/', source: 'url' },
  { id: 'typo', text: 'kill myzz\b\bself', source: 'typed' },
  { id: 'clean-1', text: 'the crisis analysis for geography, and goodie bags', source: 'typed' },
  { id: 'clean-2', text: 'Scunthorpe United v Lincoln City - BBC Sport', source: 'title' },
  { id: 'clean-3', text: 'https://www.bbc.co.uk/news/articles?q=isis%20and%20osiris', source: 'url' },
];

function corpus(): Line[] {
  const phrases = lists.terms.filter((t) => t.match === 'phrase' && /^[a-z]+( [a-z]+)+$/.test(t.term));
  const lines: Line[] = [...EXTRA];
  // every 9th phrase of the list, in every form: about 55 phrases × 12 forms
  phrases.forEach((t, i) => {
    if (i % 9 !== 0) return;
    for (const [form, make, source] of FORMS) lines.push({ id: `${form}:${t.term}`, text: make(t.term.split(' ')), source });
  });
  return lines;
}

interface CliHit {
  term: string;
  category: string;
  severity: number;
  start: number;
  end: number;
}

async function vigilMatch(lines: readonly Line[]): Promise<Map<string, CliHit[]>> {
  const child = spawn(process.execPath, [join(repoRoot, 'collector/src/cli/main.ts'), 'match', '--wordlists', wordlists], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(lines.map((l) => JSON.stringify({ id: l.id, text: l.text, source: l.source })).join('\n') + '\n');
  const [code] = (await once(child, 'close')) as [number | null];
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  const out = new Map<string, CliHit[]>();
  for (const row of stdout.trim().split('\n')) {
    const parsed = JSON.parse(row) as { id: string; hits: CliHit[] };
    out.set(parsed.id, parsed.hits);
  }
  return out;
}

describe('the agent and `vigil match` agree', () => {
  it('give the same folded alerts for the same obfuscated lines', async () => {
    const lines = corpus();
    expect(lines.length).toBeGreaterThan(300);
    const cli = await vigilMatch(lines);
    const restricted = new Set(lists.categories.filter((c) => c.restricted).map((c) => c.id));
    const r = await rig();
    let phrasesFound = 0;
    const differences: string[] = [];
    for (const line of lines) {
      const agent = (await agentAlerts(r, line)).map(describeAlert).sort();
      const hits: MatchHit[] = (cli.get(line.id) ?? []).map((h) => ({ ...h, match: 'word', source: line.source, context: '' }));
      const folded = foldHits(hits, restricted).map(describeAlert).sort();
      if (JSON.stringify(agent) !== JSON.stringify(folded))
        differences.push(`${line.id}: agent ${JSON.stringify(agent)} vs vigil match ${JSON.stringify(folded)}`);
      const phrase = line.id.split(':')[1];
      if (phrase !== undefined && agent.length === 1 && agent[0]?.includes(`${phrase}/`)) phrasesFound++;
    }
    expect(differences).toEqual([]);
    // and every disguised phrase is one alert carrying its phrase
    expect(phrasesFound).toBe(lines.length - EXTRA.length);
    expect(r.detector.stats.alerts).toBeGreaterThan(phrasesFound);
  }, 120_000);
});
