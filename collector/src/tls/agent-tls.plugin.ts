// `app.agentTls`: the collector's TLS side for agents — the HTTPS + WSS listener on TLS_PORT
// beside the plain HTTP port, the pin enrolment tokens carry, and what `welcome.tls` says.
//
// One Fastify app serves both ports: the https.Server hands its requests to the app's router
// (`app.routing`) and its 'upgrade' events to the app's server, where @fastify/websocket
// picks them up, so every route — /agent/v1, the console, /api — answers on both with the
// same hooks (auth, CSRF, rate limits), and nothing is registered twice.
import { createServer, type Server } from 'node:https';
import { isIP, type AddressInfo, type Socket } from 'node:net';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import type { WelcomeTls } from '@vigil/shared/protocol';
import type { TlsMaterial } from './tls-material.ts';

export interface AgentTls {
  readonly port: number;
  /** The pin of the key in use: enrolment tokens carry it. */
  readonly pin: string;
  /** Current pin first, then the next key's (rotation). */
  readonly pins: readonly string[];
  /** wss://<host>:<TLS port>/agent/v1 for a client that reached us as `hostname`. */
  agentUrl(hostname: string): string;
  /** `welcome.tls` for an agent that reached us as `hostname`. */
  welcome(hostname: string): WelcomeTls;
  /** Starts the HTTPS listener (main.ts, after app.listen); closed with the app. */
  listen(host: string): Promise<AddressInfo>;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Undefined with TLS=off (and in tests that build the app without TLS). */
    readonly agentTls: AgentTls | undefined;
  }
}

export interface AgentTlsOptions {
  readonly material: TlsMaterial | undefined;
  /** Host used when a request names none: PUBLIC_URL's. */
  readonly fallbackHost: string;
}

function urlHost(hostname: string, fallback: string): string {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (bare === '' || !URL.canParse(`wss://${isIP(bare) === 6 ? `[${bare}]` : bare}/`)) return fallback;
  return isIP(bare) === 6 ? `[${bare}]` : bare;
}

const agentTlsPlugin: FastifyPluginAsync<AgentTlsOptions> = async (app, options) => {
  const material = options.material;
  if (material === undefined) {
    app.decorate('agentTls', undefined);
    return;
  }
  let server: Server | undefined;
  const sockets = new Set<Socket>();
  const agentUrl = (hostname: string) => `wss://${urlHost(hostname, options.fallbackHost)}:${material.port}/agent/v1`;
  const agentTls: AgentTls = {
    port: material.port,
    pin: material.pin,
    pins: material.pins,
    agentUrl,
    welcome: (hostname) => ({ url: agentUrl(hostname), pins: [...material.pins] }),
    async listen(host) {
      if (server !== undefined) throw new Error('the TLS listener is already running');
      const https = createServer({ key: material.key, cert: material.cert, minVersion: 'TLSv1.2' }, (req, res) => app.routing(req, res));
      server = https;
      // As the plain server: a slow client must not hold a socket forever.
      https.requestTimeout = 30_000;
      https.on('upgrade', (req, socket, head) => app.server.emit('upgrade', req, socket, head));
      https.on('connection', (socket: Socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      // A client that fails the TLS handshake (an agent refusing our key, a scanner) is not an error of ours.
      https.on('tlsClientError', (err) => app.log.debug({ err, module: 'tls' }, 'TLS handshake with a client failed'));
      await new Promise<void>((resolve, reject) => {
        https.once('error', reject);
        // A deep accept queue, as the plain port's (main.ts): every agent comes back at once after a restart.
        https.listen({ port: material.port, host, backlog: 4096 }, () => {
          https.off('error', reject);
          resolve();
        });
      });
      return https.address() as AddressInfo;
    },
  };
  app.decorate('agentTls', agentTls);
  // After preClose (agents told 1001) and the plain server's close: whatever is left goes now.
  app.addHook('onClose', async () => {
    const https = server;
    if (https === undefined) return;
    const closed = new Promise<void>((resolve) => https.close(() => resolve()));
    https.closeAllConnections();
    for (const socket of sockets) socket.destroy();
    await closed;
  });
};

export default fp(agentTlsPlugin, { name: 'vigil-agent-tls', fastify: '5.x' });
