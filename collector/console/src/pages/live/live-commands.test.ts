import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandResultText, lockRoom, messageRoom, parseLockMinutes, targetsPhrase, unlockRoom } from './live-commands.ts';

describe('commandResultText', () => {
  it('says how many got it and how many are connected', () => {
    expect(commandResultText('lock', { deviceIds: ['a', 'b', 'c'], delivered: 3 })).toBe('Lock sent to 3 computers (all connected now).');
    expect(commandResultText('unlock', { deviceIds: ['a'], delivered: 1 })).toBe('Unlock sent to 1 computer (connected now).');
    expect(commandResultText('message', { deviceIds: ['a', 'b'], delivered: 1 })).toBe('Message sent to 2 computers (1 connected now; the others get it when they reconnect).');
    expect(commandResultText('lock', { deviceIds: [], delivered: 0 })).toBe('Lock not sent: no computers matched.');
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
