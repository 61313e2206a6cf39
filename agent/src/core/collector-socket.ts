import type { Logger } from 'pino';
import { WebSocket, type ClientOptions } from 'ws';
import { MAX_COLLECTOR_MESSAGE } from './connection-frames.ts';
import type { Transport } from './collector-transport.ts';
import { connectPinned } from './pinned-tls.ts';

export type OpenedSocket =
  | { ok: true; ws: WebSocket; verifiedPin: string | undefined }
  | { ok: false; code: 'pin-mismatch'; presented: string }
  | { ok: false; code: 'unreachable'; detail: string };

/**
 * A WebSocket to the collector over `transport`. Pinned: TLS is opened and the key checked
 * first (pinned-tls.ts), and only then does `ws` get the socket to send its upgrade request
 * on — so a collector with another key receives nothing. Unpinned modes are warned about on
 * every connection, as the operator asked for them (or, for migration, as the one exposed step).
 */
export async function openCollectorSocket(transport: Transport, log: Logger, handshakeTimeoutMs = 10_000): Promise<OpenedSocket> {
  const options = { maxPayload: MAX_COLLECTOR_MESSAGE, handshakeTimeout: handshakeTimeoutMs, perMessageDeflate: false };
  switch (transport.mode) {
    case 'pinned': {
      const checked = await connectPinned(transport.url, transport.pins, handshakeTimeoutMs);
      if (!checked.ok) return checked;
      const socket = checked.socket;
      // ws's createConnection is typed as net's; the TLS socket it receives is one.
      const ws = new WebSocket(transport.url, { ...options, createConnection: (() => socket) as unknown as ClientOptions['createConnection'] });
      return { ok: true, ws, verifiedPin: checked.pin };
    }
    case 'tls-unpinned':
      log.warn(
        { url: transport.url },
        'connecting over TLS WITHOUT checking the collector key (--insecure): anyone on the network path can impersonate the collector',
      );
      return { ok: true, ws: new WebSocket(transport.url, { ...options, rejectUnauthorized: false }), verifiedPin: undefined };
    case 'plain-insecure':
      log.warn(
        { url: transport.url },
        'connecting over plain ws:// (--insecure): the device secret and everything sent can be read and the collector impersonated',
      );
      return { ok: true, ws: new WebSocket(transport.url, options), verifiedPin: undefined };
    case 'plain-migrate':
      log.warn(
        { url: transport.url },
        "connecting over plain ws:// once to learn the collector's TLS address and key (enrolled before pinning); this connection is not protected and nothing the collector says on it is obeyed",
      );
      return { ok: true, ws: new WebSocket(transport.url, options), verifiedPin: undefined };
    case 'plain-loopback':
      return { ok: true, ws: new WebSocket(transport.url, options), verifiedPin: undefined };
  }
}
