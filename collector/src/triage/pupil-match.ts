import type { PupilRef } from '@vigil/shared/console';
import { Column, getTableName, inArray, is, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../db/database.ts';
import { alerts } from '../db/schema/index.ts';

// Which pupil a login belongs to. ONE rule, in SQL, used by the alert queries (as a
// correlated sub-select), the live tiles and the exports alike:
//   - an e-mail-shaped user (an Entra-joined PC's `name@school.org`) or a browser profile
//     e-mail matches a Google or Microsoft account, case-insensitively;
//   - otherwise the OS user matches an `os` account with any `DOMAIN\` prefix and
//     `@domain` suffix removed (`SCHOOL\JSmith`, `jsmith@school.local` → `jsmith`), the
//     same spelling the import stores (username.ts `osAccountName`).
// Leavers still match: their history stays theirs until retention deletes them.
//
// What a pupil match reveals is who typed it: callers showing it must withhold it whenever
// they withhold the alert's OS user (triage/alert-redaction.ts `redactPupil`).

type Operand = SQL | AnyPgColumn | string | null;

/**
 * A parameter, a SQL fragment, or a column always written with its table's name: drizzle
 * leaves columns unqualified in a one-table query, and inside the sub-select an unqualified
 * `site_id` would be pupil_accounts' own.
 */
function value(operand: Operand): SQL {
  if (typeof operand === 'string' || operand === null) return sql`${operand}::text`;
  if (is(operand, Column)) return sql`${sql.identifier(getTableName(operand.table))}.${sql.identifier(operand.name)}`;
  return operand;
}

/** The OS account spelling of a login, in SQL (see username.ts `osAccountName`). */
export function osAccountSql(osUser: Operand): SQL<string> {
  return sql<string>`btrim(split_part(regexp_replace(lower(btrim(${value(osUser)})), ${'^.*\\\\'}, ''), '@', 1))`;
}

/** A sub-select giving the pupil (json, or null) that `osUser` / `profileEmail` on `siteId` resolves to. */
export function pupilMatchSql(siteId: Operand, osUser: Operand, profileEmail: Operand = null): SQL<PupilRef | null> {
  return sql<PupilRef | null>`(
    select json_build_object('id', p.id, 'givenName', p.given_name, 'familyName', p.family_name, 'yearGroup', p.year_group, 'tutorGroup', p.tutor_group)
      from pupil_accounts pa join pupils p on p.id = pa.pupil_id
     where pa.site_id = ${value(siteId)}
       and ((pa.kind <> 'os' and pa.username in (lower(btrim(${value(profileEmail)})), lower(btrim(${value(osUser)}))))
         or (pa.kind = 'os' and pa.username = ${osAccountSql(osUser)}))
     order by pa.kind = 'os', p.status = 'left'
     limit 1)`;
}

export interface Login {
  readonly siteId: string;
  readonly osUser?: string | null;
  readonly profileEmail?: string | null;
}

/** The pupil a login resolves to, or null. */
export async function pupilFor(db: Db, login: Login): Promise<PupilRef | null> {
  const [match] = await pupilsFor(db, [login]);
  return match ?? null;
}

/** The pupils several logins resolve to, in the same order (null where none): one query. */
export async function pupilsFor(db: Db, logins: readonly Login[]): Promise<(PupilRef | null)[]> {
  if (logins.length === 0) return [];
  const input = JSON.stringify(logins.map((login, index) => ({ i: index, s: login.siteId, u: login.osUser ?? null, e: login.profileEmail ?? null })));
  const result = await db.execute<{ i: number; pupil: PupilRef | null }>(sql`
    select l.i, ${pupilMatchSql(sql`l.s`, sql`l.u`, sql`l.e`)} as pupil
      from json_to_recordset(${input}::json) as l(i int, s text, u text, e text)`);
  const found = new Map(result.rows.map((row) => [row.i, row.pupil]));
  return logins.map((_, index) => found.get(index) ?? null);
}

/**
 * The pupil of each alert (absent ids are left out; alerts without a match map to null).
 * For the incident export: it is NOT redacted, withhold it with the OS user.
 */
export async function pupilsForAlerts(db: Db, alertIds: readonly string[]): Promise<Map<string, PupilRef | null>> {
  if (alertIds.length === 0) return new Map();
  const rows = await db
    .select({ id: alerts.id, pupil: pupilMatchSql(alerts.siteId, alerts.osUser) })
    .from(alerts)
    .where(inArray(alerts.id, [...alertIds]));
  return new Map(rows.map((row) => [row.id, row.pupil]));
}

/** The pupil at each device (its site from the device row), in the same order: one query for a wall of tiles. */
export async function pupilsForDevices(
  db: Db,
  logins: readonly { deviceId: string; osUser: string | null; profileEmail: string | null }[],
): Promise<(PupilRef | null)[]> {
  if (logins.length === 0) return [];
  const input = JSON.stringify(logins.map((login, index) => ({ i: index, d: login.deviceId, u: login.osUser, e: login.profileEmail })));
  const result = await db.execute<{ i: number; pupil: PupilRef | null }>(sql`
    select l.i, ${pupilMatchSql(sql`d.site_id`, sql`l.u`, sql`l.e`)} as pupil
      from json_to_recordset(${input}::json) as l(i int, d text, u text, e text)
      join devices d on d.id = l.d`);
  const found = new Map(result.rows.map((row) => [row.i, row.pupil]));
  return logins.map((_, index) => found.get(index) ?? null);
}
