import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { run } from './exec.ts';
import { countdownText, lockScreenSvg, messageBoxSvg, renderPng, wrap } from './lock-screen-image.ts';
import { LOCK_WINDOW_NAME, MESSAGE_WINDOW_NAME, X11LockScreen, X11MessageBox } from './x11-overlay.ts';

describe('lock screen and message box images', () => {
  it('puts the message (escaped), the teacher and the heading in the SVG and renders it at the screen size', async () => {
    const svg = lockScreenSvg(1280, 800, { message: 'Eyes on the board <now> & listen', by: 'Ms Patel' });
    expect(svg).toContain('This screen is locked');
    expect(svg).toContain('Eyes on the board &#60;now&#62; &#38; listen');
    expect(svg).toContain('Locked by Ms Patel');
    const png = await renderPng(svg);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).toEqual([1280, 800]);
  });

  it('says "your teacher" when nobody is named, and the countdown counts down', () => {
    expect(lockScreenSvg(800, 600, {})).toContain('Locked by your teacher');
    expect(countdownText(120_000, 0)).toBe('Unlocks in 2:00');
    expect(countdownText(120_000, 60_500)).toBe('Unlocks in 1:00');
    expect(countdownText(3_723_000, 0)).toBe('Unlocks in 1:02:03');
    expect(countdownText(1_000, 5_000)).toBe('Unlocks in 0:00');
    expect(countdownText(undefined, 0)).toBe('Locked until your teacher unlocks it');
  });

  it('wraps long messages and cuts them at the line limit', () => {
    expect(wrap('one two three four', 9, 5)).toEqual(['one two', 'three', 'four']);
    expect(wrap('a'.repeat(25), 10, 5)).toEqual(['a'.repeat(10), 'a'.repeat(10), 'a'.repeat(5)]);
    const cut = wrap('word '.repeat(100), 20, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]?.endsWith('…')).toBe(true);
  });

  it('puts the title, body, footer and button in the message box', () => {
    const svg = messageBoxSvg(480, 240, { title: 'Message from Mr Khan', body: 'Save your work', footer: 'Locks in 0:30' });
    for (const text of ['Message from Mr Khan', 'Save your work', 'Locks in 0:30', '>OK<']) expect(svg).toContain(text);
  });
});

describe('X11 overlay windows under Xvfb with openbox', { timeout: 60_000 }, () => {
  let x: Xvfb;

  beforeAll(async () => {
    await ensureTools([T.xwininfo, T.imagemagick]);
    x = await startXvfb({ width: 1024, height: 768 });
  });

  afterAll(async () => {
    await x?.stop();
  });

  async function windowLine(name: string): Promise<string | undefined> {
    const { stdout } = await run('xwininfo', ['-root', '-tree'], { env: x.env });
    return stdout.split('\n').find((line) => line.includes(`"${name}"`));
  }

  async function screenPixel(px: number, py: number): Promise<number[]> {
    const { stdout } = await run('import', ['-window', 'root', '-crop', `1x1+${px}+${py}`, '-depth', '8', 'txt:-'], { env: x.env });
    const m = /\((\d+),(\d+),(\d+)/.exec(stdout.split('\n')[1] ?? '');
    if (m === null) throw new Error(`unexpected import output: ${stdout}`);
    return [Number(m[1]), Number(m[2]), Number(m[3])];
  }

  it('shows a fullscreen lock that holds the keyboard, survives Alt+F4 and Escape, and goes on close()', async () => {
    const term = await x.openXterm('pupil work');
    const lock = await X11LockScreen.show({ message: 'Eyes on the board', by: 'Ms Patel', until: Date.now() + 120_000 }, { env: x.env });
    try {
      const line = await windowLine(LOCK_WINDOW_NAME);
      expect(line).toMatch(/1024x768\+0\+0/);
      // Not the plain black of i3lock: the dark blue background.
      const [r, , b] = await screenPixel(20, 20);
      expect(b).toBeGreaterThan(30);
      expect(b).toBeGreaterThan(r as number);
      // Alt+F4 and Escape go to the lock window (it holds the keyboard), which ignores them.
      await run('xdotool', ['key', 'alt+F4', 'Escape'], { env: x.env });
      // A window raised over it is pushed back under.
      await run('xdotool', ['windowraise', term.id], { env: x.env });
      await waitFor(
        async () => {
          const [, , blue] = await screenPixel(20, 20);
          return (blue as number) > 30;
        },
        { timeoutMs: 3_000, message: 'lock screen back on top' },
      );
      expect(lock.showing).toBe(true);
      expect(await windowLine(LOCK_WINDOW_NAME)).toBeDefined();
      // The xterm stays: Alt+F4 did not reach openbox.
      const { stdout } = await run('xdotool', ['search', '--name', 'pupil work'], { env: x.env });
      expect(stdout.trim()).toBe(term.id);
    } finally {
      lock.close();
      await term.close();
    }
    await waitFor(async () => (await windowLine(LOCK_WINDOW_NAME)) === undefined, { timeoutMs: 3_000, message: 'lock window gone' });
  });

  it('shows a message box that an OK click closes', async () => {
    const box = await X11MessageBox.show({ title: 'Message from Mr Khan', body: 'Save your work now' }, { env: x.env });
    const line = await windowLine(MESSAGE_WINDOW_NAME);
    const m = /(\d+)x(\d+)\+(\d+)\+(\d+)/.exec(line ?? '');
    expect(m).not.toBeNull();
    const [w, h, left, top] = (m ?? []).slice(1).map(Number) as [number, number, number, number];
    expect(left + w).toBeLessThanOrEqual(1024);
    await run('xdotool', ['mousemove', String(left + w - 60), String(top + h - 36), 'click', '1'], { env: x.env });
    await expect(box.ended).resolves.toBe('ok');
    await waitFor(async () => (await windowLine(MESSAGE_WINDOW_NAME)) === undefined, { timeoutMs: 3_000, message: 'message window gone' });
  });

  it('hides a message box by itself after autoHideMs', async () => {
    const box = await X11MessageBox.show({ title: 't', body: 'b' }, { env: x.env, autoHideMs: 300 });
    expect(box.showing).toBe(true);
    await expect(box.ended).resolves.toBe('timeout');
    expect(box.showing).toBe(false);
  });
});
