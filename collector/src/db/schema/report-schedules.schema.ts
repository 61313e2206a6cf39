import { sql } from 'drizzle-orm';
import { check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz, ulidId } from './columns.ts';
import { sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

export const reportFrequencies = ['monthly', 'termly'] as const;
export type ReportFrequency = (typeof reportFrequencies)[number];

/**
 * A governors' report e-mailed on a schedule (collector/src/reports): after each month
 * or term ends, the report on it goes as a PDF to the named recipients. `site_id` null:
 * every site. Recipients are addresses, not users: a governor need not have an account.
 */
export const reportSchedules = pgTable(
  'report_schedules',
  {
    id: ulidId(),
    siteId: text('site_id').references(() => sites.id, { onDelete: 'cascade' }),
    recipients: text('recipients').array().notNull(),
    frequency: text('frequency', { enum: reportFrequencies }).notNull(),
    threshold: integer('threshold').notNull().default(5),
    nextRunAt: timestamptz('next_run_at').notNull(),
    lastRunAt: timestamptz('last_run_at'),
    /** Why the last send failed (no credentials), or null. */
    lastError: text('last_error'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    index('report_schedules_next_run_idx').on(t.nextRunAt),
    oneOf('report_schedules_frequency_check', t.frequency, reportFrequencies),
    check('report_schedules_threshold_check', sql`${t.threshold} between 5 and 50`),
    check('report_schedules_recipients_check', sql`cardinality(${t.recipients}) between 1 and 20`),
  ],
);

export type ReportScheduleRow = typeof reportSchedules.$inferSelect;
