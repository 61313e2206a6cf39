import { makeEnvelope } from '@vigil/shared';
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { LockService } from '../locks/lock.service.ts';
import { PolicyService } from '../policies/policy.service.ts';
import { WordlistService } from '../wordlists/wordlist.service.ts';
import type { AgentHubRef } from '../agent-services/agent-hub-ref.ts';
import { ControlListener, type ControlEvent } from '../agent-services/control-channel.ts';

export interface AgentServices {
  readonly wordlists: WordlistService;
  readonly policies: PolicyService;
  readonly locks: LockService;
}

declare module 'fastify' {
  interface FastifyInstance {
    /**
     * The same objects as `app.wordlists`, `app.policies` and `app.locks` (typed there by
     * the gateway's contract, agents/agent-hub.contract.ts) with their full API, for the
     * console routes: `setPolicy`, `lockDevices`, `unlockDevices`, `reload` …
     */
    readonly agentServices: AgentServices;
  }
}

export interface AgentServicesOptions {
  /** Word-list watcher timings; tests shorten them. */
  readonly wordlistDebounceMs?: number;
  readonly wordlistStabilityMs?: number;
}

/**
 * Word lists, policies and locks: what agents are told, and the pushes when it changes.
 * Registered after the agent hub and before the gateway (which reads these decorations
 * on every welcome). Pushes go through `app.agentHub` when it exists.
 */
const agentServicesPlugin: FastifyPluginAsync<AgentServicesOptions> = async (app, options) => {
  const log = app.log.child({ module: 'agent-services' });
  const hub: AgentHubRef = () => (app.hasDecorator('agentHub') ? app.agentHub : undefined);
  const db = app.database.db;

  const wordlists = new WordlistService({
    path: app.config.wordlistsDir,
    db,
    log: log.child({ module: 'wordlists' }),
    debounceMs: options.wordlistDebounceMs,
    stabilityMs: options.wordlistStabilityMs,
  });
  const policies = new PolicyService({ db, log: log.child({ module: 'policies' }), hub });
  const locks = new LockService({ db, log: log.child({ module: 'locks' }), hub });

  // Subscribed after the first load: that one is not a change (agents get it in `welcome`).
  await wordlists.start();
  wordlists.onChange((wordlist) => {
    const sent = hub()?.broadcast(makeEnvelope('wordlist', wordlist)) ?? 0;
    log.info({ version: wordlist.version, agents: sent }, 'word list pushed to connected agents');
  });

  const listener = new ControlListener({
    pool: app.database.pool,
    log,
    onEvent: (event) => handle(event, { wordlists, policies, locks }),
    onResync: () => resync(app, { wordlists, policies, locks }),
  });
  await listener.start();

  app.decorate('wordlists', wordlists);
  app.decorate('policies', policies);
  app.decorate('locks', locks);
  app.decorate('agentServices', Object.freeze({ wordlists, policies, locks }) satisfies AgentServices);
  app.health.register('wordlists', () => wordlists.health());
  app.health.register('agent-control', () =>
    listener.listening
      ? { status: 'ok' }
      : { status: 'degraded', detail: `policy and lock pushes paused, reconnecting: ${listener.lastError ?? 'not connected'}` },
  );
  app.addHook('onClose', async () => {
    await listener.close();
    await wordlists.close();
  });
};

async function handle(event: ControlEvent, services: AgentServices): Promise<void> {
  if (event.kind === 'policy') await services.policies.pushForScope(event.scope, event.scopeId);
  else if (event.kind === 'lock') await services.locks.pushTo(event.deviceIds);
  else await services.wordlists.reload();
}

/** After the control channel was down: anything may have changed, so tell every connected agent. */
async function resync(app: FastifyInstance, services: AgentServices): Promise<void> {
  await services.wordlists.reload();
  if (!app.hasDecorator('agentHub')) return;
  const connected = app.agentHub.connectedDeviceIds();
  await services.policies.pushTo(connected);
  await services.locks.pushTo(connected);
}

export default fp(agentServicesPlugin, {
  name: 'vigil-agent-services',
  fastify: '5.x',
  decorators: { fastify: ['config', 'database', 'health'] },
});
