// What the pupil sees on a Linux PC without Electron, and a console that tells the truth about it: the real
// headless agent under Xvfb (openbox as the window manager, no notification daemon), the real collector,
// a teacher in real Chromium. A timed teacher lock puts the agent's own lock screen up (message, teacher,
// countdown; Alt+F4, Escape and clicks do nothing); a teacher message with no notification daemon appears in
// the agent's own window, and the console says delivered and shown apart; the acceptable-use notice shows at
// the first sign-in of a person who has not read this version, in the middle of the screen until "I understand".
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AupAckStore, ensureTools, waitFor, X11_TEST_TOOLS, type Xvfb } from '@vigil/agent/testing';
import { launchBrowser, type TestBrowser } from './support/browser.ts';
import { ConsoleUsers, expectVisible, screenshotsDir } from './support/console-users.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const exec = promisify(execFile);

let system: WholeSystem;
let browser: TestBrowser;
let users: ConsoleUsers;

beforeAll(async () => {
  await ensureTools([X11_TEST_TOOLS.xwininfo, X11_TEST_TOOLS.imagemagick, X11_TEST_TOOLS.xdotool]);
  // No lockCommand: the headless agent's default, its own lock screen for teacher locks.
  system = await startWholeSystem('Lesson', { lockPollMs: 500 });
  users = new ConsoleUsers(system.collector);
  await users.create('ms.patel', 'teacher', 'ICT Suite');
  browser = await launchBrowser();
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await system?.dispose();
});

/** The top-level window named `name` as xwininfo -tree prints it: `WxH+X+Y`, or undefined. */
async function windowGeometry(x: Xvfb, name: string): Promise<{ width: number; height: number; left: number; top: number } | undefined> {
  const { stdout } = await exec('xwininfo', ['-root', '-tree'], { env: x.env });
  const line = stdout.split('\n').find((l) => l.includes(`"${name}"`));
  const m = line === undefined ? null : /(\d+)x(\d+)\+(-?\d+)\+(-?\d+)/.exec(line);
  if (m === null) return undefined;
  return { width: Number(m[1]), height: Number(m[2]), left: Number(m[3]), top: Number(m[4]) };
}

