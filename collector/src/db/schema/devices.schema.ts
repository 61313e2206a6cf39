import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz, ulidId } from './columns.ts';
import { rooms, sites } from './sites.schema.ts';
import { users } from './users.schema.ts';

export const deviceStatuses = ['online', 'offline', 'silent'] as const;
export type DeviceStatus = (typeof deviceStatuses)[number];

/** How the previous connection ended: with a `bye`, or by vanishing (a tamper signal). */
export const deviceExitKinds = ['bye', 'silent'] as const;
export type DeviceExitKind = (typeof deviceExitKinds)[number];

/** Which agent runs on the device: the desktop agent, or the browser extension (Chromebooks, Chrome/Edge). */
export const deviceAgentKinds = ['desktop', 'browser'] as const;
export type DeviceAgentKind = (typeof deviceAgentKinds)[number];

/** A one-time or limited token IT creates so agents can enrol into a site / room. */
export const enrolmentTokens = pgTable(
  'enrolment_tokens',
  {
    id: ulidId(),
    /** sha256 hex of the token; the token itself is shown once and never stored. */
    tokenHash: text('token_hash').notNull().unique(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'cascade' }),
    roomId: text('room_id').references(() => rooms.id, { onDelete: 'cascade' }),
    label: text('label'),
    expiresAt: timestamptz('expires_at').notNull(),
    usesLeft: integer('uses_left').notNull(),
    createdBy: text('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [check('enrolment_tokens_uses_left_check', sql`${t.usesLeft} >= 0`)],
);

/** An enrolled agent. Its secret is random and stored only as a hash. */
export const devices = pgTable(
  'devices',
  {
    id: ulidId(),
    siteId: text('site_id')
      .notNull()
      .references(() => sites.id, { onDelete: 'restrict' }),
    roomId: text('room_id').references(() => rooms.id, { onDelete: 'set null' }),
    hostname: text('hostname').notNull(),
    /** windows | macos | linux | chromeos, normalised from what the agent reports. */
    os: text('os').notNull(),
    osVersion: text('os_version'),
    agentVersion: text('agent_version'),
    /** Rows from before browser agents existed are desktop agents, hence the default. */
    agentKind: text('agent_kind', { enum: deviceAgentKinds }).notNull().default('desktop'),
    /** Browser name and version of a browser agent ("Chrome 131.0"); null for desktop agents. */
    browser: text('browser'),
    /** The signed-in browser profile's e-mail (a browser agent's pupil); personal data like last_os_user. */
    profileEmail: text('profile_email'),
    /** Capabilities announced in `hello` (keyboard, screenshots, lock …). */
    capabilities: jsonb('capabilities').$type<string[]>().notNull().default([]),
    secretHash: text('secret_hash').notNull(),
    enrolledAt: timestamptz('enrolled_at').notNull().defaultNow(),
    enrolmentTokenId: text('enrolment_token_id').references(() => enrolmentTokens.id, { onDelete: 'set null' }),
    status: text('status', { enum: deviceStatuses }).notNull().default('offline'),
    lastSeenAt: timestamptz('last_seen_at'),
    lastOsUser: text('last_os_user'),
    previousExit: text('previous_exit', { enum: deviceExitKinds }),
    wordlistVersion: text('wordlist_version'),
    /** Retired devices keep their history but may no longer connect. */
    retired: boolean('retired').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    index('devices_room_idx').on(t.roomId),
    index('devices_site_idx').on(t.siteId),
    index('devices_status_seen_idx').on(t.status, t.lastSeenAt),
    index('devices_hostname_lower_idx').on(sql`lower(${t.hostname})`),
    oneOf('devices_status_check', t.status, deviceStatuses),
    oneOf('devices_previous_exit_check', t.previousExit, deviceExitKinds),
    oneOf('devices_agent_kind_check', t.agentKind, deviceAgentKinds),
  ],
);

/**
 * The lock a teacher (or policy) put on a device; re-sent when the agent reconnects.
 * One row per device, overwritten on every change (the audit log keeps the history).
 */
export const deviceLocks = pgTable('device_locks', {
  deviceId: text('device_id')
    .primaryKey()
    .references(() => devices.id, { onDelete: 'cascade' }),
  locked: boolean('locked').notNull(),
  /** ULID of the lock command, so agent acks can be matched. */
  lockId: text('lock_id').notNull(),
  message: text('message'),
  until: timestamptz('until'),
  byUserId: text('by_user_id').references(() => users.id, { onDelete: 'set null' }),
  at: timestamptz('at').notNull().defaultNow(),
});
