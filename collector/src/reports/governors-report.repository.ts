import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';

/** One line of a breakdown before suppression: this period's and the previous period's count. */
export interface RawRow {
  readonly key: string;
  readonly count: number;
  readonly previousCount: number;
}

/** Every figure of the governors' report, exact (suppression is applied afterwards). */
export interface RawGovernorsFigures {
  readonly alerts: number;
  readonly previousAlerts: number;
  readonly byCategory: readonly RawRow[];
  readonly bySeverity: readonly RawRow[];
  readonly byRoom: readonly (RawRow & { readonly label: string })[];
  readonly byYearGroup: readonly RawRow[];
  readonly byOutcome: readonly RawRow[];
  readonly actioned: number;
  readonly triagedWithinDay: number;
  readonly medianMinutesToFirstAction: number | null;
  readonly p90MinutesToFirstAction: number | null;
  readonly idleLocks: number;
  readonly teacherLocks: number;
  readonly purgeRuns: number;
  readonly rowsPurged: Readonly<Record<string, number>>;
  readonly legalHoldsPlaced: number;
  readonly legalHoldsNow: number;
}

export interface ReportRange {
  readonly from: Date;
  readonly to: Date;
  /** The site reported on; null: every site. */
  readonly siteId: string | null;
}

/** Outcomes as governors read them: new and in-review are both still open. */
export const outcomeOf: SQL = sql`case when a.status in ('new', 'in-review') then 'open' else a.status end`;

/**
 * The exact figures for `from ≤ ts < to` and for the period of the same length before
 * it, by SQL aggregates over alerts, alert_events, idle_lock_events, pupils and the
 * audit log. Counts only: no term, context, capture or name leaves this function.
 */
