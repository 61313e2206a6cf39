import {
  assignRequestSchema,
  bulkRequestSchema,
  dismissRequestSchema,
  escalateRequestSchema,
  noteRequestSchema,
  statusRequestSchema,
  type AlertSummary,
  type AlertEvent,
} from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { decodeBody } from '../auth/auth.schemas.ts';
import type { Db } from '../db/database.ts';
import type { TriageCaller } from './alert-actions.service.ts';
import { textAccessFor } from './alert-redaction.ts';
import { toAlertEvent, toAlertSummary } from './alert-view.ts';
import { eventsOf } from './alerts.repository.ts';
import type { CategoryCatalog } from './category-catalog.ts';
import { alertIdOf, alertInReach, callerOf, type TriageRoutesOptions } from './triage-context.ts';

/** Every single-alert action answers with the alert as it now is (`alertActionResponseSchema`). */
async function alertAsItNowIs(db: Db, caller: TriageCaller, alertId: string, catalog: CategoryCatalog): Promise<{ alert: AlertSummary; events: AlertEvent[] }> {
  const alert = await alertInReach(db, caller, alertId);
  const access = await textAccessFor(db, caller.user, [alert], catalog);
  return { alert: toAlertSummary(alert, catalog, access), events: (await eventsOf(db, alertId)).map(toAlertEvent) };
}

/**
 * Working the queue: status, notes, assign, dismiss (optionally allow-listing the
 * word), escalate, and bulk. Refusals: 404 `alert-not-found`, 409 `status-transition`
 * (an escalated or resolved alert, for anyone but a DSL or admin), 409
 * `status-unchanged`, 400 `assignee-invalid`, 400 `validation-failed`; closing rules
 * (status-transitions.ts `checkClosing`): 403 `restricted-dsl-only`, 400
 * `validation-failed` on `note` for a serious alert closed without a reason.
 */
export const alertActionRoutes: FastifyPluginAsync<TriageRoutesOptions> = async (app, { db, catalog, actions }) => {
  app.post('/api/alerts/:alertId/status', async (request) => {
    const caller = await callerOf(db, request);
    const alertId = alertIdOf(request);
    const body = decodeBody(statusRequestSchema, request.body);
    await actions.changeStatus(caller, alertId, body.status, body.note);
    return alertAsItNowIs(db, caller, alertId, catalog());
  });

  app.post('/api/alerts/:alertId/notes', async (request) => {
    const caller = await callerOf(db, request);
    const alertId = alertIdOf(request);
    const body = decodeBody(noteRequestSchema, request.body);
    await actions.addNote(caller, alertId, body.note);
    return alertAsItNowIs(db, caller, alertId, catalog());
  });

  app.post('/api/alerts/:alertId/assign', async (request) => {
    const caller = await callerOf(db, request);
    const alertId = alertIdOf(request);
    const body = decodeBody(assignRequestSchema, request.body);
    await actions.assign(caller, alertId, body.userId);
    return alertAsItNowIs(db, caller, alertId, catalog());
  });

  app.post('/api/alerts/:alertId/dismiss', async (request) => {
    const caller = await callerOf(db, request);
    const alertId = alertIdOf(request);
    const body = decodeBody(dismissRequestSchema, request.body);
    await actions.dismiss(caller, alertId, body);
    return alertAsItNowIs(db, caller, alertId, catalog());
  });

  app.post('/api/alerts/:alertId/escalate', async (request) => {
    const caller = await callerOf(db, request);
    const alertId = alertIdOf(request);
    const body = decodeBody(escalateRequestSchema, request.body);
    await actions.changeStatus(caller, alertId, 'escalated', body.note);
    return alertAsItNowIs(db, caller, alertId, catalog());
  });

  app.post('/api/alerts/bulk', async (request) => {
    const caller = await callerOf(db, request);
    const body = decodeBody(bulkRequestSchema, request.body);
    return actions.bulk(caller, body);
  });
};
