import { sql } from 'drizzle-orm';
import { boolean, check, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz } from './columns.ts';
import { users } from './users.schema.ts';

export const retentionDataClasses = ['activity', 'alerts', 'screenshots', 'false-positives', 'idle-lock-events', 'sessions', 'pupil-leavers'] as const;
export type RetentionDataClass = (typeof retentionDataClasses)[number];

/**
 * How long each class of data is kept (UK GDPR storage limitation). `legal_hold`
 * suspends purging the whole class; single alerts and screenshots carry their own
 * hold. A class without a row uses the retention service's default.
 */
export const retentionSettings = pgTable(
  'retention_settings',
  {
    dataClass: text('data_class', { enum: retentionDataClasses }).primaryKey(),
    days: integer('days').notNull(),
    legalHold: boolean('legal_hold').notNull().default(false),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [oneOf('retention_settings_class_check', t.dataClass, retentionDataClasses), check('retention_settings_days_check', sql`${t.days} > 0`)],
);
