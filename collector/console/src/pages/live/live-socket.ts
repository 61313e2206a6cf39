import { decodeLiveFrame, liveFrameHeaderSchema, liveServerMessageSchema, type LiveClientMessage, type LiveFrameHeader, type LiveServerMessage } from '@vigil/shared/console';
import type { ConnectionState } from './live-state.ts';

// The console's end of WS /console/live: one socket per open room page. It remembers
// what the page wants (room, visible, focused device) and says it again after every
// reconnect, so a dropped socket heals without the page doing anything.

/** The part of the browser's WebSocket this uses (tests pass a fake). */
export interface SocketLike {
  binaryType: BinaryType;
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
}

const OPEN = 1;

export interface LiveConnectionOptions {
  readonly url: string;
  readonly onMessage: (message: LiveServerMessage) => void;
  readonly onFrame: (header: LiveFrameHeader, bytes: Uint8Array) => void;
  readonly onState: (state: ConnectionState) => void;
  /** After an unexpected close (e.g. to check whether the session ended). */
  readonly onDropped?: (code: number, attempt: number) => void;
  readonly createSocket?: (url: string) => SocketLike;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  readonly random?: () => number;
}

/** `ws://host/console/live` or `wss://…` to match the page. */
export function liveSocketUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/console/live`;
}

/** Wait before reconnect attempt `attempt` (0-based): 0.5–1 s, doubling to at most 15–30 s, jittered so 30 consoles do not return at once. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(30_000, 1_000 * 2 ** Math.min(attempt, 10));
  return Math.round(ceiling * (0.5 + random() * 0.5));
}

/** A text frame as a server message, or undefined when it is not one (ignored, never thrown). */
export function parseServerMessage(text: string): LiveServerMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = liveServerMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** A binary frame as header + image bytes, or undefined when it is not well formed. */
export function parseFrame(data: ArrayBuffer): { header: LiveFrameHeader; bytes: Uint8Array } | undefined {
  const decoded = decodeLiveFrame(new Uint8Array(data));
  if (decoded === undefined) return undefined;
  const header = liveFrameHeaderSchema.safeParse(decoded.header);
  return header.success ? { header: header.data, bytes: decoded.bytes } : undefined;
}

export class LiveConnection {
  readonly #options: LiveConnectionOptions;
  #socket: SocketLike | undefined;
  #timer: unknown;
  #attempt = 0;
  #stopped = true;
  #roomId: string | undefined;
  #visible = true;
  #focus: string | null = null;

  constructor(options: LiveConnectionOptions) {
    this.#options = options;
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    this.#attempt = 0;
    this.#options.onState('connecting');
    this.#connect();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) (this.#options.clearTimer ?? clearTimeout)(this.#timer as ReturnType<typeof setTimeout>);
    this.#timer = undefined;
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.onopen = null;
      socket.onmessage = null;
      socket.onclose = null;
      socket.onerror = null;
      socket.close(1000, 'page closed');
    }
    this.#options.onState('closed');
  }

  watch(roomId: string): void {
    this.#roomId = roomId;
    this.#send({ type: 'watch', roomId });
  }

  /** document.visibilityState: a hidden page gets state but no pictures. */
  setVisible(visible: boolean): void {
    if (this.#visible === visible) return;
    this.#visible = visible;
    this.#send({ type: 'visibility', visible });
  }

  /** The enlarged device (a larger, faster stream), or null for the grid. */
  setFocus(deviceId: string | null): void {
    if (this.#focus === deviceId) return;
    this.#focus = deviceId;
    this.#send({ type: 'focus', deviceId });
  }

  #send(message: LiveClientMessage): void {
    if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify(message));
  }

  #connect(): void {
    this.#timer = undefined;
    const socket = (this.#options.createSocket ?? ((url) => new WebSocket(url)))(this.#options.url);
    socket.binaryType = 'arraybuffer';
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#options.onState('live');
      if (this.#roomId !== undefined) this.#send({ type: 'watch', roomId: this.#roomId });
      this.#send({ type: 'visibility', visible: this.#visible });
      if (this.#focus !== null) this.#send({ type: 'focus', deviceId: this.#focus });
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') {
        const message = parseServerMessage(event.data);
        if (message !== undefined) this.#options.onMessage(message);
      } else if (event.data instanceof ArrayBuffer) {
        const frame = parseFrame(event.data);
        if (frame !== undefined) this.#options.onFrame(frame.header, frame.bytes);
      }
    };
    // `error` is always followed by `close`, which does the work.
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = undefined;
      const attempt = this.#attempt;
      this.#attempt += 1;
      this.#options.onState('reconnecting');
      this.#options.onDropped?.(event.code, attempt);
      this.#timer = (this.#options.setTimer ?? setTimeout)(() => this.#connect(), reconnectDelay(attempt, this.#options.random));
    };
  }
}
