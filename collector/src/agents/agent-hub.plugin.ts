import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

import { AgentHubRegistry } from './agent-hub.ts';
import { DeviceAuthService, type AuthLimits } from './device-auth.service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Device authentication shared by the agent socket and the HTTP screenshot upload (one failure count). */
    agentAuth: DeviceAuthService;
  }
}

export interface AgentHubPluginOptions {
  /** Authentication failure limits (defaults: 10 / min per device id, 20 / min per IP). */
  readonly authLimits?: AuthLimits;
}

/**
 * `app.agentHub`: the agents connected to this node (see agent-hub.contract.ts), and
 * `app.agentAuth`. Registered with fastify-plugin BEFORE the agent services (word lists,
 * policies, locks), which push through the hub, and before the gateway, which fills it.
 */
const agentHubPlugin: FastifyPluginAsync<AgentHubPluginOptions> = async (app, options) => {
  const log = app.log.child({ module: 'agents' });
  app.decorate('agentHub', new AgentHubRegistry(log));
  app.decorate('agentAuth', new DeviceAuthService({ db: app.database.db, log, ...(options.authLimits === undefined ? {} : { limits: options.authLimits }) }));
};

export default fp(agentHubPlugin, { name: 'vigil-agent-hub', fastify: '5.x', dependencies: ['vigil-context'] });
