import { exportSelectionRequestSchema } from '@vigil/shared/console';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { decodeBody } from '../auth/auth.schemas.ts';
import { assertRole } from '../auth/authorization.ts';
import { alertIdOf, callerOf } from '../triage/triage-context.ts';
import type { Db } from '../db/database.ts';
import { exportFormats, type ExportFile, type IncidentExports } from './export.service.ts';

export interface ExportRoutesOptions {
  readonly db: Db;
  readonly exports: IncidentExports;
  /** Told which alerts gained an `export` event (open triage pages refresh their history). */
  readonly changed: (alertIds: readonly string[]) => void;
}

function sendFile(reply: FastifyReply, file: ExportFile): FastifyReply {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.filename}"`)
    .header('cache-control', 'no-store')
    .header('x-content-type-options', 'nosniff')
    .send(file.bytes);
}

/**
 * GET /api/alerts/:alertId/export.{pdf,json,csv,zip} — downloads by plain links: a GET
 * changes nothing but the audit trail, the alert's history and (for a withheld capture)
 * its legal hold, none of which a forged request can turn against anyone.
 * POST /api/exports `{ids}` — a selection as one zip (a POST: CSRF-checked like every state change).
 */
export const exportRoutes: FastifyPluginAsync<ExportRoutesOptions> = async (app, { db, exports, changed }) => {
  for (const format of exportFormats) {
    app.get(`/api/alerts/:alertId/export.${format}`, async (request, reply) => {
      assertRole(request, 'dsl');
      const caller = await callerOf(db, request);
      const alertId = alertIdOf(request);
      const file = await exports.exportAlert(caller, alertId, format);
      changed([alertId]);
      return sendFile(reply, file);
    });
  }

  app.post('/api/exports', async (request, reply) => {
    assertRole(request, 'dsl');
    const caller = await callerOf(db, request);
    const { ids } = decodeBody(exportSelectionRequestSchema, request.body);
    const file = await exports.exportSelection(caller, ids);
    changed(ids);
    return sendFile(reply, file);
  });
};
