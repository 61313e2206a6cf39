import type { PupilRow, UnmatchedUsernamesResponse } from '@vigil/shared/console';
import { and, asc, eq, ilike, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { alerts, pupilAccounts, pupils } from '../db/schema/index.ts';
import { pupilMatchSql } from '../triage/pupil-match.ts';

// Reading the directory: the list with search, one pupil, the alert filter of a pupil's
// page and the user names nobody in the directory owns.

type PupilTableRow = typeof pupils.$inferSelect;

async function withAccounts(db: Db, rows: readonly PupilTableRow[]): Promise<PupilRow[]> {
  const ids = rows.map((row) => row.id);
  const accounts =
    ids.length === 0
      ? []
      : await db.select().from(pupilAccounts).where(inArray(pupilAccounts.pupilId, ids)).orderBy(asc(pupilAccounts.kind), asc(pupilAccounts.username));
  return rows.map((row) => ({
    id: row.id,
    siteId: row.siteId,
    misId: row.misId,
    givenName: row.givenName,
    familyName: row.familyName,
    yearGroup: row.yearGroup,
    tutorGroup: row.tutorGroup,
    classes: row.classes,
    status: row.status,
    leftAt: row.leftAt?.toISOString() ?? null,
    accounts: accounts.filter((account) => account.pupilId === row.id).map((account) => ({ kind: account.kind, username: account.username })),
  }));
}

export interface PupilSearch {
  readonly siteId: string | null;
  readonly status: 'active' | 'left' | 'all';
  readonly q: string | undefined;
  readonly limit: number;
}

/** Pupils by surname, forename; `q` matches names, UPN, groups and usernames. */
export async function listPupils(db: Db, search: PupilSearch): Promise<{ pupils: PupilRow[]; total: number }> {
  const conditions: (SQL | undefined)[] = [
    search.siteId === null ? undefined : eq(pupils.siteId, search.siteId),
    search.status === 'all' ? undefined : eq(pupils.status, search.status),
  ];
  const q = search.q?.trim();
  if (q !== undefined && q !== '') {
    const like = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
    conditions.push(
      or(
        ilike(sql`${pupils.givenName} || ' ' || ${pupils.familyName}`, like),
        ilike(sql`${pupils.familyName} || ' ' || ${pupils.givenName}`, like),
        ilike(pupils.misId, like),
        ilike(pupils.yearGroup, like),
        ilike(pupils.tutorGroup, like),
        sql`exists (select 1 from pupil_accounts pa where pa.pupil_id = ${pupils.id} and pa.username ilike ${like})`,
      ),
    );
  }
  const where = and(...conditions);
  const [rows, [counted]] = await Promise.all([
    db.select().from(pupils).where(where).orderBy(asc(pupils.familyName), asc(pupils.givenName), asc(pupils.id)).limit(search.limit),
    db
      .select({ total: sql<number>`count(*)::int` })
      .from(pupils)
      .where(where),
  ]);
  return { pupils: await withAccounts(db, rows), total: counted?.total ?? 0 };
}

export async function findPupil(db: Db, pupilId: string): Promise<PupilRow | undefined> {
  const rows = await db.select().from(pupils).where(eq(pupils.id, pupilId)).limit(1);
  return (await withAccounts(db, rows))[0];
}

/** The condition on `alerts` selecting a pupil's alerts: their site, and a user name that resolves to them. */
export function alertsOfPupil(pupil: Pick<PupilRow, 'id' | 'siteId'>): SQL {
  return and(eq(alerts.siteId, pupil.siteId), sql`${pupilMatchSql(alerts.siteId, alerts.osUser)}->>'id' = ${pupil.id}`) ?? sql`false`;
}

/**
 * User names seen in the last 30 days that resolve to no pupil: from activity (every
 * login shows there) and from alerts in categories that are NOT restricted — a restricted
 * alert's OS user is withheld from IT, so it must not surface here either.
 */
export async function unmatchedUsernames(
  db: Db,
  siteId: string | null,
  openCategories: readonly string[],
  now: Date,
): Promise<UnmatchedUsernamesResponse['usernames']> {
  const since = new Date(now.getTime() - 30 * 24 * 3600_000);
  const siteFilter = siteId === null ? sql`true` : sql`site_id = ${siteId}`;
  const alertCategories =
    openCategories.length === 0
      ? sql`false`
      : sql`a.category in (${sql.join(
          openCategories.map((category) => sql`${category}`),
          sql`, `,
        )})`;
  const result = await db.execute<{ site_id: string; username: string; source: 'alert' | 'activity'; last_seen: Date | string; seen: number }>(sql`
    with seen as (
      select a.site_id, a.os_user as username, 'alert' as source, max(a.ts) as last_seen, count(*)::int as seen
        from alerts a where a.ts >= ${since} and a.os_user is not null and btrim(a.os_user) <> '' and ${alertCategories}
       group by a.site_id, a.os_user
      union all
      select d.site_id, s.os_user, 'activity', max(s.started_at), count(*)::int
        from activity_spans s join devices d on d.id = s.device_id
       where s.started_at >= ${since} and s.os_user is not null and btrim(s.os_user) <> ''
       group by d.site_id, s.os_user
    )
    select site_id, username, source, last_seen, seen from seen
     where ${siteFilter} and ${pupilMatchSql(sql`seen.site_id`, sql`seen.username`)} is null
     order by last_seen desc
     limit 500`);
  return result.rows.map((row) => ({
    siteId: row.site_id,
    username: row.username,
    source: row.source,
    lastSeenAt: new Date(row.last_seen).toISOString(),
    count: row.seen,
  }));
}

/** Retention: pupils who left more than `days` ago are deleted (their accounts with them). */
export async function deleteLeaversBefore(db: Db, cutoff: Date): Promise<number> {
  const deleted = await db
    .delete(pupils)
    .where(and(eq(pupils.status, 'left'), sql`${pupils.leftAt} < ${cutoff}`))
    .returning({ id: pupils.id });
  return deleted.length;
}