export async function governorsFigures(db: Db, range: ReportRange): Promise<RawGovernorsFigures> {
  const { from, to, siteId } = range;
  const previousFrom = new Date(from.getTime() - (to.getTime() - from.getTime()));
  const site = (column: SQL): SQL => (siteId === null ? sql`true` : sql`${column} = ${siteId}`);
  const both = sql`a.ts >= ${previousFrom.toISOString()}::timestamptz and a.ts < ${to.toISOString()}::timestamptz and ${site(sql`a.site_id`)}`;
  const isNow = sql`a.ts >= ${from.toISOString()}::timestamptz`;

  const breakdown = async (key: SQL, join: SQL = sql``): Promise<RawRow[]> => {
    const result = await db.execute<{ key: string; count: number; previous: number }>(sql`
      select ${key} as key,
             (count(*) filter (where ${isNow}))::int as count,
             (count(*) filter (where not (${isNow})))::int as previous
        from alerts a ${join}
       where ${both}
       group by 1
       order by 2 desc, 1`);
    return result.rows.map((row) => ({ key: String(row.key), count: row.count, previousCount: row.previous }));
  };

  // A pupil's year group through the directory (their OS, Google or Microsoft login); Unknown when unmatched.
  const yearGroup = sql`coalesce((
      select nullif(p.year_group, '')
        from pupil_accounts pa join pupils p on p.id = pa.pupil_id
       where pa.site_id = a.site_id and pa.username = lower(a.os_user)
       order by pa.kind
       limit 1), 'Unknown')`;

  const [byCategory, bySeverity, byRoomRaw, byYearGroup, byOutcome, firstActions, locks, purges, holds] = await Promise.all([
    breakdown(sql`a.category`),
    breakdown(sql`a.severity::text`),
    breakdown(sql`coalesce(a.room_id, '')`),
    breakdown(yearGroup),
    breakdown(outcomeOf),
    db.execute<{ alerts: number; previous: number; actioned: number; within_day: number; median: number | null; p90: number | null }>(sql`
      with firsts as (
        select a.ts >= ${from.toISOString()}::timestamptz as now, a.received_at,
               (select min(e.at) from alert_events e where e.alert_id = a.id and e.actor_label <> 'system') as first_at
          from alerts a
         where ${both})
      select (count(*) filter (where now))::int as alerts,
             (count(*) filter (where not now))::int as previous,
             (count(first_at) filter (where now))::int as actioned,
             (count(*) filter (where now and first_at <= received_at + interval '1 day'))::int as within_day,
             percentile_cont(0.5) within group (order by greatest(0, extract(epoch from first_at - received_at)) / 60) filter (where now and first_at is not null) as median,
             percentile_cont(0.9) within group (order by greatest(0, extract(epoch from first_at - received_at)) / 60) filter (where now and first_at is not null) as p90
        from firsts`),
    db.execute<{ idle: number; teacher: number }>(sql`
      select (count(*) filter (where l.cause = 'idle'))::int as idle,
             (count(*) filter (where l.cause = 'teacher'))::int as teacher
        from idle_lock_events l join devices d on d.id = l.device_id
       where l.kind = 'locked' and l.at >= ${from.toISOString()}::timestamptz and l.at < ${to.toISOString()}::timestamptz
         and ${site(sql`d.site_id`)}`),
    db.execute<{ detail: { deleted?: Record<string, unknown> } | null }>(sql`
      select detail from audit_log
       where action = 'retention.purge' and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz`),
    db.execute<{ placed: number; now: number }>(sql`
      select (select count(distinct h.target_id) from audit_log h join alerts a on a.id = h.target_id
               where h.action = 'alert.legal-hold' and h.detail ->> 'hold' = 'true'
                 and h.at >= ${from.toISOString()}::timestamptz and h.at < ${to.toISOString()}::timestamptz
                 and ${site(sql`a.site_id`)})::int as placed,
             (select count(*) from alerts a where a.legal_hold and ${site(sql`a.site_id`)})::int as now`),
  ]);

  const roomNames = await roomLabels(
    db,
    byRoomRaw.map((row) => row.key).filter((key) => key !== ''),
  );
  const first = firstActions.rows[0];
  const rowsPurged: Record<string, number> = {};
  for (const { detail } of purges.rows) {
    for (const [kind, value] of Object.entries(detail?.deleted ?? {})) {
      if (typeof value === 'number' && Number.isFinite(value)) rowsPurged[kind] = (rowsPurged[kind] ?? 0) + value;
    }
  }
  return {
    alerts: first?.alerts ?? 0,
    previousAlerts: first?.previous ?? 0,
    byCategory,
    bySeverity: [5, 4, 3, 2, 1].map(
      (severity) => bySeverity.find((row) => row.key === String(severity)) ?? { key: String(severity), count: 0, previousCount: 0 },
    ),
    byRoom: byRoomRaw.map((row) => ({ ...row, label: row.key === '' ? 'No room' : (roomNames.get(row.key) ?? 'Removed room') })),
    byYearGroup,
    byOutcome: ['open', 'escalated', 'dismissed', 'resolved'].map(
      (outcome) => byOutcome.find((row) => row.key === outcome) ?? { key: outcome, count: 0, previousCount: 0 },
    ),
    actioned: first?.actioned ?? 0,
    triagedWithinDay: first?.within_day ?? 0,
    medianMinutesToFirstAction: first?.median ?? null,
    p90MinutesToFirstAction: first?.p90 ?? null,
    idleLocks: locks.rows[0]?.idle ?? 0,
    teacherLocks: locks.rows[0]?.teacher ?? 0,
    purgeRuns: purges.rows.length,
    rowsPurged,
    legalHoldsPlaced: holds.rows[0]?.placed ?? 0,
    legalHoldsNow: holds.rows[0]?.now ?? 0,
  };
}

async function roomLabels(db: Db, roomIds: readonly string[]): Promise<Map<string, string>> {
  if (roomIds.length === 0) return new Map();
  const result = await db.execute<{ id: string; name: string }>(
    sql`select id, name from rooms where id in (${sql.join(
      roomIds.map((id) => sql`${id}`),
      sql`, `,
    )})`,
  );
  return new Map(result.rows.map((row) => [row.id, row.name]));
}

/** The site's name, or "All sites"; undefined when there is no such site. */
export async function siteName(db: Db, siteId: string | null): Promise<string | undefined> {
  if (siteId === null) return 'All sites';
  const result = await db.execute<{ name: string }>(sql`select name from sites where id = ${siteId}`);
  return result.rows[0]?.name;
}

/** The sites a user may report on: their own, or every site when they are trust-wide. */
export async function reportableSites(db: Db, siteId: string | null): Promise<{ id: string; name: string }[]> {
  const result = await db.execute<{ id: string; name: string }>(
    sql`select id, name from sites where ${siteId === null ? sql`true` : sql`id = ${siteId}`} order by name`,
  );
  return result.rows.map((row) => ({ id: row.id, name: row.name }));
}
