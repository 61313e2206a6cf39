import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz, ulidId } from './columns.ts';
import { sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

// The pupil directory (collector/src/pupils): who a login belongs to, imported from the
// school's MIS (SIMS, Arbor, Bromcom …) as CSV. Leavers are kept (status `left`) until
// the `pupil-leavers` retention period has passed.

export const pupilStatuses = ['active', 'left'] as const;
export type PupilStatus = (typeof pupilStatuses)[number];

export const pupilAccountKinds = ['os', 'google', 'microsoft'] as const;
export type PupilAccountKind = (typeof pupilAccountKinds)[number];

export const pupils = pgTable(
  'pupils',
  {
    id: ulidId(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    /** The MIS's stable key (UPN, admission number or MIS id): re-imports match on it. */
    misId: text('mis_id').notNull(),
    givenName: text('given_name').notNull(),
    familyName: text('family_name').notNull(),
    yearGroup: text('year_group'),
    tutorGroup: text('tutor_group'),
    classes: text('classes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    status: text('status', { enum: pupilStatuses }).notNull().default('active'),
    leftAt: timestamptz('left_at'),
    createdAt: createdAt(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('pupils_site_mis_unique').on(t.siteId, t.misId),
    index('pupils_status_left_idx').on(t.status, t.leftAt),
    oneOf('pupils_status_check', t.status, pupilStatuses),
    check('pupils_left_at_check', sql`(${t.status} = 'left') = (${t.leftAt} is not null)`),
  ],
);

/** A login of a pupil: the OS user name, or a Google / Microsoft account (lower-cased). */
export const pupilAccounts = pgTable(
  'pupil_accounts',
  {
    id: ulidId(),
    pupilId: text('pupil_id')
      .notNull()
      .references(() => pupils.id, { onDelete: 'cascade' }),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: pupilAccountKinds }).notNull(),
    username: text('username').notNull(),
  },
  (t) => [
    uniqueIndex('pupil_accounts_site_kind_username_unique').on(t.siteId, t.kind, t.username),
    index('pupil_accounts_pupil_idx').on(t.pupilId),
    oneOf('pupil_accounts_kind_check', t.kind, pupilAccountKinds),
    check('pupil_accounts_username_lower_check', sql`${t.username} = lower(${t.username}) and ${t.username} <> ''`),
  ],
);

/** One import of a CSV, for the audit: who, when, what happened, which rows had problems. */
export const pupilImportRuns = pgTable(
  'pupil_import_runs',
  {
    id: ulidId(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    actorUserId: text('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorLabel: text('actor_label').notNull(),
    fileName: text('file_name'),
    /** A full import marks pupils missing from the file as left. */
    fullImport: boolean('full_import').notNull(),
    rows: integer('rows').notNull(),
    added: integer('added').notNull(),
    updated: integer('updated').notNull(),
    unchanged: integer('unchanged').notNull(),
    left: integer('left').notNull(),
    problems: jsonb('problems').$type<unknown[]>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('pupil_import_runs_site_created_idx').on(t.siteId, t.createdAt)],
);

export type PupilRow = typeof pupils.$inferSelect;
export type PupilAccountRow = typeof pupilAccounts.$inferSelect;
