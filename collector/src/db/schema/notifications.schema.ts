import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, pgTable, smallint, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { alerts } from './alerts.schema.ts';
import { createdAt, oneOf, severityCheck, timestamptz, ulidId } from './columns.ts';
import { sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

// Notifications (collector/src/notifications): where alerts are sent, who wants which,
// and the durable outbox of messages still to send. Secrets are sealed with the
// collector's SecretBox (auth/secret-box.ts), never stored in the clear.

export const smtpSecurities = ['starttls', 'tls'] as const;
export const webhookKinds = ['teams', 'slack', 'generic'] as const;
export const notificationChannels = ['email', 'webhook'] as const;
export const notificationReasons = ['rule', 'out-of-hours', 'unacted'] as const;
export const notificationStates = ['pending', 'sent', 'failed'] as const;

/** The school's SMTP server: at most one row, id `default`. */
export const smtpSettings = pgTable(
  'notification_smtp',
  {
    id: text('id').primaryKey().default('default'),
    host: text('host').notNull(),
    port: integer('port').notNull(),
    security: text('security', { enum: smtpSecurities }).notNull(),
    username: text('username'),
    passwordSealed: text('password_sealed'),
    fromAddress: text('from_address').notNull(),
    caCertificate: text('ca_certificate'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [check('notification_smtp_single_row', sql`${t.id} = 'default'`), oneOf('notification_smtp_security_check', t.security, smtpSecurities)],
);

export const webhooks = pgTable(
  'notification_webhooks',
  {
    id: ulidId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: webhookKinds }).notNull(),
    /** The URL sealed (a Teams or Slack URL is a credential); `url_hint` is its scheme and host. */
    urlSealed: text('url_sealed').notNull(),
    urlHint: text('url_hint').notNull(),
    secretSealed: text('secret_sealed'),
    enabled: boolean('enabled').notNull().default(true),
    minSeverity: smallint('min_severity').notNull().default(4),
    createdAt: createdAt(),
  },
  (t) => [oneOf('notification_webhooks_kind_check', t.kind, webhookKinds), severityCheck('notification_webhooks_severity_check', t.minSeverity)],
);

/** A user's own e-mail rule. No row: no e-mail. */
export const notificationRules = pgTable(
  'notification_rules',
  {
    userId: text('user_id')
      .primaryKey()
      .references(() => users.id, { onDelete: 'cascade' }),
    emailEnabled: boolean('email_enabled').notNull().default(false),
    /** Empty: every category. */
    categories: text('categories')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    minSeverity: smallint('min_severity').notNull().default(4),
    /** Null: the account's e-mail address. */
    address: text('address'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [severityCheck('notification_rules_severity_check', t.minSeverity)],
);

/** When a site is staffed, in its own time zone (no row: always in hours). */
export const schoolHours = pgTable(
  'school_hours',
  {
    siteId: text('site_id')
      .primaryKey()
      .references(() => sites.id, { onDelete: 'cascade' }),
    timezone: text('timezone').notNull(),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: smallint('weekdays').array().notNull(),
    /** Minutes after local midnight; start < end. */
    startMinute: integer('start_minute').notNull(),
    endMinute: integer('end_minute').notNull(),
  },
  (t) => [check('school_hours_span_check', sql`${t.startMinute} >= 0 and ${t.startMinute} < ${t.endMinute} and ${t.endMinute} <= 1440`)],
);

/** The second contact and its thresholds: at most one row, id `default`. */
export const escalationSettings = pgTable(
  'notification_escalation',
  {
    id: text('id').primaryKey().default('default'),
    contactUserId: text('contact_user_id').references(() => users.id, { onDelete: 'set null' }),
    contactEmail: text('contact_email'),
    outOfHoursMinSeverity: smallint('out_of_hours_min_severity'),
    unactedMinSeverity: smallint('unacted_min_severity'),
    unactedMinutes: integer('unacted_minutes'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('notification_escalation_single_row', sql`${t.id} = 'default'`)],
);

/** Alerts already routed to their recipients (so a sweep after a crash routes each exactly once). */
export const notificationRouted = pgTable('notification_routed', {
  alertId: text('alert_id')
    .primaryKey()
    .references(() => alerts.id, { onDelete: 'cascade' }),
  routedAt: timestamptz('routed_at').notNull().defaultNow(),
});

/**
 * The durable outbox: one row per message to send. Unique per (alert, reason, target), so
 * routing the same alert twice enqueues nothing new. Sent rows are the "already told" marker.
 */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    reason: text('reason', { enum: notificationReasons }).notNull(),
    channel: text('channel', { enum: notificationChannels }).notNull(),
    /** An e-mail address, or a webhook id. */
    target: text('target').notNull(),
    state: text('state', { enum: notificationStates }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    /** A worker holds the row until then (several collectors share the table). */
    lockedUntil: timestamptz('locked_until'),
    lastError: text('last_error'),
    firstFailedAt: timestamptz('first_failed_at'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    sentAt: timestamptz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notification_outbox_once').on(t.alertId, t.reason, t.channel, t.target),
    index('notification_outbox_due_idx').on(t.state, t.nextAttemptAt),
    index('notification_outbox_created_idx').on(t.createdAt),
    oneOf('notification_outbox_reason_check', t.reason, notificationReasons),
    oneOf('notification_outbox_channel_check', t.channel, notificationChannels),
    oneOf('notification_outbox_state_check', t.state, notificationStates),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type OutboxRow = typeof notificationOutbox.$inferSelect;
