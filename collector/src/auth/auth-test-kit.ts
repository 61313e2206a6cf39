// Test helpers for every feature's route tests (not used by the collector itself):
// real users and real sessions in the test database, no argon2 or TOTP round trips.
//
//   const teacher = await signInAs(app, { role: 'teacher', rooms: [roomId] });
//   await app.inject({ method: 'POST', url: '/api/…', headers: teacher.headers, payload: {…} });
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { ulid } from 'ulid';
import { userRooms, users, type UserRole } from '../db/schema/index.ts';
import { hashPassword } from './password.ts';
import { totpRoles } from './request-user.ts';
import { localSessionCookie } from './session-cookie.ts';
import { createSession } from './session.repository.ts';
import { insertUser } from './users.repository.ts';

export interface TestUserOptions {
  readonly role: UserRole;
  readonly username?: string;
  /** Set to get a real argon2id hash (only needed to test sign-in itself). */
  readonly password?: string;
  readonly siteId?: string | null;
  /** Room ids for user_rooms (a teacher's rooms). */
  readonly rooms?: readonly string[];
  /** Mark TOTP as enrolled (without a usable secret: for sessions made here, not for sign-in). */
  readonly totpEnrolled?: boolean;
}

export interface TestUser {
  readonly id: string;
  readonly username: string;
  readonly role: UserRole;
}

export async function createTestUser(app: FastifyInstance, options: TestUserOptions): Promise<TestUser> {
  const username = options.username ?? `${options.role}-${ulid().slice(-8).toLowerCase()}`;
  const passwordHash = options.password === undefined ? null : await hashPassword(options.password);
  const { id } = await insertUser(app.database.db, {
    username,
    displayName: `Test ${options.role}`,
    role: options.role,
    passwordHash,
    siteId: options.siteId ?? null,
  });
  if (options.totpEnrolled === true) await app.database.db.update(users).set({ totpEnabledAt: new Date() }).where(eq(users.id, id));
  if (options.rooms !== undefined && options.rooms.length > 0) {
    await app.database.db.insert(userRooms).values(options.rooms.map((roomId) => ({ userId: id, roomId })));
  }
  return { id, username, role: options.role };
}

export interface SignedIn {
  readonly user: TestUser;
  readonly csrfToken: string;
  /** `cookie` and `x-csrf-token`: pass as `headers` to app.inject. */
  readonly headers: { readonly cookie: string; readonly 'x-csrf-token': string };
}

/** A session for an existing user; `restricted` gives a privileged user's before-TOTP session. */
export async function sessionFor(app: FastifyInstance, user: TestUser, options: { restricted?: boolean; now?: Date } = {}): Promise<SignedIn> {
  const session = await createSession(app.database.db, { userId: user.id, now: options.now ?? new Date(), mfaVerified: options.restricted !== true });
  return { user, csrfToken: session.csrfToken, headers: { cookie: `${localSessionCookie}=${session.token}`, 'x-csrf-token': session.csrfToken } };
}

/**
 * A new user of `role` with a full session, as if they had signed in (with TOTP where the
 * role requires it). `restricted: true` instead gives a privileged user's session from
 * before TOTP enrolment, which only the `'any-session'` routes accept.
 */
export async function signInAs(app: FastifyInstance, options: TestUserOptions & { restricted?: boolean; now?: Date }): Promise<SignedIn> {
  const totpEnrolled = options.totpEnrolled ?? (options.restricted !== true && totpRoles.includes(options.role));
  return sessionFor(app, await createTestUser(app, { ...options, totpEnrolled }), options);
}
