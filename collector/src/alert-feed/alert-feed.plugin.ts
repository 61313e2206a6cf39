import type { FastifyPluginAsync } from 'fastify';
import { presentedSessionToken } from '../auth/session-cookie.ts';
import { requireOwnOrigin } from '../live/origin.ts';
import { catalogSource } from '../triage/category-catalog.ts';
import { alertFeedRoles } from './alert-feed.access.ts';
import { AlertWatchers } from './alert-watchers.ts';

export interface AlertFeedPluginOptions {
  /** How often open triage sockets re-check their session (default a minute). */
  readonly revalidateMs?: number;
  /** Feed events within this window go out as one message (default 150 ms). */
  readonly coalesceMs?: number;
}

/**
 * WS /console/alerts (see plugins/index.ts): open triage pages, the console's unread
 * badge and its browser notifications hear of new and changed alerts within a moment
 * of ingest or a triage action (`app.alertFeed`). Needs `app.agentServices` (categories).
 */
const alertFeedPlugin: FastifyPluginAsync<AlertFeedPluginOptions> = async (app, options) => {
  const wordlists = app.agentServices.wordlists;
  const watchers = new AlertWatchers({
    db: app.database.db,
    feed: app.alertFeed,
    catalog: catalogSource(() => wordlists.current()),
    log: app.log.child({ module: 'alert-feed' }),
    roles: alertFeedRoles,
    ...(options.coalesceMs === undefined ? {} : { coalesceMs: options.coalesceMs }),
  });
  watchers.start();

  app.get('/console/alerts', { websocket: true, exposeHeadRoute: false, onRequest: requireOwnOrigin(app.config.publicUrl) }, (socket, request) => {
    const token = presentedSessionToken(request);
    if (request.user === null || token === undefined) {
      socket.close(4401, 'unauthenticated');
      return;
    }
    watchers.add(socket, request.user, token);
  });

  const revalidate = setInterval(() => void watchers.revalidate(), options.revalidateMs ?? 60_000);
  revalidate.unref();

  app.addHook('preClose', async () => {
    clearInterval(revalidate);
    watchers.stop();
  });
};

export default alertFeedPlugin;
