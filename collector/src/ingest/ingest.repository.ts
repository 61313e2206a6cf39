import type pg from 'pg';
import type { ActivityRow, AlertRow, IdleLockRow } from './ingest-rows.ts';

// Multi-row, idempotent inserts for ingest. Each statement takes one array per column
// and unnests them, so a batch of 500 rows is 8–15 parameters, not 7,500, and the
// statement is prepared once per connection (named) whatever the batch size. The
// agent's ULID is the key: `ON CONFLICT DO NOTHING` makes a replay a no-op.

export type Queryable = Pick<pg.ClientBase, 'query'>;

function column<R, K extends keyof R>(rows: readonly R[], key: K): Array<R[K]> {
  return rows.map((row) => row[key]);
}

const insertAlertsSql = `
insert into alerts (id, device_id, site_id, room_id, os_user, ts, source, term, category, severity,
                    context, window_title, app, url, screenshot_sha256, terms)
select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[], $7::text[],
                     $8::text[], $9::text[], $10::smallint[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[],
                     $16::jsonb[])
on conflict do nothing
returning id`;

/** Returns the ids of the rows that were new (a replay returns nothing). */
export async function insertAlerts(db: Queryable, rows: readonly AlertRow[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const result = await db.query({
    name: 'vigil_ingest_alerts',
    text: insertAlertsSql,
    values: [
      column(rows, 'id'),
      column(rows, 'deviceId'),
      column(rows, 'siteId'),
      column(rows, 'roomId'),
      column(rows, 'osUser'),
      column(rows, 'ts'),
      column(rows, 'source'),
      column(rows, 'term'),
      column(rows, 'category'),
      column(rows, 'severity'),
      column(rows, 'context'),
      column(rows, 'windowTitle'),
      column(rows, 'app'),
      column(rows, 'url'),
      column(rows, 'screenshotSha256'),
      column(rows, 'terms'),
    ],
  });
  return (result.rows as Array<{ id: string }>).map((row) => row.id);
}

const insertActivitySql = `
insert into activity_spans (id, device_id, os_user, app, title, url, started_at, ended_at)
select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[])
on conflict do nothing`;

export async function insertActivitySpans(db: Queryable, rows: readonly ActivityRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query({
    name: 'vigil_ingest_activity',
    text: insertActivitySql,
    values: [
      column(rows, 'id'),
      column(rows, 'deviceId'),
      column(rows, 'osUser'),
      column(rows, 'app'),
      column(rows, 'title'),
      column(rows, 'url'),
      column(rows, 'startedAt'),
      column(rows, 'endedAt'),
    ],
  });
  return result.rowCount ?? 0;
}

const insertIdleLockSql = `
insert into idle_lock_events (id, device_id, os_user, kind, cause, at)
select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])
on conflict do nothing`;

export async function insertIdleLockEvents(db: Queryable, rows: readonly IdleLockRow[]): Promise<number> {
  if (rows.length === 0) return 0;
  const result = await db.query({
    name: 'vigil_ingest_idle_lock',
    text: insertIdleLockSql,
    values: [column(rows, 'id'), column(rows, 'deviceId'), column(rows, 'osUser'), column(rows, 'kind'), column(rows, 'cause'), column(rows, 'at')],
  });
  return result.rowCount ?? 0;
}
