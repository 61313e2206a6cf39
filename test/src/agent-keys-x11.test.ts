// The Linux key path end to end (issue #16, items 1 and 4): the real headless agent under Xvfb + openbox,
// the real collector and PostgreSQL. Characters xdotool types by binding a spare keycode for a moment are read
// as `vigil match` reads the same text; a Cyrillic layout is read in the group the keyboard is switched to; and
// nothing typed into a lock screen the agent did not start (i3lock, started here) reaches the matcher.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, pressKeycodes, waitFor, X11_TEST_TOOLS } from '@vigil/agent/testing';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const WINDOW = 'Keys under X';

let system: WholeSystem;

const setxkbmap = (...args: string[]) =>
  new Promise<void>((resolve, reject) => execFile('setxkbmap', args, { env: system.x.env }, (err) => (err ? reject(err) : resolve())));

interface AlertRow {
  term: string;
  context: string;
  ts: Date;
}

const typedAlerts = async (from: Date, to = new Date(8.64e15)): Promise<AlertRow[]> =>
  (await system.db.pool.query<AlertRow>("select term, context, ts from alerts where source = 'typed' and ts >= $1 and ts < $2 order by ts", [from, to])).rows;

const alertFor = (term: string, from: Date) =>
  waitFor(async () => (await typedAlerts(from)).find((a) => a.term === term), { timeoutMs: 20_000, intervalMs: 100, message: `the "${term}" alert` });

/** `vigil match` (the real CLI, the repository's word lists) over one line: the terms it finds. */
async function vigilMatch(text: string): Promise<string[]> {
  const child = spawn(process.execPath, [join(repoRoot, 'collector/src/cli/main.ts'), 'match', '--wordlists', join(repoRoot, 'wordlists')], {
    cwd: repoRoot,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
  child.stdin.end(JSON.stringify({ id: 'line', text, source: 'typed' }));
  const [code] = (await once(child, 'close')) as [number];
  expect(code).toBe(0);
  const answer = JSON.parse(out.trim()) as { hits: { term: string }[] };
  return answer.hits.map((h) => h.term).sort();
}

beforeAll(async () => {
  await ensureTools([X11_TEST_TOOLS.i3lock, { bin: 'setxkbmap', apt: 'x11-xkb-utils' }]);
  system = await startWholeSystem(WINDOW);
}, 240_000);

afterAll(async () => {
  await system?.dispose();
});

describe('the agent reads every character the focused window receives', () => {
  it('a look-alike letter, a curly apostrophe and a zero-width space inside a phrase give the hit `vigil match` gives', async () => {
    // Cyrillic "а" in "want", a curly apostrophe (what phones type), a zero-width space inside "go".
    const line = 'i don\u2019t w\u0430nt to g\u200bo home';
    const expected = await vigilMatch(line);
    expect(expected).toEqual(["don't want to go home"]);
    const from = new Date();
    await system.typeLine(line);
    // A sentinel line after it: once its alert is in, every alert of the line before it is too.
    const sentinelFrom = new Date();
    await system.typeLine('a zombie knife');
    await alertFor('zombie knife', sentinelFrom);
    const alerts = await typedAlerts(from, sentinelFrom);
    expect(alerts.map((a) => a.term).sort()).toEqual(expected);
    expect(alerts[0]?.context).toBe(line);
  });

  it('a Cyrillic layout is read in the group the keyboard is switched to', async () => {
    const { x, agent } = system;
    const reloads = () => agent.logs().filter((l) => l.msg === 'keyboard layout changed; read it again').length;
    const before = reloads();
    await setxkbmap('-layout', 'us,ru', '-option', '', '-option', 'grp:caps_toggle');
    try {
      await agent.waitForLog(() => reloads() > before, 10_000, 'the agent to read the new layout');
      const from = new Date();
      // Caps Lock switches to the Russian group; the keys g h b d t n then type "привет", as on a real keyboard.
      await pressKeycodes(x.env, [66, 42, 43, 56, 40, 28, 57, 65, 66]);
      await system.typeLine('kill myself');
      const alert = await alertFor('kill myself', from);
      expect(alert.context).toBe('привет kill myself');
    } finally {
      await setxkbmap('-layout', 'us', '-option', '');
    }
  });
});

describe('matching pauses under a lock screen the agent did not start', () => {
  it('keys typed into i3lock never reach the matcher; after it exits a phrase hits again', async () => {
    const { x, agent } = system;
    const lockSeen = () => agent.logs().some((l) => l.msg === 'a lock screen holds the keyboard: keys are not read' && l.reason === 'keyboard-grab');
    const from = new Date();
    const locker = spawn('i3lock', ['-n', '-c', '000000'], { env: x.env, stdio: 'ignore' });
    try {
      await agent.waitForLog(lockSeen, 10_000, 'the agent to see the lock screen');
      // The pupil types into the lock screen: a flagged phrase (and it is their password, too).
      await system.typeLine('i want to die');
      await x.xdotoolType('i want to die');
    } finally {
      // i3lock cannot have let anyone in (it asks PAM for the password), but do not wait for an exit that happened.
      if (locker.exitCode === null && locker.signalCode === null) {
        const exited = once(locker, 'exit');
        locker.kill('SIGTERM');
        await exited;
      }
    }
    await agent.waitForLog((l) => l.msg === 'no lock screen: reading keys again', 10_000, 'the agent to see the lock screen gone');
    await system.typeLine('now i really want to die');
    const alert = await alertFor('want to die', from);
    // The one alert is the line typed after the lock screen; nothing typed under it was kept, not even as context.
    expect(alert.context).toBe('now i really want to die');
    expect((await typedAlerts(from)).map((a) => a.context)).toEqual(['now i really want to die']);
    const paused = agent.logs().filter((l) => l.msg === 'key matching paused state');
    expect(paused.some((l) => l.paused === true && l.reason === 'lock screen: keyboard-grab')).toBe(true);
  });
});
