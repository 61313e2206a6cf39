import { describe, expect, it } from 'vitest';
import { encodeLiveFrame, type LiveFrameHeader, type LiveServerMessage } from '@vigil/shared/console';
import { LiveConnection, liveSocketUrl, parseFrame, parseServerMessage, reconnectDelay, type SocketLike } from './live-socket.ts';
import type { ConnectionState } from './live-state.ts';
import { room } from './live-test-data.ts';

class FakeSocket implements SocketLike {
  binaryType: BinaryType = 'blob';
  readyState = 0;
  readonly sent: unknown[] = [];
  closedWith: number | undefined;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send before open');
    this.sent.push(JSON.parse(data));
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  receive(data: string | ArrayBuffer): void {
    this.onmessage?.({ data } as MessageEvent);
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code } as CloseEvent);
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const timers: { run: () => void; ms: number }[] = [];
  const states: ConnectionState[] = [];
  const messages: LiveServerMessage[] = [];
  const frames: LiveFrameHeader[] = [];
  const dropped: number[] = [];
  const connection = new LiveConnection({
    url: 'ws://school.example/console/live',
    createSocket: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer: (run, ms) => {
      timers.push({ run, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
    random: () => 1,
    onMessage: (m) => messages.push(m),
    onFrame: (h) => frames.push(h),
    onState: (s) => states.push(s),
    onDropped: (_code, attempt) => dropped.push(attempt),
  });
  return { connection, sockets, timers, states, messages, frames, dropped, last: () => sockets[sockets.length - 1]! };
}

describe('liveSocketUrl', () => {
  it('follows the page protocol', () => {
    expect(liveSocketUrl({ protocol: 'http:', host: 'localhost:8080' })).toBe('ws://localhost:8080/console/live');
    expect(liveSocketUrl({ protocol: 'https:', host: 'vigil.school.uk' })).toBe('wss://vigil.school.uk/console/live');
  });
});

describe('reconnectDelay', () => {
  it('doubles up to 30 s and jitters down to half', () => {
    expect(reconnectDelay(0, () => 1)).toBe(1_000);
    expect(reconnectDelay(1, () => 1)).toBe(2_000);
    expect(reconnectDelay(4, () => 1)).toBe(16_000);
    expect(reconnectDelay(5, () => 1)).toBe(30_000);
    expect(reconnectDelay(50, () => 1)).toBe(30_000);
    expect(reconnectDelay(0, () => 0)).toBe(500);
  });
});

describe('LiveConnection', () => {
  it('says watch, visibility and focus when the socket opens', () => {
    const h = harness();
    h.connection.watch('room-1');
    h.connection.setVisible(false);
    h.connection.setFocus('pc-1');
    h.connection.start();
    expect(h.last().binaryType).toBe('arraybuffer');
    expect(h.states).toEqual(['connecting']);
    h.last().open();
    expect(h.states).toEqual(['connecting', 'live']);
    expect(h.last().sent).toEqual([
      { type: 'watch', roomId: 'room-1' },
      { type: 'visibility', visible: false },
      { type: 'focus', deviceId: 'pc-1' },
    ]);
  });

  it('sends changes while open, once each', () => {
    const h = harness();
    h.connection.watch('room-1');
    h.connection.start();
    h.last().open();
    h.connection.setVisible(false);
    h.connection.setVisible(false);
    h.connection.setFocus('pc-2');
    h.connection.setFocus(null);
    expect(h.last().sent.slice(2)).toEqual([
      { type: 'visibility', visible: false },
      { type: 'focus', deviceId: 'pc-2' },
      { type: 'focus', deviceId: null },
    ]);
  });

  it('reconnects with growing backoff and says everything again', () => {
    const h = harness();
    h.connection.watch('room-1');
    h.connection.start();
    h.last().drop();
    expect(h.states.at(-1)).toBe('reconnecting');
    expect(h.timers.map((t) => t.ms)).toEqual([1_000]);
    h.timers[0]!.run();
    expect(h.sockets).toHaveLength(2);
    h.last().drop();
    expect(h.timers.map((t) => t.ms)).toEqual([1_000, 2_000]);
    expect(h.dropped).toEqual([0, 1]);
    h.timers[1]!.run();
    h.connection.setFocus('pc-9');
    h.last().open();
    expect(h.states.at(-1)).toBe('live');
    expect(h.last().sent).toEqual([
      { type: 'watch', roomId: 'room-1' },
      { type: 'visibility', visible: true },
      { type: 'focus', deviceId: 'pc-9' },
    ]);
    // A successful open resets the backoff.
    h.last().drop();
    expect(h.timers.at(-1)?.ms).toBe(1_000);
  });

  it('stops for good: no reconnect after stop', () => {
    const h = harness();
    h.connection.start();
    h.last().open();
    const socket = h.last();
    h.connection.stop();
    expect(socket.closedWith).toBe(1000);
    socket.drop();
    expect(h.timers).toEqual([]);
    expect(h.states.at(-1)).toBe('closed');
  });

  it('passes on valid messages and frames and ignores malformed ones', () => {
    const h = harness();
    h.connection.start();
    h.last().open();
    h.last().receive(JSON.stringify({ type: 'room', room: room(), devices: [] }));
    h.last().receive('not json');
    h.last().receive(JSON.stringify({ type: 'device', device: { id: 'x' } }));
    h.last().receive(JSON.stringify({ type: 'mystery' }));
    const header: LiveFrameHeader = { deviceId: 'pc-1', seq: 4, width: 320, height: 200, mime: 'image/jpeg', receivedAt: 1 };
    h.last().receive(encodeLiveFrame(header, new Uint8Array([1, 2, 3])).buffer);
    h.last().receive(new Uint8Array([0, 0, 0, 200, 1]).buffer);
    expect(h.messages.map((m) => m.type)).toEqual(['room']);
    expect(h.frames).toEqual([header]);
  });
});

describe('parsers', () => {
  it('refuses a frame whose header has a mime type that is not an image', () => {
    const bad = encodeLiveFrame({ deviceId: 'pc-1', seq: 1, width: 1, height: 1, mime: 'text/html' as 'image/png', receivedAt: 0 }, new Uint8Array([60]));
    expect(parseFrame(bad.buffer)).toBeUndefined();
  });

  it('returns the image bytes after the header', () => {
    const frame = parseFrame(
      encodeLiveFrame({ deviceId: 'pc-1', seq: 1, width: 1, height: 1, mime: 'image/png', receivedAt: 0 }, new Uint8Array([9, 8, 7])).buffer,
    );
    expect([...(frame?.bytes ?? [])]).toEqual([9, 8, 7]);
  });

  it('parses an error message', () => {
    expect(parseServerMessage('{"type":"error","code":"room-forbidden","message":"no"}')).toEqual({ type: 'error', code: 'room-forbidden', message: 'no' });
  });
});
