import { and, eq, lt, or } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { sessions, users, type UserRole } from '../db/schema/index.ts';
import { generateSecret, hashSecret } from '../security/secrets.ts';

/** Signed out after this long without a request (sliding). */
export const sessionIdleMs = 30 * 60_000;
/** Signed out this long after sign-in, however active (a school day plus a margin). */
export const sessionLifetimeMs = 12 * 60 * 60_000;
/** `last_seen_at` is written at most this often, so browsing is not one UPDATE per request. */
export const sessionTouchMs = 60_000;

export interface NewSession {
  /** The cookie value: 32 random bytes; the database keeps only its sha256. */
  readonly token: string;
  readonly idHash: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
}

export interface SessionStart {
  readonly userId: string;
  readonly now: Date;
  /** The second factor was checked (at sign-in or by confirming enrolment). */
  readonly mfaVerified: boolean;
  readonly ip?: string | undefined;
  readonly userAgent?: string | undefined;
}

export async function createSession(db: Pick<Db, 'insert'>, start: SessionStart): Promise<NewSession> {
  const token = generateSecret(32);
  const session = { token, idHash: hashSecret(token), csrfToken: generateSecret(32), expiresAt: new Date(start.now.getTime() + sessionLifetimeMs) };
  await db.insert(sessions).values({
    idHash: session.idHash,
    userId: start.userId,
    createdAt: start.now,
    expiresAt: session.expiresAt,
    lastSeenAt: start.now,
    mfaVerifiedAt: start.mfaVerified ? start.now : null,
    ip: start.ip ?? null,
    // Only for "where am I signed in" lists; bounded so a client cannot bloat the row.
    userAgent: start.userAgent?.slice(0, 300) ?? null,
    csrfToken: session.csrfToken,
  });
  return session;
}

/** A session row with the (current) account it belongs to. */
export interface StoredSession {
  readonly idHash: string;
  readonly csrfToken: string;
  readonly expiresAt: Date;
  readonly lastSeenAt: Date;
  readonly mfaVerifiedAt: Date | null;
  readonly user: {
    readonly id: string;
    readonly username: string;
    readonly displayName: string;
    readonly role: UserRole;
    readonly siteId: string | null;
    readonly totpEnabledAt: Date | null;
    readonly disabled: boolean;
  };
}

export async function findSession(db: Db, token: string): Promise<StoredSession | undefined> {
  const [row] = await db
    .select({
      idHash: sessions.idHash,
      csrfToken: sessions.csrfToken,
      expiresAt: sessions.expiresAt,
      lastSeenAt: sessions.lastSeenAt,
      mfaVerifiedAt: sessions.mfaVerifiedAt,
      user: {
        id: users.id,
        username: users.username,
        displayName: users.displayName,
        role: users.role,
        siteId: users.siteId,
        totpEnabledAt: users.totpEnabledAt,
        disabled: users.disabled,
      },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(eq(sessions.idHash, hashSecret(token)));
  return row;
}

/** Expired by the absolute lifetime or by idling, at `now`. */
export function sessionExpired(session: Pick<StoredSession, 'expiresAt' | 'lastSeenAt'>, now: Date): boolean {
  return session.expiresAt <= now || session.lastSeenAt.getTime() + sessionIdleMs <= now.getTime();
}

export async function touchSession(db: Db, idHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.idHash, idHash));
}

export async function deleteSession(db: Pick<Db, 'delete'>, idHash: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Drops a user's sessions that ran out by their absolute lifetime (idle ones go when next presented). */
export async function deleteExpiredSessions(db: Db, userId: string, now: Date): Promise<void> {
  await db.delete(sessions).where(and(eq(sessions.userId, userId), lt(sessions.expiresAt, now)));
}

/** Signs a user out everywhere (password change, role change, disabling, TOTP reset). */
export async function deleteUserSessions(db: Pick<Db, 'delete'>, userId: string): Promise<number> {
  const deleted = await db.delete(sessions).where(eq(sessions.userId, userId)).returning({ idHash: sessions.idHash });
  return deleted.length;
}

/** For the retention job: every session that has run out, by lifetime or by idling. */
export async function purgeExpiredSessions(db: Pick<Db, 'delete'>, now: Date): Promise<number> {
  const idleSince = new Date(now.getTime() - sessionIdleMs);
  const deleted = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.lastSeenAt, idleSince)))
    .returning({ idHash: sessions.idHash });
  return deleted.length;
}
