import { sql, type SQL } from 'drizzle-orm';
import { check, text, timestamp, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { ulid } from 'ulid';

// Column helpers shared by every schema file, so ids and times look the same everywhere.

/**
 * A text primary key holding a ULID. Rows that agents create (alerts, spans) carry the
 * agent's ULID, so the database never needs to mint those; server-side rows get one
 * from the application (sortable by creation time, safe to show in URLs).
 */
export const ulidId = (name = 'id') =>
  text(name)
    .primaryKey()
    .$defaultFn(() => ulid());

/** Every time column is timestamptz: schools span time zones and daylight saving. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz('created_at').notNull().defaultNow();

/** `CHECK (column IN (...))` from the same constant list that types the column. */
export function oneOf(name: string, column: AnyPgColumn, values: readonly string[]) {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(', ');
  return check(name, sql`${column} in (${sql.raw(list)})`);
}

/** Severity is the word list's 1 (low) .. 5 (critical). */
export function severityCheck(name: string, column: AnyPgColumn): ReturnType<typeof check> {
  const condition: SQL = sql`${column} between 1 and 5`;
  return check(name, condition);
}
