import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActiveWindow } from '../../core/ports.ts';
import { startXvfb, type Xvfb, type XWindow } from '../../testing/xvfb.harness.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { NodeWindowSource, type WindowSourceStrategy } from './window-source.node.ts';

describe('NodeWindowSource under Xvfb', { timeout: 30_000 }, () => {
  let x: Xvfb;
  const savedDisplay = process.env.DISPLAY;

  beforeAll(async () => {
    x = await startXvfb();
    // get-windows (and so this adapter) reads the display from process.env, as the agent does.
    process.env.DISPLAY = x.display;
  }, 60_000);

  afterAll(async () => {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x?.stop();
  });

  it('auto picks X11 events on Linux with xprop and a DISPLAY', async () => {
    expect(await new NodeWindowSource().resolveStrategy()).toBe('x11-events');
  });

  for (const strategy of ['x11-events', 'poll'] satisfies WindowSourceStrategy[]) {
    it(`${strategy}: reports the xterm that opens, then the window that takes focus, then a retitle`, async () => {
      const seen: (ActiveWindow | undefined)[] = [];
      const source = new NodeWindowSource({ strategy, pollIntervalMs: 200 });
      const stop = source.watch((win) => seen.push(win));
      const first = await x.openXterm(`History homework ${strategy}`);
      let second: XWindow | undefined;
      try {
        await waitFor(() => seen.at(-1)?.title === `History homework ${strategy}`, { message: 'first title' });
        second = await x.openXterm(`Second window ${strategy}`);
        await waitFor(() => seen.at(-1)?.title === `Second window ${strategy}`, { message: 'second title' });
        const win = seen.at(-1);
        expect(win?.app).toMatch(/xterm/i);
        expect(win?.pid).toBe(second.pid);

        await first.activate();
        await waitFor(() => seen.at(-1)?.title === `History homework ${strategy}`, { message: 'focus back' });
        await x.xdotool('set_window', '--name', `Renamed ${strategy}`, first.id);
        await waitFor(() => seen.at(-1)?.title === `Renamed ${strategy}`, { message: 'retitle' });

        // Only changes are reported: no two consecutive reports are the same window.
        for (let i = 1; i < seen.length; i++) {
          expect([seen[i - 1]?.app, seen[i - 1]?.title]).not.toEqual([seen[i]?.app, seen[i]?.title]);
        }
        expect(await source.current()).toMatchObject({ title: `Renamed ${strategy}` });
      } finally {
        stop();
        await first.close();
        await second?.close();
      }
    });
  }
});

describe('NodeWindowSource change detection', () => {
  it('reports the first window and then only changes of app, title or url', async () => {
    const answers: (ActiveWindow | undefined)[] = [
      { app: 'xterm', title: 'a' },
      { app: 'xterm', title: 'a', pid: 2 },
      { app: 'xterm', title: 'b' },
      undefined,
      undefined,
      { app: 'firefox', title: 'b', url: 'https://example.org' },
    ];
    let i = 0;
    const seen: (ActiveWindow | undefined)[] = [];
    const source = new NodeWindowSource({
      strategy: 'poll',
      pollIntervalMs: 5,
      query: async () => answers[Math.min(i++, answers.length - 1)],
    });
    const stop = source.watch((win) => seen.push(win));
    await waitFor(() => i >= answers.length + 2);
    stop();
    expect(seen).toEqual([answers[0], answers[2], undefined, answers[5]]);
  });

  it('keeps watching after a failed query', async () => {
    let calls = 0;
    const seen: (ActiveWindow | undefined)[] = [];
    const source = new NodeWindowSource({
      strategy: 'poll',
      pollIntervalMs: 5,
      query: async () => {
        calls += 1;
        if (calls === 1) throw new Error('xprop went away');
        return { app: 'xterm', title: 'back' };
      },
    });
    const stop = source.watch((win) => seen.push(win));
    await waitFor(() => seen.length > 0);
    stop();
    expect(seen).toEqual([{ app: 'xterm', title: 'back' }]);
  });
});
