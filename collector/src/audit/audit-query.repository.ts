import { and, desc, eq, gte, like, lt, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { auditLog } from '../db/schema/index.ts';

/** What the audit page and the export filter on (all optional; combined with AND). */
export interface AuditFilter {
  /**
   * An exact action (`screenshot.reveal`), or a family: `screenshot.*` or `screenshot.`
   * (a trailing `*` or `.`) matches every action starting with `screenshot.`.
   */
  readonly action?: string | undefined;
  /** The actor's user name / label, compared case-insensitively. */
  readonly actor?: string | undefined;
  readonly targetType?: string | undefined;
  readonly targetId?: string | undefined;
  /** From this instant, inclusive. */
  readonly from?: Date | undefined;
  /** Up to this instant, exclusive (so consecutive ranges never count an entry twice). */
  readonly to?: Date | undefined;
}

export type AuditLogRow = typeof auditLog.$inferSelect;

/** The action filter as a LIKE prefix, or undefined for an exact match. */
export function actionPrefix(action: string): string | undefined {
  if (action.endsWith('*')) return action.slice(0, -1);
  if (action.endsWith('.')) return action;
  return undefined;
}

// A prefix is literal text: % and _ in it must not act as wildcards.
const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (character) => `\\${character}`);

function conditions(filter: AuditFilter): SQL[] {
  const where: SQL[] = [];
  if (filter.action !== undefined && filter.action !== '') {
    const prefix = actionPrefix(filter.action);
    where.push(prefix === undefined ? eq(auditLog.action, filter.action) : like(auditLog.action, `${escapeLike(prefix)}%`));
  }
  if (filter.actor !== undefined && filter.actor !== '') where.push(sql`lower(${auditLog.actorLabel}) = lower(${filter.actor})`);
  if (filter.targetType !== undefined && filter.targetType !== '') where.push(eq(auditLog.targetType, filter.targetType));
  if (filter.targetId !== undefined && filter.targetId !== '') where.push(eq(auditLog.targetId, filter.targetId));
  if (filter.from !== undefined) where.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) where.push(lt(auditLog.at, filter.to));
  return where;
}

export interface AuditPage {
  readonly rows: readonly AuditLogRow[];
  /** Pass as `beforeId` for the next (older) page; null when this was the last. */
  readonly nextBefore: number | null;
}

/**
 * One page of the audit log, newest first, keyset-paged by id: `beforeId` is the
 * previous page's `nextBefore`. Ids only grow, so a page never repeats or skips an
 * entry however many are appended meanwhile.
 */
export async function listAuditEntries(db: Db, filter: AuditFilter, page: { beforeId?: number | undefined; limit: number }): Promise<AuditPage> {
  const where = conditions(filter);
  if (page.beforeId !== undefined) where.push(lt(auditLog.id, page.beforeId));
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  return { rows: shown, nextBefore: more ? (shown.at(-1)?.id ?? null) : null };
}

/** How many entries match, up to and including id `upToId`. */
export async function countAuditEntries(db: Db, filter: AuditFilter, upToId: number): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(...conditions(filter), lte(auditLog.id, upToId)));
  return row?.count ?? 0;
}

/** The newest entry's id (0 when the log is empty): an export's fixed upper bound. */
export async function newestAuditId(db: Db): Promise<number> {
  const [row] = await db.select({ id: sql<number>`coalesce(max(${auditLog.id}), 0)::bigint` }).from(auditLog);
  return Number(row?.id ?? 0);
}

/**
 * Every matching entry with id ≤ `upToId`, newest first, fetched `pageSize` at a time
 * so an export of the whole log never sits in memory at once.
 */
export async function* auditEntriesUpTo(db: Db, filter: AuditFilter, upToId: number, pageSize = 1_000): AsyncGenerator<AuditLogRow> {
  let beforeId = upToId + 1;
  for (;;) {
    const page = await listAuditEntries(db, filter, { beforeId, limit: pageSize });
    yield* page.rows;
    if (page.nextBefore === null) return;
    beforeId = page.nextBefore;
  }
}
