import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, unique, uniqueIndex } from 'drizzle-orm/pg-core';
import { userRoles } from '@vigil/shared/console';
import { createdAt, oneOf, timestamptz, ulidId } from './columns.ts';
import { rooms, sites } from './sites.schema.ts';

// The roles are the console API's (one list, in @vigil/shared).
export { userRoles, type UserRole } from '@vigil/shared/console';

/** Console accounts. Pupils never have one. */
export const users = pgTable(
  'users',
  {
    id: ulidId(),
    username: text('username').notNull(),
    email: text('email'),
    displayName: text('display_name').notNull(),
    /** argon2id PHC string; null for accounts that only sign in through OIDC. */
    passwordHash: text('password_hash'),
    role: text('role', { enum: userRoles }).notNull(),
    /** Null: the role applies on every site (trust-wide); otherwise only on this site. */
    siteId: text('site_id').references(() => sites.id, { onDelete: 'restrict' }),
    /**
     * TOTP shared secret, stored ENCRYPTED by the auth service (AES-GCM with a key kept
     * outside the database), never in the clear: a database dump must not yield 2FA seeds.
     */
    totpSecretEncrypted: text('totp_secret_encrypted'),
    totpEnabledAt: timestamptz('totp_enabled_at'),
    /** Last accepted TOTP time step (unix seconds / 30), so a code cannot be replayed (RFC 6238 §5.2). */
    totpLastStep: integer('totp_last_step'),
    oidcIssuer: text('oidc_issuer'),
    oidcSubject: text('oidc_subject'),
    failedLoginAttempts: integer('failed_login_attempts').notNull().default(0),
    lockedUntil: timestamptz('locked_until'),
    disabled: boolean('disabled').notNull().default(false),
    lastLoginAt: timestamptz('last_login_at'),
    createdAt: createdAt(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    // Sign-in names compare case-insensitively.
    uniqueIndex('users_username_lower_unique').on(sql`lower(${t.username})`),
    uniqueIndex('users_email_lower_unique').on(sql`lower(${t.email})`),
    unique('users_oidc_unique').on(t.oidcIssuer, t.oidcSubject),
    oneOf('users_role_check', t.role, userRoles),
  ],
);

/** Which rooms a teacher may watch and lock. */
export const userRooms = pgTable(
  'user_rooms',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    roomId: text('room_id')
      .notNull()
      .references(() => rooms.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.userId, t.roomId] }), index('user_rooms_room_idx').on(t.roomId)],
);

/** Console sessions; the cookie holds a random token and only its sha256 is stored. */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamptz('expires_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    /** Set once the second factor was checked in this session. */
    mfaVerifiedAt: timestamptz('mfa_verified_at'),
    ip: text('ip'),
    userAgent: text('user_agent'),
    csrfToken: text('csrf_token').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId), index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * One-time links that create the first admin (printed at start-up while no admin
 * exists). Only the sha256 of the token is kept; a row is spent by setting `used_at`.
 */
export const setupTokens = pgTable('setup_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  createdAt: createdAt(),
  expiresAt: timestamptz('expires_at').notNull(),
  usedAt: timestamptz('used_at'),
});
