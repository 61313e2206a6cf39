import { index, jsonb, pgTable, text, unique } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz, ulidId } from './columns.ts';
import { users } from './users.schema.ts';

export const policyScopes = ['site', 'room', 'device'] as const;
export type PolicyScope = (typeof policyScopes)[number];

/**
 * Policy settings at one level of site → room → device; the effective policy is the
 * merge from site down. `settings` is a partial Policy validated with the shared
 * schema on write (idle-lock minutes, AUP text, capture per category, sign-in title
 * patterns …). `scope_id` points at a site, room or device by `scope`, so it cannot
 * carry a foreign key; the admin service removes a scope's policy with the scope.
 */
export const policies = pgTable(
  'policies',
  {
    id: ulidId(),
    scope: text('scope', { enum: policyScopes }).notNull(),
    scopeId: text('scope_id').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    unique('policies_scope_unique').on(t.scope, t.scopeId),
    index('policies_scope_id_idx').on(t.scopeId),
    oneOf('policies_scope_check', t.scope, policyScopes),
  ],
);
