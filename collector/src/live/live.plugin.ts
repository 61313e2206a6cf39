import type { FastifyPluginAsync } from 'fastify';
import { presentedSessionToken } from '../auth/session-cookie.ts';
import { DeviceStateStore } from './device-state.ts';
import { DeviceTiles } from './device-tiles.ts';
import { liveRoles } from './live.access.ts';
import { LiveHub } from './live-hub.ts';
import { LiveViewer } from './live-viewer.ts';
import { requireOwnOrigin } from './origin.ts';
import { registerRoomRoutes } from './rooms.routes.ts';

export interface LivePluginOptions {
  /** How often open console sockets re-check their session and room (default a minute). */
  readonly revalidateMs?: number;
  /** Frames are dropped for a viewer with more than this many bytes still unsent (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

/**
 * The live view (see plugins/index.ts): GET /api/rooms and a room's tiles, the room
 * commands (lock, unlock, message) and WS /console/live, fed by the agent hub's device
 * events and frames. Needs `app.agentHub` and `app.agentServices` (registered before it).
 */
const livePlugin: FastifyPluginAsync<LivePluginOptions> = async (app, options) => {
  const log = app.log.child({ module: 'live' });
  const db = app.database.db;
  const states = new DeviceStateStore();
  const tiles = new DeviceTiles({ db, pool: app.database.pool, states, locks: app.agentServices.locks });
  const hub = new LiveHub({ agentHub: app.agentHub, tiles, states, log });
  hub.start();

  registerRoomRoutes(app, { db, tiles, hub });

  const viewers = new Set<LiveViewer>();
  const viewerContext = { hub, db, log, roles: liveRoles, now: () => new Date(), maxBufferedBytes: options.maxBufferedBytes ?? 1024 * 1024 };
  // No HEAD twin: a socket cannot be opened with HEAD.
  app.get('/console/live', { websocket: true, exposeHeadRoute: false, onRequest: requireOwnOrigin(app.config.publicUrl) }, (socket, request) => {
    // The access gate let the upgrade in with a live session, so both are there.
    const token = presentedSessionToken(request);
    if (request.user === null || token === undefined) {
      socket.close(4401, 'unauthenticated');
      return;
    }
    const viewer = new LiveViewer(socket, request.user, token, viewerContext);
    viewers.add(viewer);
    viewer.start(() => viewers.delete(viewer));
  });

  const revalidate = setInterval(() => {
    for (const viewer of viewers) viewer.revalidate();
  }, options.revalidateMs ?? 60_000);
  revalidate.unref();

  app.health.register('live', () => {
    const stats = hub.stats();
    return { status: 'ok', detail: `${stats.viewers} console viewers; ${stats.streamingDevices} devices streaming thumbnails` };
  });

  app.addHook('preClose', async () => {
    clearInterval(revalidate);
    for (const viewer of viewers) viewer.shutdown();
    await hub.stop();
  });
};

export default livePlugin;
