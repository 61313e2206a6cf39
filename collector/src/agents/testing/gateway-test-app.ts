import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { maxWebSocketPayloadBytes } from '../../app.ts';
import { loadConfig } from '../../config/config.ts';
import type { Database } from '../../db/database.ts';
import errorHandlerPlugin from '../../errors/error-handler.plugin.ts';
import evidencePlugin from '../../evidence/evidence.plugin.ts';
import contextPlugin from '../../plugins/context.plugin.ts';
import healthPlugin from '../../plugins/health.plugin.ts';
import { registerWebsocket } from '../../plugins/websocket.ts';
import type { Logger } from '../../logging/logger.ts';
import { testLogger } from '../../testing/test-database.ts';
import agentGatewayPlugin, { type AgentGatewayOptions } from '../agent-gateway.plugin.ts';
import agentHubPlugin, { type AgentHubPluginOptions } from '../agent-hub.plugin.ts';
import { FakeAgentServices } from './fake-agent-services.ts';

export interface GatewayTestApp {
  readonly app: FastifyInstance;
  /** ws://127.0.0.1:<port>/agent/v1 */
  readonly agentUrl: string;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  readonly services: FakeAgentServices;
  readonly dataDir: string;
  close(): Promise<void>;
}

export interface GatewayTestAppOptions {
  readonly database: Database;
  readonly gateway?: AgentGatewayOptions;
  readonly hub?: AgentHubPluginOptions;
  /** Defaults to a silent logger. */
  readonly logger?: Logger;
}

/**
 * The collector's agent side as buildApp assembles it (context, errors, websocket,
 * health, hub, gateway, evidence), with fake agent services and gateway options a
 * test can shorten, listening on 127.0.0.1 on a free port.
 */
export async function startGatewayApp(options: GatewayTestAppOptions): Promise<GatewayTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-gateway-test-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const services = new FakeAgentServices();
  const loggerInstance: FastifyBaseLogger = options.logger ?? testLogger();
  const app = Fastify({ loggerInstance, forceCloseConnections: true });
  await app.register(contextPlugin, { config: loaded.config, database: options.database });
  await app.register(errorHandlerPlugin);
  await registerWebsocket(app, { maxPayload: maxWebSocketPayloadBytes });
  await app.register(healthPlugin);
  await app.register(agentHubPlugin, options.hub ?? {});
  await app.register(services.plugin());
  await app.register(agentGatewayPlugin, options.gateway ?? {});
  await app.register(evidencePlugin);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    agentUrl: `ws://127.0.0.1:${address.port}/agent/v1`,
    baseUrl: `http://127.0.0.1:${address.port}`,
    services,
    dataDir,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
