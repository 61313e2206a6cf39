// What a live tile says, in real Chromium against the real collector and the headless agent
// under Xvfb: the PC's own idle lock (the policy's, with i3lock) reads "Idle lock", a
// teacher's lock reads "Locked by <teacher>", and an agent that vanished without a goodbye
// (killed) reads "Agent gone" — in words and with a different tone, not by colour alone.
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, waitFor, X11_TEST_TOOLS } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const screenshotsDir = join(dirname(fileURLToPath(import.meta.url)), '../../docs/screenshots');
const password = 'correct horse battery staple';

let system: WholeSystem | undefined;
let browser: TestBrowser | undefined;

beforeAll(async () => {
  await ensureTools([X11_TEST_TOOLS.i3lock, X11_TEST_TOOLS.xprintidle]);
  // `i3lock -n` stays in the foreground while locked, so the agent holds its PID; the lock state is read every 0.5 s.
  system = await startWholeSystem('Idle homework', { lockCommand: ['i3lock', '-n'], lockPollMs: 500 });
  await system.collector.admin(['create-user', '--username', 'ms.tile', '--role', 'teacher', '--display-name', 'Ms Tile', '--rooms', 'ICT Suite'], {
    VIGIL_NEW_PASSWORD: password,
  });
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

/** PIDs of the i3lock processes the agent started. */
async function lockersOf(parent: number): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const [comm = '', , ppid = ''] = stat.slice(stat.indexOf('(') + 1).split(/\)? /);
      if (comm === 'i3lock' && Number(ppid) === parent) pids.push(Number(entry));
    } catch {
      // Gone between readdir and read.
    }
  }
  return pids;
}

async function shoot(page: Page, name: string): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await page.screenshot({ path: join(screenshotsDir, `console-${name}.png`), fullPage: false });
}

/** The tile's badge for a key (`lock`, `connection`): its words and its tone, or undefined when absent. */
async function badge(tile: Locator, key: string): Promise<string | undefined> {
  const found = tile.getByTestId(`tile-${key}`);
  if ((await found.count()) === 0) return undefined;
  return `${await found.innerText()} [${(await found.getAttribute('data-tone')) ?? ''}]`;
}

describe('live tiles tell the PC’s own lock, a teacher’s lock and a vanished agent apart', () => {
  it('Idle lock, then Locked by Ms Tile, then Agent gone', { timeout: 300_000 }, async () => {
    if (system === undefined || browser === undefined) throw new Error('set-up failed');
    const { collector, agent, x, db } = system;
    const device = (await db.pool.query<{ id: string; room_id: string }>('select id, room_id from devices limit 1')).rows[0];
    if (device === undefined) throw new Error('no enrolled device');

    const { page } = await browser.newPage();
    await page.goto(`http://127.0.0.1:${collector.port}/signin`);
    await page.getByLabel('User name').fill('ms.tile');
    await page.getByLabel('Password', { exact: true }).fill(password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor({ timeout: 15_000 });
    await page.goto(`http://127.0.0.1:${collector.port}/live/${device.room_id}`);
    const tile = page.getByTestId(`tile-${device.id}`);
    await tile.waitFor({ timeout: 15_000 });
    expect(await badge(tile, 'connection')).toBe('Online [online]');

    // Nobody touches the PC for the policy's minute: the agent's idle lock (i3lock) comes up.
    await collector.admin(['set-policy', '--scope', 'room', '--id', 'ICT Suite', '--json', JSON.stringify({ idleLockMinutes: 1, idleWarningSeconds: 5 })]);
    await agent.waitForLog((l) => l.msg === 'new policy from the collector', 15_000, 'the idle-lock policy');
    await agent.waitForLog((l) => l.msg === 'screen locked after the idle time', 150_000, 'the idle lock');
    await expect.poll(() => badge(tile, 'lock'), { timeout: 20_000 }).toBe('Idle lock [idle-lock]');
    await shoot(page, 'live-idle-lock');

    // The pupil unlocks (here: the locker is ended) and moves the mouse: no lock badge.
    const agentPid = agent.pid ?? -1;
    for (const pid of await lockersOf(agentPid)) process.kill(pid, 'SIGTERM');
    await x.xdotool('mousemove', '200', '200');
    await expect.poll(() => badge(tile, 'lock'), { timeout: 20_000 }).toBeUndefined();

    // The teacher locks the room from the console: the tile names the teacher.
    await page.getByRole('button', { name: 'Lock all', exact: true }).click();
    await page.getByRole('button', { name: 'Lock now' }).click();
    await expect.poll(() => badge(tile, 'lock'), { timeout: 20_000 }).toBe('Locked by Ms Tile [locked]');
    await page.getByRole('button', { name: 'Unlock', exact: true }).click();
    await expect.poll(() => badge(tile, 'lock'), { timeout: 20_000 }).toBeUndefined();

    // The agent is killed (no goodbye): the tile says it is gone, not merely offline.
    await agent.kill9();
    await expect.poll(() => badge(tile, 'connection'), { timeout: 30_000 }).toBe('Agent gone [gone]');
    expect(await tile.getAttribute('data-agent-gone')).toBe('true');
    expect(browser.incidents).toEqual([]);
    await waitFor(() => lockersOf(agentPid).then((pids) => (pids.length === 0 ? true : undefined)), { timeoutMs: 10_000, message: 'no locker left behind' });
  });
});
