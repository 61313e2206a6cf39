import { sql } from 'drizzle-orm';
import { check, index, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz } from './columns.ts';
import { devices } from './devices.schema.ts';

/**
 * Which window was in front, from when to when. The busiest table by far, so it is
 * PARTITIONED BY RANGE (started_at), one partition per calendar month (UTC), and
 * retention drops whole partitions. drizzle-kit cannot express partitioning: the
 * table is re-created partitioned by the custom migration `0001_activity_spans_partitioned`,
 * which keeps every column, constraint and index name declared here. Change the
 * columns here and drizzle-kit's ALTERs apply to the partitioned table as usual.
 * Postgres requires the partition key in the primary key, hence (id, started_at).
 */
export const activitySpans = pgTable(
  'activity_spans',
  {
    /** The agent's ULID; together with started_at the idempotency key for ingest. */
    id: text('id').notNull(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    osUser: text('os_user'),
    app: text('app').notNull(),
    title: text('title'),
    url: text('url'),
    startedAt: timestamptz('started_at').notNull(),
    endedAt: timestamptz('ended_at').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: 'activity_spans_pkey', columns: [t.id, t.startedAt] }),
    index('activity_spans_device_started_idx').on(t.deviceId, t.startedAt),
    check('activity_spans_order_check', sql`${t.endedAt} >= ${t.startedAt}`),
  ],
);

export const idleLockKinds = ['idle', 'active', 'locked', 'unlocked'] as const;
export type IdleLockKind = (typeof idleLockKinds)[number];

/** Idle and screen-lock transitions reported by the agent (`idle-state`, `lock-state`). */
export const idleLockEvents = pgTable(
  'idle_lock_events',
  {
    /** The agent's message ULID. */
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    osUser: text('os_user'),
    kind: text('kind', { enum: idleLockKinds }).notNull(),
    /** What caused a lock: the OS, the idle policy, a teacher … (free text from the agent). */
    cause: text('cause'),
    at: timestamptz('at').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
  },
  (t) => [
    index('idle_lock_events_device_at_idx').on(t.deviceId, t.at),
    index('idle_lock_events_at_idx').on(t.at),
    oneOf('idle_lock_events_kind_check', t.kind, idleLockKinds),
  ],
);
