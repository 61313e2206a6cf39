import type pg from 'pg';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import type { AlertSummary } from './notification-message.ts';

/** Where times are shown when a site has no school hours set. */
export const defaultTimezone = 'Europe/London';

/**
 * What a notification may say about alerts, by id: category, severity, site and room
 * names, time (in the site's time zone) and the console link. Reads no other column.
 */
export async function alertSummaries(
  pool: pg.Pool,
  alertIds: readonly string[],
  catalog: CategoryCatalog,
  consoleUrl: string,
): Promise<Map<string, AlertSummary>> {
  if (alertIds.length === 0) return new Map();
  const { rows } = await pool.query<{
    id: string;
    category: string;
    severity: number;
    ts: Date;
    site_name: string | null;
    room_name: string | null;
    timezone: string | null;
  }>(
    `select a.id, a.category, a.severity, a.ts, s.name as site_name, r.name as room_name, h.timezone
       from alerts a left join sites s on s.id = a.site_id left join rooms r on r.id = a.room_id left join school_hours h on h.site_id = a.site_id
      where a.id = any($1::text[])`,
    [alertIds],
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        category: row.category,
        categoryLabel: catalog.facts(row.category).label,
        severity: row.severity,
        siteName: row.site_name,
        roomName: row.room_name,
        ts: row.ts,
        timezone: row.timezone ?? defaultTimezone,
        link: `${consoleUrl}/triage/${encodeURIComponent(row.id)}`,
      },
    ]),
  );
}
