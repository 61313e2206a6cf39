import { alertFeedServerMessageSchema, type AlertFeedServerMessage } from '@vigil/shared/console';
import { reconnectDelay, type SocketLike } from '../pages/live/live-socket.ts';

// The console's end of WS /console/alerts: one socket per signed-in triage user (the
// shell opens it), told of new and changed alerts in their scope. It only listens, and
// reconnects on its own after a drop, with the same jittered backoff as the live view.

export type FeedState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface AlertFeedConnectionOptions {
  readonly url: string;
  readonly onMessage: (message: AlertFeedServerMessage) => void;
  readonly onState: (state: FeedState) => void;
  readonly createSocket?: (url: string) => SocketLike;
  readonly setTimer?: (run: () => void, ms: number) => unknown;
  readonly clearTimer?: (timer: unknown) => void;
  readonly random?: () => number;
}

/** `ws://host/console/alerts` or `wss://…` to match the page. */
export function alertFeedUrl(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/console/alerts`;
}

/** A text frame as a feed message, or undefined when it is not one (ignored, never thrown). */
export function parseFeedMessage(text: string): AlertFeedServerMessage | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = alertFeedServerMessageSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

/** Close codes after which reconnecting cannot help: signed out, not allowed. */
const finalCodes = new Set([4401, 4403]);

export class AlertFeedConnection {
  readonly #options: AlertFeedConnectionOptions;
  #socket: SocketLike | undefined;
  #timer: unknown;
  #attempt = 0;
  #stopped = true;

  constructor(options: AlertFeedConnectionOptions) {
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

  #connect(): void {
    this.#timer = undefined;
    const socket = (this.#options.createSocket ?? ((url) => new WebSocket(url)))(this.#options.url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#attempt = 0;
      this.#options.onState('live');
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      const message = parseFeedMessage(event.data);
      if (message !== undefined) this.#options.onMessage(message);
    };
    socket.onerror = () => undefined;
    socket.onclose = (event) => {
      if (this.#socket !== socket || this.#stopped) return;
      this.#socket = undefined;
      if (finalCodes.has(event.code)) {
        this.#stopped = true;
        this.#options.onState('closed');
        return;
      }
      const attempt = this.#attempt;
      this.#attempt += 1;
      this.#options.onState('reconnecting');
      this.#timer = (this.#options.setTimer ?? setTimeout)(() => this.#connect(), reconnectDelay(attempt, this.#options.random));
    };
  }
}
