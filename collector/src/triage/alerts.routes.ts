import { alertQuerySchema, type AlertListResponse } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import { alertDetail } from './alert-detail.ts';
import { textAccessFor } from './alert-redaction.ts';
import { alertFilters, decodeCursor, decodeQuery, encodeCursor } from './alert-query.ts';
import { toAlertSummary } from './alert-view.ts';
import { countAlerts, listAlertPage } from './alerts.repository.ts';
import { timelineAround } from './timeline.repository.ts';
import { alertIdOf, alertInReach, callerOf, type TriageRoutesOptions } from './triage-context.ts';

/** Reading the queue: GET /api/alerts, /api/alerts/:alertId (audited), /api/alerts/:alertId/timeline. */
export const alertReadRoutes: FastifyPluginAsync<TriageRoutesOptions> = async (app, { db, catalog }) => {
  app.get('/api/alerts', async (request): Promise<AlertListResponse> => {
    const caller = await callerOf(db, request);
    const query = decodeQuery(alertQuerySchema, request.query);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
    const categories = catalog();
    const filters = alertFilters(query, caller.scope, caller.user, categories);
    const [rows, total] = await Promise.all([listAlertPage(db, filters, after, query.limit), countAlerts(db, filters)]);
    const page = rows.slice(0, query.limit);
    const last = page.at(-1);
    const nextCursor = rows.length > query.limit && last !== undefined ? encodeCursor({ severity: last.severity, ts: last.exactTs, id: last.id }) : null;
    const access = await textAccessFor(db, caller.user, page, categories);
    return { alerts: page.map((row) => toAlertSummary(row, categories, access)), nextCursor, total };
  });

  app.get('/api/alerts/:alertId', async (request) => {
    const caller = await callerOf(db, request);
    const alert = await alertInReach(db, caller, alertIdOf(request));
    const detail = await alertDetail(db, caller.user, alert, catalog());
    await appendAudit(db, {
      actorUserId: caller.user.id,
      actorLabel: caller.user.username,
      action: 'alert.view',
      targetType: 'alert',
      targetId: alert.id,
      detail: { category: alert.category, screenshotBlurred: detail.screenshot?.blurred ?? null },
      ip: caller.ip,
    });
    return detail;
  });

  app.get('/api/alerts/:alertId/timeline', async (request) => {
    const caller = await callerOf(db, request);
    const alert = await alertInReach(db, caller, alertIdOf(request));
    const timeline = await timelineAround(db, caller, alert, catalog());
    // Window titles and URLs around the alert are a browsing log: who read one is recorded.
    await appendAudit(db, {
      actorUserId: caller.user.id,
      actorLabel: caller.user.username,
      action: 'alert.timeline',
      targetType: 'alert',
      targetId: alert.id,
      ip: caller.ip,
    });
    return timeline;
  });
};
