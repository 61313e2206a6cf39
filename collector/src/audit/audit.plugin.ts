import { Readable } from 'node:stream';
import { auditQuerySchema, type AuditEntryRow } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { auditActor } from './actor.ts';
import { actorOf } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import retentionPlugin, { type RetentionPluginOptions } from '../retention/retention.plugin.ts';
import { auditCsvFilename, auditCsvHeader, auditCsvLine } from './audit-csv.ts';
import { actorNameOf, resolveAuditNames, targetNameOf, type AuditNames } from './audit-names.repository.ts';
import { auditEntriesUpTo, countAuditEntries, listAuditEntries, newestAuditId, type AuditFilter, type AuditLogRow } from './audit-query.repository.ts';
import { appendAudit } from './audit.repository.ts';
import { decodeQuery } from './decode-query.ts';

export interface AuditPluginOptions {
  /** Passed on to the retention slice (purge schedule, batch size); defaults suit production. */
  readonly retention?: RetentionPluginOptions;
}

function filterOf(query: {
  action?: string | undefined;
  actor?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}): AuditFilter {
  return {
    action: query.action,
    actor: query.actor,
    targetType: query.targetType,
    targetId: query.targetId,
    from: query.from === undefined ? undefined : new Date(query.from),
    to: query.to === undefined ? undefined : new Date(query.to),
  };
}

const noNames: AuditNames = { users: new Map(), targets: new Map() };

export function auditEntryBody(row: AuditLogRow, names: AuditNames = noNames): AuditEntryRow {
  const target = targetNameOf(names, row);
  return {
    id: row.id,
    at: row.at.toISOString(),
    actor: row.actorLabel,
    actorUserId: row.actorUserId,
    actorName: actorNameOf(names, row) ?? null,
    targetName: target?.name ?? null,
    targetAt: target?.at?.toISOString() ?? null,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    detail: row.detail,
    ip: row.ip,
  };
}

/** Names are looked up a page at a time (1,000 rows), so the export stays one query per table per page. */
async function* csvOf(db: Db, filter: AuditFilter, upToId: number, categoryLabel: (category: string) => string): AsyncGenerator<string> {
  yield auditCsvHeader();
  let batch: AuditLogRow[] = [];
  const flush = async function* () {
    const names = await resolveAuditNames(db, batch, categoryLabel);
    for (const row of batch) yield auditCsvLine(row, { actorName: actorNameOf(names, row), targetName: targetNameOf(names, row)?.name });
    batch = [];
  };
  for await (const row of auditEntriesUpTo(db, filter, upToId)) {
    batch.push(row);
    if (batch.length >= 1_000) yield* flush();
  }
  if (batch.length > 0) yield* flush();
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
  // An alert's category in words, from the word list in force (this slice also runs without one, in its tests).
  const categoryLabel = (category: string): string =>
    (app.hasDecorator('wordlists') ? app.wordlists.current().categories.find((entry) => entry.id === category)?.label : undefined) ?? category;

  app.get('/api/audit', async (request, reply) => {
    const query = decodeQuery(auditQuerySchema, request.query);
    const page = await listAuditEntries(db, filterOf(query), { beforeId: query.before, limit: query.limit });
    const names = await resolveAuditNames(db, page.rows, categoryLabel);
    return reply.header('cache-control', 'no-store').send({ entries: page.rows.map((row) => auditEntryBody(row, names)), nextBefore: page.nextBefore });
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
      .send(Readable.from(csvOf(db, filter, upToId, categoryLabel)));
  });

  await app.register(retentionPlugin, options.retention ?? {});
};

export default auditPlugin;
