import { fileURLToPath } from 'node:url';
import { DEFAULT_BINARY_MAX_BYTES } from '@vigil/shared';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { CollectorConfig } from './config/config.ts';
import type { Database } from './db/database.ts';
import errorHandlerPlugin from './errors/error-handler.plugin.ts';
import { createLogger, type Logger } from './logging/logger.ts';
import contextPlugin from './plugins/context.plugin.ts';
import { registerFeatures } from './plugins/index.ts';
import { registerWebsocket } from './plugins/websocket.ts';
import agentTlsPlugin from './tls/agent-tls.plugin.ts';
import type { TlsMaterial } from './tls/tls-material.ts';

export interface AppDeps {
  /** An opened database (main.ts opens the configured one; tests open their own). The caller closes it. */
  readonly database: Database;
  /** Root logger; defaults to a new one at `config.logLevel`. */
  readonly logger?: Logger;
  /** Where the built console lives; defaults to `collector/console/dist`. */
  readonly consoleDir?: string;
  /** The collector's TLS identity (main.ts loads it); absent: no TLS listener, tokens without a pin. */
  readonly tls?: TlsMaterial | undefined;
}

export const defaultConsoleDir = fileURLToPath(new URL('../console/dist', import.meta.url));

/**
 * Largest WebSocket message the server accepts at all: an evidence screenshot (10 MiB +
 * header, the agent gateway's binary frames). One limit for every route, since
 * @fastify/websocket has one server; per-type limits live in the handlers (the agent
 * gateway refuses JSON over 256 KiB with 4413). Larger messages get ws's own 1009.
 */
export const maxWebSocketPayloadBytes = DEFAULT_BINARY_MAX_BYTES;

/**
 * Builds the collector's Fastify app without listening, so tests use it in-process
 * (`app.inject`) and main.ts calls `listen`. Closing the app does not close the database.
 */
export async function buildApp(config: CollectorConfig, deps: AppDeps): Promise<FastifyInstance> {
  // Widened to Fastify's logger type so plugins need not know it is pino.
  const loggerInstance: FastifyBaseLogger = deps.logger ?? createLogger(config.logLevel);
  const app = Fastify({
    loggerInstance,
    // Agents and the console poll; a slow client must not hold a socket forever.
    requestTimeout: 30_000,
    // Shut down promptly: idle keep-alive sockets must not delay a SIGTERM.
    forceCloseConnections: true,
  });
  await app.register(contextPlugin, { config, database: deps.database });
  await app.register(errorHandlerPlugin);
  await app.register(agentTlsPlugin, {
    material: deps.tls,
    fallbackHost: config.publicUrl === undefined ? 'localhost' : new URL(config.publicUrl).hostname,
  });
  // Shared by the agent gateway and the live hub, so registered once at the root.
  await registerWebsocket(app, { maxPayload: maxWebSocketPayloadBytes });
  await registerFeatures(app, { consoleDir: deps.consoleDir ?? defaultConsoleDir });
  return app;
}
