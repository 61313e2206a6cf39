import { afterEach, describe, expect, it, vi } from 'vitest';
import type { MessageReceiptsResponse } from '@vigil/shared/console';
import {
  commandResultText,
  lockRoom,
  messageResultText,
  messageRoom,
  parseLockMinutes,
  targetsPhrase,
  unlockRoom,
  watchMessageReceipts,
} from './live-commands.ts';

describe('commandResultText', () => {
  it('says how many got it and how many are connected', () => {
    expect(commandResultText('lock', { deviceIds: ['a', 'b', 'c'], delivered: 3 })).toBe('Lock sent to 3 computers (all connected now).');
    expect(commandResultText('unlock', { deviceIds: ['a'], delivered: 1 })).toBe('Unlock sent to 1 computer (connected now).');
    expect(commandResultText('lock', { deviceIds: [], delivered: 0 })).toBe('Lock not sent: no computers matched.');
  });
});

describe('messageResultText', () => {
  const sent = { deviceIds: ['a', 'b', 'c'], delivered: 3, messageId: '01KDXS0000MSG0000000000001' };
  const receipts = (shown: MessageReceiptsResponse['shown']): MessageReceiptsResponse => ({ messageId: sent.messageId, deviceIds: sent.deviceIds, shown });

  it('says delivered and shown apart, never "sent" for what nobody saw', () => {
    expect(messageResultText(sent, undefined, true)).toBe('Message delivered to 3 computers · shown on 0 (waiting for 3…).');
    const two = receipts([
      { deviceId: 'a', via: 'window', at: 1 },
      { deviceId: 'b', via: 'notification', at: 2 },
    ]);
    expect(messageResultText(sent, two, true)).toBe('Message delivered to 3 computers · shown on 2 (waiting for 1…).');
    expect(messageResultText(sent, two, false)).toBe('Message delivered to 3 computers · shown on 2 · 1 did not confirm it was shown.');
    const noScreen = receipts([...two.shown, { deviceId: 'c', via: 'none', at: 3 }]);
    expect(messageResultText(sent, noScreen, false)).toBe('Message delivered to 3 computers · shown on 2 · 1 could not show it (no screen).');
  });

  it('says who is not connected, since messages are not kept for later', () => {
    expect(messageResultText({ deviceIds: ['a', 'b'], delivered: 1 }, receipts([{ deviceId: 'a', via: 'window', at: 1 }]), false)).toBe(
      'Message delivered to 1 of 2 computers · shown on 1 · 1 not connected (they will not get it).',
    );
    expect(messageResultText({ deviceIds: ['a', 'b'], delivered: 0 }, undefined, false)).toBe('Message not delivered: none of the 2 computers is connected.');
    expect(messageResultText({ deviceIds: [], delivered: 0 }, undefined, false)).toBe('Message not sent: no computers matched.');
  });
});

describe('watchMessageReceipts', () => {
  afterEach(() => vi.useRealTimers());

  it('asks until every delivered PC has answered, then stops', async () => {
    vi.useFakeTimers();
    const answers: MessageReceiptsResponse['shown'][] = [
      [],
      [{ deviceId: 'a', via: 'window', at: 1 }],
      [
        { deviceId: 'a', via: 'window', at: 1 },
        { deviceId: 'b', via: 'none', at: 2 },
      ],
    ];
    const fetch = vi.fn(async () => ({ messageId: 'm', deviceIds: ['a', 'b'], shown: answers.shift() ?? [] }));
    const updates: [number | undefined, boolean][] = [];
    watchMessageReceipts('r1', { deviceIds: ['a', 'b'], delivered: 2, messageId: 'm' }, (r, waiting) => updates.push([r?.shown.length, waiting]), {
      fetch,
      intervalMs: 100,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(3);
    expect(fetch).toHaveBeenCalledWith('r1', 'm');
    expect(updates).toEqual([
      [undefined, true],
      [0, true],
      [1, true],
      [2, false],
    ]);
  });

  it('gives up after its attempts, and does not ask when nothing was delivered', async () => {
    vi.useFakeTimers();
    const fetch = vi.fn(async () => ({ messageId: 'm', deviceIds: ['a'], shown: [] }));
    const updates: boolean[] = [];
    watchMessageReceipts('r1', { deviceIds: ['a'], delivered: 1, messageId: 'm' }, (_r, waiting) => updates.push(waiting), {
      fetch,
      intervalMs: 100,
      attempts: 2,
    });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    expect(updates.at(-1)).toBe(false);
    const none = vi.fn();
    watchMessageReceipts('r1', { deviceIds: ['a'], delivered: 0, messageId: 'm' }, () => undefined, { fetch: none });
    await vi.advanceTimersByTimeAsync(1_000);
    expect(none).not.toHaveBeenCalled();
  });
});

describe('parseLockMinutes', () => {
  it('takes empty as no time limit and whole minutes from 1 to 480', () => {
    expect(parseLockMinutes('')).toEqual({ ok: true, minutes: undefined });
    expect(parseLockMinutes(' 15 ')).toEqual({ ok: true, minutes: 15 });
    expect(parseLockMinutes('480')).toEqual({ ok: true, minutes: 480 });
  });
  it('refuses anything else with a reason', () => {
    expect(parseLockMinutes('0')).toMatchObject({ ok: false });
    expect(parseLockMinutes('481')).toMatchObject({ ok: false });
    expect(parseLockMinutes('2.5')).toMatchObject({ ok: false, problem: 'Minutes must be a whole number.' });
  });
});

describe('targetsPhrase', () => {
  const name = (id: string) => (id === 'pc-7' ? 'PC-07' : undefined);
  it('names the whole room, one PC or the selection', () => {
    expect(targetsPhrase(undefined, 30, 'ICT 1', name)).toBe('all 30 computers in ICT 1');
    expect(targetsPhrase(['pc-7'], 30, 'ICT 1', name)).toBe('PC-07');
    expect(targetsPhrase(['a', 'b', 'c'], 30, 'ICT 1', name)).toBe('3 selected computers');
  });
});

describe('command requests', () => {
  afterEach(() => vi.unstubAllGlobals());

  function capture() {
    const bodies: { url: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      bodies.push({ url, body: JSON.parse(String(init.body)) });
      return new Response(JSON.stringify({ deviceIds: ['a'], delivered: 1 }), { status: 200 });
    });
    return bodies;
  }

  it('sends only what was asked (the contract schemas are strict)', async () => {
    const bodies = capture();
    await lockRoom('room 1', undefined, '  ', undefined);
    await lockRoom('r', ['a', 'b'], ' Eyes front ', 10);
    await unlockRoom('r', undefined);
    await messageRoom('r', ['a'], ' Five minutes left ');
    expect(bodies).toEqual([
      { url: '/api/rooms/room%201/lock', body: {} },
      { url: '/api/rooms/r/lock', body: { deviceIds: ['a', 'b'], message: 'Eyes front', minutes: 10 } },
      { url: '/api/rooms/r/unlock', body: {} },
      { url: '/api/rooms/r/message', body: { deviceIds: ['a'], text: 'Five minutes left' } },
    ]);
  });
});
