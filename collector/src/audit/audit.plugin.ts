import { Readable } from 'node:stream';
import { auditQuerySchema, type AuditEntryRow } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { auditActor } from '../admin/actor.ts';
import { actorOf } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import retentionPlugin, { type RetentionPluginOptions } from '../retention/retention.plugin.ts';
import { auditCsvFilename, auditCsvHeader, auditCsvLine } from './audit-csv.ts';
import { auditEntriesUpTo, countAuditEntries, listAuditEntries, newestAuditId, type AuditFilter, type AuditLogRow } from './audit-query.repository.ts';
import { appendAudit } from './audit.repository.ts';
import { decodeQuery } from './decode-query.ts';

export interface AuditPluginOptions {
  /** Passed on to the retention slice (purge schedule, batch size); defaults suit production. */
  readonly retention?: RetentionPluginOptions;
}

function filterOf(query: { action?: string | undefined; actor?: string | undefined; targetType?: string | undefined; targetId?: string | undefined; from?: string | undefined; to?: string | undefined }): AuditFilter {
  return {
    action: query.action,
    actor: query.actor,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  };
}

export function auditEntryBody(row: AuditLogRow): AuditEntryRow {
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    detail: row.detail,
    ip: row.ip,
  };
}

async function* csvOf(db: Db, filter: AuditFilter, upToId: number): AsyncGenerator<string> {
  yield auditCsvHeader();
  for await (const row of auditEntriesUpTo(db, filter, upToId)) yield auditCsvLine(row);
}

/**
 * The audit page's API (dsl and admin; see audit.access.ts) and, registered from here,
 * the retention slice (retention/): settings, the purge job and legal hold.
 *
 *   GET /api/audit?action&actor&targetType&targetId&from&to&before&limit → AuditResponse
 *   GET /api/audit/export?…same filters → text/csv attachment (audited `audit.export`)
 *
 * `action` is exact, or a family with a trailing `*` or `.` (`screenshot.*`). Reading the
 * log on the page is not itself audited (it would log every page view of the log);
 * taking a copy away is.
 */
const auditPlugin: FastifyPluginAsync<AuditPluginOptions> = async (app, options) => {
  const db = app.database.db;

  app.get('/api/audit', async (request, reply) => {
    const query = decodeQuery(auditQuerySchema, request.query);
    const page = await listAuditEntries(db, filterOf(query), { beforeId: query.before, limit: query.limit });
    return reply.header('cache-control', 'no-store').send({ entries: page.rows.map(auditEntryBody), nextBefore: page.nextBefore });
  });

  // Every matching entry (`limit` is ignored; `before` bounds it like on the page),
  // as of the moment of the request: the export's own audit entry is not in it.
  app.get('/api/audit/export', async (request, reply) => {
    const query = decodeQuery(auditQuerySchema, request.query);
    const filter = filterOf(query);
    const upToId = query.before === undefined ? await newestAuditId(db) : query.before - 1;
    const rows = await countAuditEntries(db, filter, upToId);
    const { limit: _limit, ...filters } = query;
    await appendAudit(db, {
      ...auditActor(actorOf(request)),
      action: 'audit.export',
      targetType: 'audit',
      detail: { filters, rows, upToId },
      ip: request.ip,
    });
    const now = new Date();
    return reply
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="${auditCsvFilename(now)}"`)
      .type('text/csv; charset=utf-8')
      .send(Readable.from(csvOf(db, filter, upToId)));
  });

  await app.register(retentionPlugin, options.retention ?? {});
};

export default auditPlugin;
