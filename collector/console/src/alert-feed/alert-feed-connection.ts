import { alertFeedServerMessageSchema, type AlertFeedServerMessage } from '@vigil/shared/console';
import { ReconnectingSocket, socketUrl, type SocketLike, type SocketState } from '../api/reconnecting-socket.ts';

// The console's end of WS /console/alerts: one socket per signed-in triage user (the
// shell opens it), told of new and changed alerts in their scope. It only listens, and
// reconnects on its own after a drop, with the same jittered backoff as the live view.

export type FeedState = SocketState;

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
  return socketUrl(location, '/console/alerts');
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
const finalCodes: ReadonlySet<number> = new Set([4401, 4403]);

export class AlertFeedConnection {
  readonly #socket: ReconnectingSocket;

  constructor(options: AlertFeedConnectionOptions) {
    this.#socket = new ReconnectingSocket({
      url: options.url,
      finalCodes,
      onState: options.onState,
      ...(options.createSocket === undefined ? {} : { createSocket: options.createSocket }),
      ...(options.setTimer === undefined ? {} : { setTimer: options.setTimer }),
      ...(options.clearTimer === undefined ? {} : { clearTimer: options.clearTimer }),
      ...(options.random === undefined ? {} : { random: options.random }),
      onMessage: (event) => {
        if (typeof event.data !== 'string') return;
        const message = parseFeedMessage(event.data);
        if (message !== undefined) options.onMessage(message);
      },
    });
  }

  start(): void {
    this.#socket.start();
  }

  stop(): void {
    this.#socket.stop();
  }
}
