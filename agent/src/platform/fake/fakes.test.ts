import { describe, expect, it } from 'vitest';
import type { ActiveWindow, Key, KeySourceStatus } from '../../core/ports.ts';
import { isBlank } from '../node/image-encode.ts';
import { createFakePlatform, FakeKeySource, FakeScreenCapture, FakeWindowSource } from './index.ts';

describe('FakeWindowSource', () => {
  it('tells a watcher the current window first, then only real changes, until it stops watching', async () => {
    const source = new FakeWindowSource({ app: 'xterm', title: 'History homework' });
    const seen: (ActiveWindow | undefined)[] = [];
    const stop = source.watch((w) => seen.push(w));
    await Promise.resolve();
    source.set({ app: 'xterm', title: 'History homework', pid: 7 });
    source.set({ app: 'firefox', title: 'BBC Bitesize', url: 'https://www.bbc.co.uk/bitesize' });
    source.set(undefined);
    stop();
    source.set({ app: 'xterm', title: 'after stop' });
    expect(seen.map((w) => w?.title)).toEqual(['History homework', 'BBC Bitesize', undefined]);
    expect(await source.current()).toEqual({ app: 'xterm', title: 'after stop' });
    expect(source.watcherCount).toBe(0);
  });
});

describe('FakeKeySource', () => {
  it('types characters and named keys, and drops keys while unavailable', async () => {
    const keys = new FakeKeySource();
    const got: Key[] = [];
    const statuses: KeySourceStatus[] = [];
    await keys.start(
      (k) => got.push(k),
      (s) => statuses.push(s),
    );
    keys.type('Hi!\b\n');
    keys.press('Click');
    keys.setStatus('unavailable', 'hook died');
    keys.type('lost');
    keys.setStatus('ok');
    keys.type('x');
    expect(got).toEqual(['H', 'i', '!', 'Backspace', 'Enter', 'Click', 'x']);
    expect(statuses).toEqual(['ok', 'unavailable', 'ok']);
    expect(keys.dropped).toBe(4);
  });
});

describe('FakeScreenCapture', () => {
  it('returns real non-blank JPEGs: same scene same bytes, new scene new bytes', async () => {
    const capture = new FakeScreenCapture();
    const a = await capture.capture({ maxWidth: 320 });
    const b = await capture.capture({ maxWidth: 320 });
    capture.scene = 1;
    const c = await capture.capture({ maxWidth: 320 });
    expect([a.width, a.height, a.mime]).toEqual([320, 200, 'image/jpeg']);
    expect(a.bytes.subarray(0, 2)).toEqual(new Uint8Array([0xff, 0xd8]));
    expect(await isBlank(a)).toBe(false);
    expect(b.sha256).toBe(a.sha256);
    expect(c.sha256).not.toBe(a.sha256);
    expect((await capture.capture({ maxWidth: 5000 })).width).toBe(1280);
    capture.failWith = new Error('no screen');
    await expect(capture.capture({ maxWidth: 320 })).rejects.toThrow('no screen');
    expect(capture.calls).toHaveLength(5);
  });
});

describe('createFakePlatform', () => {
  it('drives idle time from the shared fake clock', async () => {
    const p = createFakePlatform();
    p.clock.advance(90_000);
    expect(await p.idle.idleSeconds()).toBe(90);
    p.idle.input();
    p.clock.advance(5_000);
    expect(await p.idle.idleSeconds()).toBe(5);
    p.idle.set(600);
    expect(await p.idle.idleSeconds()).toBe(600);
  });

  it('records lock, unlock and messages, and can refuse a lock', async () => {
    const p = createFakePlatform();
    await p.locker.lock({ message: 'Eyes front' });
    expect(await p.locker.isLocked()).toBe(true);
    await p.locker.unlock();
    p.locker.failNextLock = new Error('i3lock missing');
    await expect(p.locker.lock()).rejects.toThrow('i3lock missing');
    expect(await p.locker.isLocked()).toBe(false);
    await p.notifier.notify('From Ms Khan', 'Five minutes left');
    expect(p.locker.calls).toEqual([{ op: 'lock', message: 'Eyes front' }, { op: 'unlock' }, { op: 'lock' }]);
    expect(p.notifier.messages).toEqual([{ title: 'From Ms Khan', body: 'Five minutes left' }]);
  });
});
