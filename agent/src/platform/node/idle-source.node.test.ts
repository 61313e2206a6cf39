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
    const grown = await waitFor(
      async () => {
        const s = await idle.idleSeconds();
        return s >= first + 0.5 && s;
      },
      { message: 'idle time to grow by 0.5 s' },
    );
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
    expect(() => parseXprintidle("couldn't open display")).toThrow();
  });

  it('reads macOS HIDIdleTime nanoseconds as seconds', () => {
    expect(parseIoregIdle('    | |   "HIDIdleTime" = 2500000000\n')).toBe(2.5);
    expect(() => parseIoregIdle('nothing')).toThrow();
  });

  it('reads Windows idle time from GetLastInputInfo and GetTickCount (fake user32, not a Windows run)', async () => {
    const user32 = fakeIdleUser32(0x0000_1000, 0xffff_f000);
    const idle = new NodeIdleSource({ platform: 'win32', user32: async () => user32 });
    // The tick count wrapped past 2^32 since the last input: 0x2000 ms, not ~49.7 days.
    await expect(idle.idleSeconds()).resolves.toBe(8.192);
    expect(user32.infos).toEqual([{ cbSize: 8, dwTime: 0xffff_f000 }]);
  });

  it('fails with a clear error on Windows when user32 cannot be bound, never reporting 0', async () => {
    const failing = new NodeIdleSource({ platform: 'win32', user32: async () => Promise.reject(new Error('the FFI library (koffi) could not load: boom')) });
    await expect(failing.idleSeconds()).rejects.toThrow(/koffi/);
    const refused = new NodeIdleSource({ platform: 'win32', user32: async () => fakeIdleUser32(5, 1, false) });
    await expect(refused.idleSeconds()).rejects.toThrow(/GetLastInputInfo failed/);
  });

  it('on this Linux machine the real user32 binding rejects (no user32.dll) instead of crashing', async () => {
    await expect(new NodeIdleSource({ platform: 'win32' }).idleSeconds()).rejects.toThrow(/user32\.dll|shared library/);
  });

  it('does not pretend to know the idle time elsewhere', async () => {
    await expect(new NodeIdleSource({ platform: 'aix' }).idleSeconds()).rejects.toThrow(/not implemented on aix/);
  });
});

/** Just the two calls idle time needs; every other User32 member throws if touched. */
function fakeIdleUser32(now: number, lastInput: number, ok = true) {
  const infos: { cbSize: number; dwTime?: number }[] = [];
  const unused = () => {
    throw new Error('not used by idle time');
  };
  return {
    infos,
    GetLastInputInfo(info: { cbSize: number; dwTime?: number }): boolean {
      if (ok) info.dwTime = lastInput;
      infos.push({ ...info });
      return ok;
    },
    GetTickCount: () => now,
    GetForegroundWindow: unused,
    GetWindowThreadProcessId: unused,
    GetKeyboardLayout: unused,
    MapVirtualKeyExW: unused,
    ToUnicodeEx: unused,
    GetKeyState: unused,
  };
}
