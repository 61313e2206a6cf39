import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { createBlobStore } from '../evidence/disk-blob-store.ts';
import { AlertActions } from './alert-actions.service.ts';
import { alertActionRoutes } from './alert-actions.routes.ts';
import { alertScreenshotRoutes } from './alert-screenshot.routes.ts';
import { alertReadRoutes } from './alerts.routes.ts';
import { catalogSource } from './category-catalog.ts';
import { categoriesReportsRoutes } from './categories-reports.routes.ts';
import type { TriageRoutesOptions } from './triage-context.ts';

/**
 * The triage feature (see plugins/index.ts): the alert queue, an alert's detail,
 * history and timeline, its capture (blurred server-side until a DSL reveals it), the
 * actions that work the queue, the categories in force and the counts-only report.
 * Who may call what is in triage.access.ts; every handler also scopes to the user's
 * site (alert-scope.ts). Needs `app.agentServices` (word lists) registered first.
 */
const triagePlugin: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  const wordlists = app.agentServices.wordlists;
  const options: TriageRoutesOptions = {
    db,
    catalog: catalogSource(() => wordlists.current()),
    actions: new AlertActions({ db, wordlists }),
    blobs: createBlobStore(app.config.dataDir),
  };
  tellChanges(app);
  await app.register(alertReadRoutes, options);
  await app.register(alertScreenshotRoutes, options);
  await app.register(alertActionRoutes, options);
  await app.register(categoriesReportsRoutes, options);
};

/**
 * Every successful POST under /api/alerts changed an alert (status, assignee, note,
 * reveal): tell `app.alertFeed` once the answer is sent, so open triage pages refresh.
 * Bulk changes name the alerts they updated in their answer.
 */
function tellChanges(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'POST' || reply.statusCode >= 300) return payload;
    const params = request.params as { alertId?: unknown } | undefined;
    if (typeof params?.alertId === 'string') {
      changed.set(request, [params.alertId]);
    } else if (request.routeOptions.url === '/api/alerts/bulk' && typeof payload === 'string') {
      const updated = (JSON.parse(payload) as { updated?: unknown }).updated;
      if (Array.isArray(updated))
        changed.set(
          request,
          updated.filter((id): id is string => typeof id === 'string'),
        );
    }
    return payload;
  });
  app.addHook('onResponse', async (request) => {
    const alertIds = changed.get(request);
    if (alertIds !== undefined) app.alertFeed.emit({ kind: 'changed', alertIds });
  });
}

const changed = new WeakMap<object, string[]>();

export default triagePlugin;
