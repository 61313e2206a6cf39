import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, index, integer, jsonb, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { alertStatuses } from '@vigil/shared/console';
import { oneOf, severityCheck, timestamptz } from './columns.ts';
import { devices } from './devices.schema.ts';
import { rooms, sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

export const alertSources = ['typed', 'title', 'url'] as const;
export type AlertSource = (typeof alertSources)[number];

// The statuses are the console API's (one list, in @vigil/shared).
export { alertStatuses, type AlertStatus } from '@vigil/shared/console';

export const alertEventKinds = ['status', 'note', 'assign', 'export'] as const;
export type AlertEventKind = (typeof alertEventKinds)[number];

export const screenshotMimeTypes = ['image/jpeg', 'image/png', 'image/webp'] as const;

/**
 * A flagged capture. The primary key is the agent's ULID, so a replayed alert is an
 * `ON CONFLICT DO NOTHING`. Site and room are copied from the device at ingest: a
 * device that moves room later must not move its history.
 */
/** One matched term of an alert (`alerts.terms`). */
export interface AlertTermRow {
  readonly term: string;
  readonly category: string;
  readonly severity: number;
}

export const alerts = pgTable(
  'alerts',
  {
    id: text('id').primaryKey(),
    deviceId: text('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'restrict' }),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    roomId: text('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    osUser: text('os_user'),
    /** When it happened on the PC (agent clock). */
    ts: timestamptz('ts').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    source: text('source', { enum: alertSources }).notNull(),
    term: text('term').notNull(),
    category: text('category').notNull(),
    severity: smallint('severity').notNull(),
    /**
     * Every word-list term matched in the phrase (the agent folds overlapping hits into
     * one alert), the primary `term` first; null from agents that send one term only.
     */
    terms: jsonb('terms').$type<AlertTermRow[]>(),
    /** ≤ 120 characters around the match, already redacted by the agent. */
    context: text('context'),
    windowTitle: text('window_title'),
    app: text('app'),
    url: text('url'),
    /** Set when a screenshot was taken; the blob may arrive after the alert. */
    screenshotSha256: text('screenshot_sha256'),
    status: text('status', { enum: alertStatuses }).notNull().default('new'),
    assigneeId: text('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    statusChangedAt: timestamptz('status_changed_at'),
    /** Evidence kept past retention (e.g. a police or LADO referral). */
    legalHold: boolean('legal_hold').notNull().default(false),
  },
  (t) => [
    // The triage queue: open alerts, most severe then newest first.
    index('alerts_triage_idx').on(t.status, t.severity.desc().nullsFirst(), t.ts.desc().nullsFirst()),
    index('alerts_device_ts_idx').on(t.deviceId, t.ts.desc().nullsFirst()),
    index('alerts_site_ts_idx').on(t.siteId, t.ts.desc().nullsFirst()),
    index('alerts_room_ts_idx').on(t.roomId, t.ts.desc().nullsFirst()),
    index('alerts_category_ts_idx').on(t.category, t.ts),
    index('alerts_ts_idx').on(t.ts),
    index('alerts_screenshot_idx').on(t.screenshotSha256),
    oneOf('alerts_source_check', t.source, alertSources),
    oneOf('alerts_status_check', t.status, alertStatuses),
    severityCheck('alerts_severity_check', t.severity),
  ],
);

/** The history of an alert: status changes, assignments, notes, exports. */
export const alertEvents = pgTable(
  'alert_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    alertId: text('alert_id')
      .notNull()
      .references(() => alerts.id, { onDelete: 'cascade' }),
    at: timestamptz('at').notNull().defaultNow(),
    actorUserId: text('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Who did it, as shown; survives the user's deletion ("system" for automatic changes). */
    actorLabel: text('actor_label').notNull(),
    kind: text('kind', { enum: alertEventKinds }).notNull(),
    fromStatus: text('from_status', { enum: alertStatuses }),
    toStatus: text('to_status', { enum: alertStatuses }),
    note: text('note'),
  },
  (t) => [index('alert_events_alert_at_idx').on(t.alertId, t.at), oneOf('alert_events_kind_check', t.kind, alertEventKinds)],
);

/** Screenshot blobs, content-addressed: the bytes live in the blob store under the sha256. */
export const screenshots = pgTable(
  'screenshots',
  {
    sha256: text('sha256').primaryKey(),
    bytes: integer('bytes').notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    mime: text('mime', { enum: screenshotMimeTypes }).notNull(),
    deviceId: text('device_id').references(() => devices.id, { onDelete: 'set null' }),
    storedAt: timestamptz('stored_at').notNull().defaultNow(),
    legalHold: boolean('legal_hold').notNull().default(false),
  },
  (t) => [
    check('screenshots_sha256_check', sql`${t.sha256} ~ '^[0-9a-f]{64}$'`),
    check('screenshots_size_check', sql`${t.bytes} >= 0 and ${t.width} > 0 and ${t.height} > 0`),
    oneOf('screenshots_mime_check', t.mime, screenshotMimeTypes),
    index('screenshots_stored_at_idx').on(t.storedAt),
  ],
);
