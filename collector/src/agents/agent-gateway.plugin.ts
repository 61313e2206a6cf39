import { DEFAULT_BINARY_MAX_BYTES } from '@vigil/shared';
import type { FastifyPluginAsync } from 'fastify';
import { WebSocketServer } from 'ws';
import { agentRoutePrefix } from '../auth/access-rules.ts';
import { createBlobStore } from '../evidence/disk-blob-store.ts';
import { ScreenshotService } from '../evidence/screenshot.service.ts';
import { IngestService } from '../ingest/ingest.service.ts';
import { PeerFaultLog } from '../logging/peer-fault-log.ts';
import { reportSocketError } from '../logging/socket-errors.ts';
import { AgentConnection } from './agent-connection.ts';
import { AgentHubRegistry } from './agent-hub.ts';
import type { GatewayContext } from './gateway-context.ts';
import { gatewaySettings, sweepInterval, type AgentGatewayOptions } from './gateway-options.ts';
import { HandshakeGate } from './handshake-gate.ts';
import { PresenceService } from './presence.service.ts';
import { recordMessageShown } from './message-receipts.ts';

export type { AgentGatewayOptions } from './gateway-options.ts';

/**
 * WS /agent/v1: the agent gateway. Needs `app.agentHub` / `app.agentAuth`
 * (agent-hub.plugin.ts) and the agent services `app.wordlists`, `app.policies`,
 * `app.locks`, which it looks up when an agent connects. Encapsulated: nothing here
 * leaks into other features. See agent-connection.ts for the per-socket rules.
 */
const agentGatewayPlugin: FastifyPluginAsync<AgentGatewayOptions> = async (app, options) => {
  const hub = app.agentHub;
  if (!(hub instanceof AgentHubRegistry)) throw new Error('the agent gateway needs app.agentHub from agents/agent-hub.plugin.ts');
  const settings = gatewaySettings(options);
  const log = app.log.child({ module: 'agents' });
  const ingest = new IngestService({
    pool: app.database.pool,
    ownerPool: app.database.ownerPool,
    log: app.log.child({ module: 'ingest' }),
    alertFeed: app.alertFeed,
    // Fail closed: a category the word list in force does not know is treated as restricted.
    isRestricted: (category) => app.wordlists.current().categories.find((known) => known.id === category)?.restricted ?? true,
    ...settings.ingest,
  });
  const presence = new PresenceService({ db: app.database.db, log, touchIntervalMs: settings.touchIntervalMs });
  const screenshots = new ScreenshotService({
    blobs: createBlobStore(app.config.dataDir),
    db: app.database.db,
    log: app.log.child({ module: 'evidence' }),
  });
  const badFrames = new PeerFaultLog({ log, what: 'bad agent frame' });
  let shuttingDown = false;
  const gate = new HandshakeGate(settings.handshakeGate);
  const ctx: GatewayContext = {
    settings,
    log,
    hub,
    auth: app.agentAuth,
    gate,
    presence,
    ingest,
    screenshots,
    badFrames,
    services: () => ({ wordlists: app.wordlists, policies: app.policies, locks: app.locks }),
    isShuttingDown: () => shuttingDown,
    messageShown: (deviceId, payload) => recordMessageShown(app.database.db, deviceId, payload),
  };
  // Sockets still saying hello are not in the hub; the sweeper and shutdown need them too.
  const connections = new Set<AgentConnection>();

  // The agent socket is served past Fastify's router (`claimUpgrade`, plugins/websocket.ts): with
  // @fastify/websocket each idle agent kept its upgrade's request, reply and an error closure
  // alive for as long as it stayed connected (~3 KiB each, issue #15). No Fastify hook ran for
  // this route anyway (its access rule is 'agent': the hello authenticates the device), no
  // "incoming request" line is written per upgrade, and faults of the socket itself are told
  // like those of its frames: once per address and code, then a count a minute.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: DEFAULT_BINARY_MAX_BYTES,
    skipUTF8Validation: true,
    perMessageDeflate: false,
    clientTracking: false,
  });
  app.claimUpgrade(agentRoutePrefix, (request, socket, head) => {
    // Until ws takes the socket over, an error on it (a reset mid-handshake) only ends it.
    const guard = () => socket.destroy();
    socket.on('error', guard);
    const ip = request.socket.remoteAddress ?? '';
    const hostname = hostnameOf(request.headers.host);
    wss.handleUpgrade(request, socket, head, (ws) => {
      socket.removeListener('error', guard);
      const connection = new AgentConnection(ws, ip, ctx, app.agentTls?.welcome(hostname));
      connections.add(connection);
      ws.on('error', (error) => {
        reportSocketError(error, { ip, route: agentRoutePrefix }, badFrames, log);
        ws.terminate();
      });
      ws.once('close', () => connections.delete(connection));
      connection.start();
    });
  });

  const sweeper = setInterval(
    () => {
      const now = Date.now();
      for (const connection of connections) connection.checkHeartbeat(now);
    },
    sweepInterval(settings, settings.heartbeatTimeoutMs ?? 15_000),
  );
  sweeper.unref();
  const faultSummaries = setInterval(() => badFrames.flush(), 60_000);
  faultSummaries.unref();
  // Logins turned away while busy are told in one line every 10 s, not one line each.
  let toldTurnedAway = 0;
  const busySummaries = setInterval(() => {
    const { turnedAway, peakQueued, active, queued } = gate.stats();
    if (turnedAway === toldTurnedAway) return;
    log.warn({ turnedAway: turnedAway - toldTurnedAway, peakQueued, active, queued }, 'agent logins turned away while busy (4503, they come back shortly)');
    toldTurnedAway = turnedAway;
  }, 10_000);
  busySummaries.unref();

  app.health.register('agents', () => {
    const stats = ingest.stats();
    const detail = `${hub.size} agents connected; ${stats.committedMessages} messages ingested`;
    return stats.failingSince === undefined
      ? { status: 'ok', detail }
      : { status: 'degraded', detail: `${detail}; ingest failing since ${new Date(stats.failingSince).toISOString()}: ${stats.lastError ?? ''}` };
  });

  let leaving: string[] = [];
  app.addHook('preClose', async () => {
    shuttingDown = true;
    clearInterval(sweeper);
    clearInterval(faultSummaries);
    clearInterval(busySummaries);
    badFrames.flush(true);
    leaving = hub.connectedDeviceIds();
    for (const connection of connections) connection.close({ code: 1001, reason: 'shutting-down' });
  });
  app.addHook('onClose', async () => {
    // Commit what was received (the acks may no longer reach anyone; agents re-send, ingest dedupes).
    await ingest.drain();
    await presence.allOffline(leaving);
    await presence.close();
    wss.close();
  });
};

/** The host a client named, without its port, as Fastify's `request.hostname` reads it ("[::1]" stays bracketed). */
export function hostnameOf(host: string | undefined): string {
  if (host === undefined) return '';
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.split(':', 1)[0] ?? '';
}

export default agentGatewayPlugin;
