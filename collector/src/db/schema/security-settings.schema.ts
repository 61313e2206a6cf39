import { sql } from 'drizzle-orm';
import { boolean, check, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { users } from './users.schema.ts';

/**
 * Site-wide sign-in security the admin sets in the console: at most one row, id
 * `default`; no row means every default (first run stays simple: teachers sign in
 * with a password only until an admin turns TOTP on for them).
 */
export const securitySettings = pgTable(
  'security_settings',
  {
    id: text('id').primaryKey().default('default'),
    /** Teachers (who see live screens) must enrol and use TOTP like technicians. */
    requireTotpForTeachers: boolean('require_totp_for_teachers').notNull().default(false),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('security_settings_single_row', sql`${t.id} = 'default'`)],
);
