import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { alertEvents, alerts, devices, rooms, users } from '../db/schema/index.ts';
import { pupilMatchSql } from './pupil-match.ts';
import { alertScopeCondition, type AlertScope } from './alert-scope.ts';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type Executor = Db | Tx;

/** What a summary row needs: the alert with its device, room and assignee names. */
const summaryColumns = {
  id: alerts.id,
  ts: alerts.ts,
  receivedAt: alerts.receivedAt,
  deviceId: alerts.deviceId,
  hostname: devices.hostname,
  siteId: alerts.siteId,
  roomId: alerts.roomId,
  roomName: rooms.name,
  osUser: alerts.osUser,
  source: alerts.source,
  term: alerts.term,
  terms: alerts.terms,
  category: alerts.category,
  severity: alerts.severity,
  status: alerts.status,
  assigneeId: alerts.assigneeId,
  assigneeName: users.displayName,
  context: alerts.context,
  windowTitle: alerts.windowTitle,
  app: alerts.app,
  url: alerts.url,
  screenshotSha256: alerts.screenshotSha256,
  /** The pupil directory's match for the OS user: withheld with it (alert-redaction.ts). */
  pupil: pupilMatchSql(alerts.siteId, alerts.osUser),
};

/**
 * The ts at full (microsecond) precision as text, for the paging cursor: a JS Date keeps
 * only milliseconds, and a rounded cursor would skip or repeat rows.
 */
const exactTs = sql<string>`to_char(${alerts.ts} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export type AlertRow = Awaited<ReturnType<typeof selectSummaries>>[number];
export type PagedAlertRow = AlertRow & { readonly exactTs: string };

function selectSummaries(db: Executor, where: SQL | undefined) {
  return db
    .select(summaryColumns)
    .from(alerts)
    .innerJoin(devices, eq(devices.id, alerts.deviceId))
    .leftJoin(rooms, eq(rooms.id, alerts.roomId))
    .leftJoin(users, eq(users.id, alerts.assigneeId))
    .where(where);
}

/** The keyset position of a row in the triage order (severity desc, ts desc, id desc). */
export interface AlertPosition {
  readonly severity: number;
  /** ISO instant with microseconds. */
  readonly ts: string;
  readonly id: string;
}

/** One page in triage order, starting after `after`; asks for one row more than `limit` to know if there is a next page. */
export async function listAlertPage(db: Db, filters: SQL | undefined, after: AlertPosition | undefined, limit: number): Promise<PagedAlertRow[]> {
  const keyset =
    after === undefined ? undefined : sql`(${alerts.severity}, ${alerts.ts}, ${alerts.id}) < (${after.severity}, ${after.ts}::timestamptz, ${after.id})`;
  return db
    .select({ ...summaryColumns, exactTs })
    .from(alerts)
    .innerJoin(devices, eq(devices.id, alerts.deviceId))
    .leftJoin(rooms, eq(rooms.id, alerts.roomId))
    .leftJoin(users, eq(users.id, alerts.assigneeId))
    .where(and(filters, keyset))
    .orderBy(desc(alerts.severity), desc(alerts.ts), desc(alerts.id))
    .limit(limit + 1);
}

export async function countAlerts(db: Db, filters: SQL | undefined): Promise<number> {
  const [row] = await db.select({ total: count() }).from(alerts).where(filters);
  return row?.total ?? 0;
}

/** One alert in the user's scope, or undefined (also when it exists elsewhere: no hint either way). */
export async function findAlert(db: Executor, scope: AlertScope, alertId: string): Promise<AlertRow | undefined> {
  const [row] = await selectSummaries(db, and(eq(alerts.id, alertId), alertScopeCondition(scope))).limit(1);
  return row;
}

export interface LockedAlert {
  readonly id: string;
  readonly siteId: string;
  readonly status: AlertRow['status'];
  readonly assigneeId: string | null;
  readonly severity: number;
  readonly category: string;
}

/**
 * The alerts among `alertIds` in scope, locked (FOR UPDATE) for the rest of the
 * transaction, so a status check and the change it allows see the same row.
 */
export async function lockAlerts(tx: Tx, scope: AlertScope, alertIds: readonly string[]): Promise<Map<string, LockedAlert>> {
  if (alertIds.length === 0) return new Map();
  const rows = await tx
    .select({
      id: alerts.id,
      siteId: alerts.siteId,
      status: alerts.status,
      assigneeId: alerts.assigneeId,
      severity: alerts.severity,
      category: alerts.category,
    })
    .from(alerts)
    .where(and(inArray(alerts.id, [...alertIds]), alertScopeCondition(scope)))
    .orderBy(asc(alerts.id))
    .for('update');
  return new Map(rows.map((row) => [row.id, row]));
}

export type AlertEventRow = typeof alertEvents.$inferSelect;

export async function eventsOf(db: Executor, alertId: string): Promise<AlertEventRow[]> {
  return db.select().from(alertEvents).where(eq(alertEvents.alertId, alertId)).orderBy(asc(alertEvents.at), asc(alertEvents.id));
}
