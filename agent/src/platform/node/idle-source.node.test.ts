import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { NodeIdleSource, parseIoregIdle, parseXprintidle } from './idle-source.node.ts';

describe('NodeIdleSource under Xvfb', { timeout: 30_000 }, () => {
  let x: Xvfb;

  beforeAll(async () => {
    await ensureTools([T.xprintidle]);
    x = await startXvfb({ windowManager: false });
  }, 60_000);

  afterAll(async () => {
    await x?.stop();
  });

  it('grows while nothing happens and drops after the mouse moves', async () => {
    const idle = new NodeIdleSource({ env: x.env });
    const first = await idle.idleSeconds();
    const grown = await waitFor(async () => {
      const s = await idle.idleSeconds();
      return s >= first + 0.5 && s;
    }, { message: 'idle time to grow by 0.5 s' });
    await x.xdotool('mousemove', '100', '100');
    const after = await idle.idleSeconds();
    expect(after).toBeLessThan(grown);
    expect(after).toBeLessThan(0.5);
  });

  it('fails loudly when there is no X server to ask', async () => {
    const idle = new NodeIdleSource({ env: { ...x.env, DISPLAY: ':9999' } });
    await expect(idle.idleSeconds()).rejects.toThrow(/xprintidle/);
  });
});

describe('idle parsers', () => {
  it('reads xprintidle milliseconds as seconds', () => {
    expect(parseXprintidle('1500\n')).toBe(1.5);
    expect(() => parseXprintidle('')).toThrow();
    expect(() => parseXprintidle('couldn\'t open display')).toThrow();
  });

  it('reads macOS HIDIdleTime nanoseconds as seconds', () => {
    expect(parseIoregIdle('    | |   "HIDIdleTime" = 2500000000\n')).toBe(2.5);
    expect(() => parseIoregIdle('nothing')).toThrow();
  });

  it('does not pretend to know the idle time on Windows', async () => {
    await expect(new NodeIdleSource({ platform: 'win32' }).idleSeconds()).rejects.toThrow(/not implemented on win32/);
  });
});
