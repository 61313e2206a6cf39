import {
  decodeLiveFrame,
  liveFrameHeaderSchema,
  liveServerMessageSchema,
  type LiveClientMessage,
  type LiveFrameHeader,
  type LiveServerMessage,
} from '@vigil/shared/console';
import { ReconnectingSocket, socketUrl, type SocketLike } from '../../api/reconnecting-socket.ts';
import type { ConnectionState } from './live-state.ts';

export { reconnectDelay, type SocketLike } from '../../api/reconnecting-socket.ts';

// The console's end of WS /console/live: one socket per open room page. It remembers
// what the page wants (room, visible, focused device) and says it again after every
// reconnect, so a dropped socket heals without the page doing anything.

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
  return socketUrl(location, '/console/live');
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
  readonly #socket: ReconnectingSocket;
  #roomId: string | undefined;
  #visible = true;
  #focus: string | null = null;

  constructor(options: LiveConnectionOptions) {
    this.#socket = new ReconnectingSocket({
      url: options.url,
      binaryType: 'arraybuffer',
      onState: options.onState,
      ...(options.onDropped === undefined ? {} : { onDropped: options.onDropped }),
      ...(options.createSocket === undefined ? {} : { createSocket: options.createSocket }),
      ...(options.setTimer === undefined ? {} : { setTimer: options.setTimer }),
      ...(options.clearTimer === undefined ? {} : { clearTimer: options.clearTimer }),
      ...(options.random === undefined ? {} : { random: options.random }),
      onOpen: () => {
        if (this.#roomId !== undefined) this.#send({ type: 'watch', roomId: this.#roomId });
        this.#send({ type: 'visibility', visible: this.#visible });
        if (this.#focus !== null) this.#send({ type: 'focus', deviceId: this.#focus });
      },
      onMessage: (event) => {
        if (typeof event.data === 'string') {
          const message = parseServerMessage(event.data);
          if (message !== undefined) options.onMessage(message);
        } else if (event.data instanceof ArrayBuffer) {
          const frame = parseFrame(event.data);
          if (frame !== undefined) options.onFrame(frame.header, frame.bytes);
        }
      },
    });
  }

  start(): void {
    this.#socket.start();
  }

  stop(): void {
    this.#socket.stop();
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
    this.#socket.send(JSON.stringify(message));
  }
}
