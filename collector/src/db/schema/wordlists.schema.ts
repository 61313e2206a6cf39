import { boolean, pgTable, smallint, text, unique } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, severityCheck, timestamptz, ulidId } from './columns.ts';
import { sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

export const matchKinds = ['word', 'phrase', 'substring'] as const;

/**
 * Terms a school adds from the console, merged with the files in `wordlists/`.
 * A null site means every site.
 */
export const wordlistEntries = pgTable(
  'wordlist_entries',
  {
    id: ulidId(),
    siteId: text('site_id').references(() => sites.id, { onDelete: 'cascade' }),
    term: text('term').notNull(),
    category: text('category').notNull(),
    severity: smallint('severity').notNull(),
    match: text('match', { enum: matchKinds }).notNull().default('word'),
    enabled: boolean('enabled').notNull().default(true),
    note: text('note'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    unique('wordlist_entries_term_unique').on(t.siteId, t.term, t.category).nullsNotDistinct(),
    oneOf('wordlist_entries_match_check', t.match, matchKinds),
    severityCheck('wordlist_entries_severity_check', t.severity),
  ],
);

/** Words that must never fire ("Scunthorpe", "therapist"), added from the console. */
export const allowlistEntries = pgTable(
  'allowlist_entries',
  {
    id: ulidId(),
    siteId: text('site_id').references(() => sites.id, { onDelete: 'cascade' }),
    term: text('term').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    note: text('note'),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [unique('allowlist_entries_term_unique').on(t.siteId, t.term).nullsNotDistinct()],
);
