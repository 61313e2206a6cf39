import { bigserial, index, inet, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

/**
 * Append-only record of logins, capture views, reveals, exports, status and config
 * changes, word-list edits and lock commands. The database itself refuses UPDATE,
 * DELETE and TRUNCATE (triggers in the custom migration `0002_audit_log_append_only`).
 * `actor_user_id` deliberately has no foreign key: removing a user must neither fail
 * on nor rewrite their audit history; `actor_label` keeps the name as it was.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamptz('at').notNull().defaultNow(),
    actorUserId: text('actor_user_id'),
    actorLabel: text('actor_label').notNull(),
    /** Dotted verb, e.g. `alert.view`, `screenshot.reveal`, `device.lock`, `auth.login`. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    ip: inet('ip'),
  },
  (t) => [
    index('audit_log_at_idx').on(t.at),
    index('audit_log_actor_at_idx').on(t.actorUserId, t.at),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
  ],
);