/** The whole screen as PNG (ImageMagick's import), or `crop` of it. */
async function screenshot(x: Xvfb, crop?: { width: number; height: number; left: number; top: number }): Promise<Buffer> {
  const args = ['-window', 'root', ...(crop === undefined ? [] : ['-crop', `${crop.width}x${crop.height}+${crop.left}+${crop.top}`]), 'png:-'];
  const { stdout } = await exec('import', args, { env: x.env, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Mean red, mean blue and the brightest blue (0..1) of the screen, from ImageMagick. */
async function screenStats(x: Xvfb): Promise<{ meanRed: number; meanBlue: number; maxBlue: number }> {
  const { stdout } = await exec('import', ['-window', 'root', '-format', '%[fx:mean.r] %[fx:mean.b] %[fx:maxima.b]', 'info:-'], { env: x.env });
  const [meanRed = NaN, meanBlue = NaN, maxBlue = NaN] = stdout.trim().split(/\s+/).map(Number);
  return { meanRed, meanBlue, maxBlue };
}

async function save(name: string, png: Buffer): Promise<void> {
  await mkdir(screenshotsDir, { recursive: true });
  await writeFile(join(screenshotsDir, name), png);
}

describe('what the pupil sees on the Linux agent', () => {
  it('a timed teacher lock shows the message, the teacher and a countdown, and the keyboard cannot close it', { timeout: 240_000 }, async () => {
    const { x, agent, db, collector } = system;
    const device = (await db.pool.query<{ id: string; room_id: string }>('select id, room_id from devices limit 1')).rows[0];
    if (device === undefined) throw new Error('no enrolled device');
    const { page } = await browser.newPage();
    await users.signIn(page, 'ms.patel');
    await page.goto(`${users.baseUrl}/live/${device.room_id}`);
    const tile = page.getByTestId(`tile-${device.id}`);
    await expectVisible(tile, 'the PC tile');

    await page.getByRole('button', { name: 'Lock all', exact: true }).click();
    await page.getByLabel('Message on the lock screen (optional)').fill('Eyes on the board, please');
    await page.getByLabel('Unlock automatically after (minutes, optional)').fill('2');
    await page.getByRole('button', { name: 'Lock now' }).click();
    await agent.waitForLog((l) => l.msg === 'screen locked by a teacher', 20_000, 'the teacher lock');

    // The agent's own window covers the whole screen (1280x800 Xvfb), not i3lock.
    const lock = await waitFor(() => windowGeometry(x, 'Vigil lock'), { timeoutMs: 10_000, message: 'the Vigil lock window' });
    expect(lock).toEqual({ width: 1280, height: 800, left: 0, top: 0 });
    expect(agent.logs().some((l) => l.msg === 'cannot show the lock screen window; using the locker command')).toBe(false);
    // Reported locked only after it was on screen: the tile names the teacher.
    await expect.poll(async () => (await tile.getByTestId('tile-lock').innerText()).trim(), { timeout: 20_000 }).toMatch(/^Locked by /);

    // Not the plain black of i3lock: a picture with text on it (bright pixels on the dark blue).
    const stats = await screenStats(x);
    expect(stats.meanBlue).toBeGreaterThan(0.1);
    expect(stats.meanBlue).toBeGreaterThan(stats.meanRed);
    expect(stats.maxBlue).toBeGreaterThan(0.8);
    await save('agent-linux-lock.png', await screenshot(x));

    // The countdown ticks: the pill's pixels change from one second to the next.
    const pill = { width: 260, height: 40, left: 510, top: 540 };
    const before = await screenshot(x, pill);
    await waitFor(async () => (!(await screenshot(x, pill)).equals(before) ? true : undefined), { timeoutMs: 5_000, message: 'the countdown to change' });

    // Alt+F4, Escape and clicks reach nothing: the lock stays, and so does the pupil's window under it.
    await x.xdotool('key', 'alt+F4');
    await x.xdotool('key', 'Escape');
    await x.xdotool('mousemove', '640', '400', 'click', '1');
    expect(await windowGeometry(x, 'Vigil lock')).toEqual(lock);
    expect(await windowGeometry(x, 'Lesson')).toBeDefined();

    // The teacher unlocks: the window goes.
    await collector.admin(['unlock', '--room', 'ICT Suite']);
    await waitFor(async () => ((await windowGeometry(x, 'Vigil lock')) === undefined ? true : undefined), {
      timeoutMs: 15_000,
      message: 'the lock window gone',
    });
  });

  it('a message with no notification daemon appears in the agent window, and the console says delivered and shown', { timeout: 240_000 }, async () => {
    const { x, agent, db } = system;
    const device = (await db.pool.query<{ id: string; room_id: string }>('select id, room_id from devices limit 1')).rows[0];
    if (device === undefined) throw new Error('no enrolled device');
    const { page } = await browser.newPage();
    await users.signIn(page, 'ms.patel');
    await page.goto(`${users.baseUrl}/live/${device.room_id}`);
    await expectVisible(page.getByTestId(`tile-${device.id}`), 'the PC tile');

    await page.getByRole('button', { name: 'Send message', exact: true }).click();
    await page.getByLabel('Message', { exact: true }).fill('Five minutes left: please save your work.');
    await page.getByTestId('message-dialog').getByRole('button', { name: 'Send', exact: true }).click();

    const box = await waitFor(() => windowGeometry(x, 'Vigil message'), { timeoutMs: 15_000, message: 'the Vigil message window' });
    expect(box.left + box.width).toBeLessThanOrEqual(1280);
    await agent.waitForLog((l) => l.msg === 'teacher message handled' && l.via === 'window', 10_000, 'the message shown in the agent window');
    await expect
      .poll(async () => (await page.getByTestId('live-status').innerText()).trim(), { timeout: 20_000 })
      .toBe('Message delivered to 1 computer · shown on 1.');
    const shown = await db.pool.query<{ detail: { via: string } }>("select detail from audit_log where action = 'device.message-shown' and target_id = $1", [
      device.id,
    ]);
    expect(shown.rows.map((r) => r.detail.via)).toEqual(['window']);
    await save(
      'agent-linux-message.png',
      await screenshot(x, { width: box.width + 48, height: box.height + 48, left: box.left - 24, top: Math.max(0, box.top - 24) }),
    );

    // The pupil closes it with OK.
    await x.xdotool('mousemove', String(box.left + box.width - 60), String(box.top + box.height - 36), 'click', '1');
    await waitFor(async () => ((await windowGeometry(x, 'Vigil message')) === undefined ? true : undefined), {
      timeoutMs: 10_000,
      message: 'the message window closed by OK',
    });
    expect(browser.incidents).toEqual([]);
  });

  it('the acceptable-use notice shows at the first sign-in, stays until "I understand", and not again for the same version', { timeout: 240_000 }, async () => {
    const { x, agent } = system;
    const store = new AupAckStore(agent.stateDir);
    const user = userInfo().username;
    // This person has not read it yet (the harness marks it read so that it does not cover other tests' screens).
    await rm(join(agent.stateDir, 'aup'), { recursive: true, force: true });
    await agent.stop();
    await agent.start(); // the school's policy is cached from the last run: the notice comes before any connection

    const box = await waitFor(() => windowGeometry(x, 'Vigil acceptable use'), { timeoutMs: 20_000, message: 'the acceptable-use notice' });
    expect(Math.abs(box.left + box.width / 2 - 640)).toBeLessThanOrEqual(1);
    expect(Math.abs(box.top + box.height / 2 - 400)).toBeLessThanOrEqual(1);
    await agent.waitForLog((l) => l.msg === 'acceptable-use notice shown' && l.via === 'window', 10_000, 'the notice on screen');
    expect(await store.acknowledged(user, '1')).toBe(true);
    await save('agent-linux-aup.png', await screenshot(x));
    // Typing somewhere else does not close it (it is not a bubble that goes by itself).
    await x.xdotool('key', 'Escape');
    expect(await windowGeometry(x, 'Vigil acceptable use')).toEqual(box);

    // "I understand" (bottom right of the box) closes it.
    await x.xdotool('mousemove', String(box.left + box.width - 16 - 73), String(box.top + box.height - 36), 'click', '1');
    await waitFor(async () => ((await windowGeometry(x, 'Vigil acceptable use')) === undefined ? true : undefined), {
      timeoutMs: 10_000,
      message: 'the notice closed',
    });

    // The next sign-in (a restart of the agent): the same version is not shown again.
    await agent.stop();
    await agent.start();
    const checked = await agent.waitForLog((l) => l.msg === 'acceptable-use notice checked', 20_000, 'the notice check');
    expect(checked.result).toBe('seen');
    expect(await windowGeometry(x, 'Vigil acceptable use')).toBeUndefined();
    expect(agent.logs().some((l) => l.msg === 'acceptable-use notice shown')).toBe(false);
  });
});
