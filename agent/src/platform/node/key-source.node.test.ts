import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Key, KeySourceStatus } from '../../core/ports.ts';
import { startXvfb, type Xvfb, type XWindow } from '../../testing/xvfb.harness.ts';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { unsupportedLayout } from './key-translator.ts';
import { NodeKeySource } from './key-source.node.ts';

interface Recorder {
  keys: Key[];
  statuses: { status: KeySourceStatus; detail?: string }[];
  onKey(key: Key): void;
  onStatus(status: KeySourceStatus, detail?: string): void;
}

function recorder(): Recorder {
  const r: Recorder = {
    keys: [],
    statuses: [],
    onKey: (key) => r.keys.push(key),
    onStatus: (status, detail) => r.statuses.push({ status, detail }),
  };
  return r;
}

const lastStatus = (r: Recorder) => r.statuses.at(-1)?.status;

// The libuiohook child (Windows and macOS; on Linux the default is the X11 hook: x11-key-source.node.test.ts).
describe('NodeKeySource with the uiohook child under Xvfb', { timeout: 30_000 }, () => {
  let x: Xvfb;
  let term: XWindow;

  beforeAll(async () => {
    await ensureTools([T.xmodmap, T.xset]);
    x = await startXvfb();
    term = await x.openXterm('Typing test');
  }, 60_000);

  afterAll(async () => {
    await x?.stop();
  });

  it('turns typed text into characters through the X layout, with Shift, Backspace and clicks', async () => {
    const r = recorder();
    const source = new NodeKeySource({ env: x.env, hook: 'uiohook' });
    await source.start(r.onKey, r.onStatus);
    try {
      await waitFor(() => lastStatus(r) === 'ok', { message: 'hook ready' });
      await x.xdotoolType('hello world');
      await waitFor(() => r.keys.length >= 11, { message: '11 keys' });
      expect(r.keys.join('')).toBe('hello world');
      expect(r.keys).toEqual(['h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd']);

      r.keys.length = 0;
      await x.xdotoolType('Hi, Bob! #1 @home');
      await x.xdotool('key', 'BackSpace', 'Return', 'ctrl+c', 'Left');
      await x.xdotool('click', '1');
      await waitFor(() => r.keys.at(-1) === 'Click', { message: 'the click' });
      expect(r.keys).toEqual([...'Hi, Bob! #1 @home', 'Backspace', 'Enter', 'ArrowLeft', 'Click']);
    } finally {
      await source.stop();
    }
  });

  it('a newline typed by xdotool (a Linefeed keysym, not the Return key) arrives as Enter', async () => {
    const r = recorder();
    const source = new NodeKeySource({ env: x.env, hook: 'uiohook' });
    await source.start(r.onKey, r.onStatus);
    try {
      await waitFor(() => lastStatus(r) === 'ok', { message: 'hook ready' });
      await term.activate();
      await x.xdotoolType('ab\ncd');
      await waitFor(() => r.keys.length >= 5, { message: '5 keys' });
      expect(r.keys).toEqual(['a', 'b', 'Enter', 'c', 'd']);
    } finally {
      await source.stop();
    }
  });

  it('restarts the hook when its process is killed, and keys flow again', async () => {
    const r = recorder();
    const source = new NodeKeySource({ env: x.env, hook: 'uiohook', restart: { initialMs: 50, maxMs: 200 } });
    await source.start(r.onKey, r.onStatus);
    try {
      await waitFor(() => lastStatus(r) === 'ok', { message: 'hook ready' });
      const firstPid = source.hookPid;
      expect(firstPid).toBeGreaterThan(0);
      process.kill(firstPid ?? -1, 'SIGKILL');
      await waitFor(() => r.statuses.length >= 3 && lastStatus(r) === 'ok', { message: 'hook restarted' });
      expect(r.statuses.map((s) => s.status)).toEqual(['ok', 'unavailable', 'ok']);
      expect(r.statuses[1]?.detail).toMatch(/stopped/);
      expect(source.hookPid).not.toBe(firstPid);

      await term.activate();
      await x.xdotoolType('again');
      await waitFor(() => r.keys.join('') === 'again', { message: 'keys after restart' });
    } finally {
      await source.stop();
    }
    expect(source.hookPid).toBeUndefined();
  });
});

describe('NodeKeySource without a usable hook', { timeout: 30_000 }, () => {
  it('reports unavailable on an X server without RECORD, and this process carries on', async () => {
    await ensureTools([T.xmodmap, T.xset]);
    const bare = await startXvfb({ record: false, windowManager: false });
    const r = recorder();
    const source = new NodeKeySource({ env: bare.env, hook: 'uiohook', restart: { initialMs: 100, maxMs: 100 } });
    try {
      await source.start(r.onKey, r.onStatus);
      await waitFor(() => lastStatus(r) === 'unavailable', { message: 'unavailable status' });
      expect(r.statuses[0]?.detail).toMatch(/RECORD|XRecord/);
      // It keeps retrying (the hook child aborts each time) without reporting the same status twice.
      const pids = new Set<number>();
      await waitFor(
        () => {
          if (source.hookPid !== undefined) pids.add(source.hookPid);
          return pids.size >= 2;
        },
        { message: 'a second attempt' },
      );
      expect(r.statuses).toHaveLength(1);
    } finally {
      await source.stop();
      await bare.stop();
    }
  });

  it('reports unavailable without a DISPLAY', async () => {
    const r = recorder();
    const env = { ...process.env };
    delete env.DISPLAY;
    const source = new NodeKeySource({ env });
    await source.start(r.onKey, r.onStatus);
    await source.stop();
    expect(r.statuses).toEqual([{ status: 'unavailable', detail: expect.stringMatching(/no DISPLAY/) }]);
  });

  it('reports unavailable where no layout mapping is written, instead of guessing one', async () => {
    const r = recorder();
    const source = new NodeKeySource({ layout: unsupportedLayout('win32') });
    await source.start(r.onKey, r.onStatus);
    expect(source.hookPid).toBeUndefined();
    await source.stop();
    expect(r.statuses).toEqual([{ status: 'unavailable', detail: expect.stringMatching(/not implemented on win32/) }]);
  });
});
