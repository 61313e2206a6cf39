import type { AlertNotice } from '@vigil/shared/console';
import { describe, expect, it } from 'vitest';
import type { SocketLike } from '../api/reconnecting-socket.ts';
import { AlertFeedConnection, alertFeedUrl, parseFeedMessage, type FeedState } from './alert-feed-connection.ts';
import { maxNoticesAtOnce, noticeTexts, titleWithCount } from './alert-notices.ts';

const notice = (id: string, severity: number, ts = '2026-12-07T09:41:00.000Z'): AlertNotice => ({
  id,
  severity,
  category: 'self-harm',
  categoryLabel: 'Self-harm',
  restricted: true,
  roomName: 'Room 12',
  ts,
});

describe('browser notification texts', () => {
  it('names category, severity and room, links to the alert, and leaves out less severe alerts', () => {
    const texts = noticeTexts([notice('a1', 5), notice('a2', 2)], 4);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatchObject({ title: 'Vigil: severity 5 (Critical) · Self-harm', path: '/triage/a1', tag: 'vigil-alert-a1' });
    expect(texts[0]?.body).toMatch(/^Room 12 · /);
  });

  it('shows the most severe few and sums up the rest in one', () => {
    const created = [notice('a', 4), notice('b', 5), notice('c', 4), notice('d', 5), notice('e', 4)];
    const texts = noticeTexts(created, 4);
    expect(texts).toHaveLength(maxNoticesAtOnce + 1);
    expect(texts.slice(0, 2).map((text) => text.path)).toEqual(['/triage/b', '/triage/d']);
    expect(texts.at(-1)).toMatchObject({ title: 'Vigil: 2 more new alerts', path: '/triage' });
  });
});

describe('the tab title count', () => {
  it('puts the count in front once, replaces an old one, and drops it at zero', () => {
    expect(titleWithCount('Triage · Vigil', 3)).toBe('(3) Triage · Vigil');
    expect(titleWithCount('(3) Triage · Vigil', 4)).toBe('(4) Triage · Vigil');
    expect(titleWithCount('(99+) Triage · Vigil', 0)).toBe('Triage · Vigil');
    expect(titleWithCount('Triage · Vigil', 150)).toBe('(99+) Triage · Vigil');
    expect(titleWithCount('Triage · Vigil', null)).toBe('Triage · Vigil');
  });
});

class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedWith: number | undefined;
  send(): void {
    throw new Error('the feed never sends');
  }
  close(code?: number): void {
    this.closedWith = code;
  }
}

describe('the feed connection', () => {
  function harness() {
    const sockets: FakeSocket[] = [];
    const timers: Array<() => void> = [];
    const states: FeedState[] = [];
    const messages: unknown[] = [];
    const connection = new AlertFeedConnection({
      url: 'ws://console.test/console/alerts',
      onMessage: (message) => messages.push(message),
      onState: (state) => states.push(state),
      createSocket: () => {
        const socket = new FakeSocket();
        sockets.push(socket);
        return socket;
      },
      setTimer: (run) => timers.push(run),
      clearTimer: () => undefined,
      random: () => 0,
    });
    return { connection, sockets, timers, states, messages };
  }

  it('passes on well-formed messages only and reconnects after a drop', () => {
    const h = harness();
    h.connection.start();
    const first = h.sockets[0];
    if (first === undefined) throw new Error('no socket');
    first.onopen?.(new Event('open'));
    first.onmessage?.({ data: JSON.stringify({ type: 'hello', open: 2 }) } as MessageEvent);
    first.onmessage?.({ data: '{"type":"alerts"}' } as MessageEvent);
    first.onmessage?.({ data: 'not json' } as MessageEvent);
    expect(h.messages).toEqual([{ type: 'hello', open: 2 }]);
    first.onclose?.({ code: 1006 } as CloseEvent);
    expect(h.states).toEqual(['connecting', 'live', 'reconnecting']);
    h.timers[0]?.();
    expect(h.sockets).toHaveLength(2);
  });

  it('stops for good when the session is gone (4401)', () => {
    const h = harness();
    h.connection.start();
    h.sockets[0]?.onclose?.({ code: 4401 } as CloseEvent);
    expect(h.states.at(-1)).toBe('closed');
    expect(h.timers).toHaveLength(0);
  });

  it('builds the socket address from the page', () => {
    expect(alertFeedUrl({ protocol: 'https:', host: 'vigil.school.example' })).toBe('wss://vigil.school.example/console/alerts');
    expect(parseFeedMessage(JSON.stringify({ type: 'alerts', created: [], changed: ['x'], open: 0 }))).toEqual({
      type: 'alerts',
      created: [],
      changed: ['x'],
      open: 0,
    });
  });
});
