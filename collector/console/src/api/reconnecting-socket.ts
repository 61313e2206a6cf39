// One WebSocket that comes back on its own: the console's live view (/console/live) and
// its alert feed (/console/alerts) both open one per page. After an unexpected close it
// reconnects with a jittered, doubling wait, so 30 consoles do not return at once when
// the collector restarts; a close code named `final` (signed out, not allowed) stops it.
import { backoffDelay } from '@vigil/shared/backoff';

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

export type SocketState = 'connecting' | 'live' | 'reconnecting' | 'closed';

const OPEN = 1;

/** Wait before reconnect attempt `attempt` (0-based): 0.5–1 s, doubling to at most 15–30 s. */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  return backoffDelay(attempt, { baseMs: 1_000, capMs: 30_000 }, 'equal', random);
}

/** `ws://host<path>` or `wss://…` to match the page. */
export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, path: string): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}${path}`;
}

export interface ReconnectingSocketOptions {
  readonly url: string;
  /** Every (re)connection is open: say again what the page wants. */
  readonly onOpen?: () => void;
  readonly onMessage: (event: MessageEvent) => void;
  readonly onState: (state: SocketState) => void;
  /** After an unexpected close that will be retried (e.g. to check whether the session ended). */
  readonly onDropped?: (code: number, attempt: number) => void;
  /** Close codes after which reconnecting cannot help. */
  readonly finalCodes?: ReadonlySet<number>;
  readonly binaryType?: BinaryType;
  readonly createSocket?: (url: string) => SocketLike;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  readonly random?: () => number;
}

export class ReconnectingSocket {
  readonly #options: ReconnectingSocketOptions;
  #socket: SocketLike | undefined;
  #timer: unknown;
  #attempt = 0;
  #stopped = true;

  constructor(options: ReconnectingSocketOptions) {
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

  /** Sends when connected; false (nothing sent) otherwise — the page says it again on open. */
  send(text: string): boolean {
    if (this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(text);
    return true;
  }

  #connect(): void {
    this.#timer = undefined;
    const socket = (this.#options.createSocket ?? ((url) => new WebSocket(url)))(this.#options.url);
    if (this.#options.binaryType !== undefined) socket.binaryType = this.#options.binaryType;
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#options.onState('live');
      this.#options.onOpen?.();
    };
    socket.onmessage = (event) => this.#options.onMessage(event);
    // `error` is always followed by `close`, which does the work.
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = undefined;
      if (this.#options.finalCodes?.has(event.code) === true) {
        this.#stopped = true;
        this.#options.onState('closed');
        return;
      }
      const attempt = this.#attempt;
      this.#attempt += 1;
      this.#options.onState('reconnecting');
      this.#options.onDropped?.(event.code, attempt);
      this.#timer = (this.#options.setTimer ?? setTimeout)(() => this.#connect(), reconnectDelay(attempt, this.#options.random));
    };
  }
}
