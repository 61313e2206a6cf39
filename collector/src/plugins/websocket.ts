import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { PeerFaultLog } from '../logging/peer-fault-log.ts';

/** Errors that only mean the peer went away: not worth more than a debug line. */
const peerGone = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

function errorCode(error: Error): string | undefined {
  return 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Registers @fastify/websocket (one server for the agent gateway and the console's live
 * socket, hence at the root) with two choices made for hostile peers:
 *
 * - `skipUTF8Validation`: text frames reach the handlers as bytes, and both decode them
 *   strictly themselves (agent frames with @vigil/shared's decoder, console messages in
 *   live-viewer.ts). Invalid UTF-8 then gets the protocol's coded close (4400
 *   `bad-utf8: …`) and one rate-limited warning, instead of ws's bare 1007 and an
 *   error-level stack trace per frame.
 * - an error handler for what ws itself refuses (bad opcodes, unmasked or oversized
 *   frames: ws has already sent its close code): a warning without stack, once per
 *   address and error code, then a count a minute. Anything else is ours: one error line.
 */
export async function registerWebsocket(app: FastifyInstance, options: { readonly maxPayload: number }): Promise<void> {
  const faults = new PeerFaultLog({ log: app.log.child({ module: 'websocket' }), what: 'malformed WebSocket frame' });
  const summaries = setInterval(() => faults.flush(), 60_000);
  summaries.unref();
  app.addHook('onClose', async () => {
    clearInterval(summaries);
    faults.flush(true);
  });

  await app.register(fastifyWebsocket, {
    options: { maxPayload: options.maxPayload, skipUTF8Validation: true },
    errorHandler(error, socket, request) {
      const code = errorCode(error);
      if (code?.startsWith('WS_ERR_') === true) faults.note(request.ip, code, { route: request.routeOptions.url, message: error.message });
      else if (code !== undefined && peerGone.has(code)) request.log.debug({ err: error }, 'websocket peer went away');
      else request.log.error({ err: error }, 'websocket handler failed');
      socket.terminate();
    },
  });
}
