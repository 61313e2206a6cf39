import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import { PeerFaultLog } from '../logging/peer-fault-log.ts';
import { reportSocketError } from '../logging/socket-errors.ts';

/** Takes an HTTP upgrade request for one path off the server (see `claimUpgrade`). */
export type UpgradeHandler = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * Serves upgrades to exactly `path` (query string aside) with `handler`, past Fastify's
     * router and @fastify/websocket: for a route that holds many idle sockets (the agent
     * gateway), whose per-socket request, reply and error closure would otherwise stay alive
     * as long as the socket. The handler runs no Fastify hooks: it must do its own checks.
     * Upgrades arriving on the TLS listener come here too (it re-emits them on this server).
     */
    claimUpgrade(path: string, handler: UpgradeHandler): void;
  }
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
      reportSocketError(error, { ip: request.ip, route: request.routeOptions.url }, faults, request.log);
      socket.terminate();
    },
  });

  // Upgrades to a claimed path go to their handler; every other one to @fastify/websocket's
  // listener (and so through Fastify's router and hooks), as before.
  const claimed = new Map<string, UpgradeHandler>();
  app.decorate('claimUpgrade', (path: string, handler: UpgradeHandler) => {
    if (claimed.has(path)) throw new Error(`upgrades to ${path} are already claimed`);
    claimed.set(path, handler);
  });
  const server = app.server;
  const routed = server.listeners('upgrade') as UpgradeHandler[];
  server.removeAllListeners('upgrade');
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = request.url ?? '';
    const query = url.indexOf('?');
    const handler = claimed.get(query === -1 ? url : url.slice(0, query));
    if (handler !== undefined) return handler(request, socket, head);
    for (const listener of routed) listener.call(server, request, socket, head);
  });
}
