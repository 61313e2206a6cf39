import { and, asc, eq, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rooms, userRooms, users, type UserRole } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';

/** What sign-in needs of an account, looked up by name. */
export interface LoginAccount {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly siteId: string | null;
  readonly passwordHash: string | null;
  readonly totpSecretEncrypted: string | null;
  readonly totpEnabledAt: Date | null;
  readonly totpLastStep: number | null;
  readonly lockedUntil: Date | null;
  readonly disabled: boolean;
}

const loginColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  siteId: users.siteId,
  passwordHash: users.passwordHash,
  totpSecretEncrypted: users.totpSecretEncrypted,
  totpEnabledAt: users.totpEnabledAt,
  totpLastStep: users.totpLastStep,
  lockedUntil: users.lockedUntil,
  disabled: users.disabled,
};

/** User names compare case-insensitively (the unique index is on lower(username)). */
export async function findLoginAccount(db: Db, username: string): Promise<LoginAccount | undefined> {
  const [row] = await db
    .select(loginColumns)
    .from(users)
    .where(sql`lower(${users.username}) = lower(${username.trim()})`);
  return row;
}

export async function findAccountById(db: Db, id: string): Promise<LoginAccount | undefined> {
  const [row] = await db.select(loginColumns).from(users).where(eq(users.id, id));
  return row;
}

/** Unlocked now: never locked, or the lock has run out. */
const unlockedAt = (now: Date) => or(isNull(users.lockedUntil), lte(users.lockedUntil, now));

export type FailureOutcome =
  { readonly kind: 'counted'; readonly attempts: number } | { readonly kind: 'locked'; readonly until: Date } | { readonly kind: 'already-locked' };

/**
 * Counts one failed sign-in. The `maxAttempts`-th failure in a row locks the account
 * until `now + lockMs` and starts the count again. Atomic in one UPDATE, and only on an
 * unlocked row, so parallel guesses cannot slip past the limit.
 */
export async function recordFailedAttempt(db: Db, userId: string, now: Date, policy: { maxAttempts: number; lockMs: number }): Promise<FailureOutcome> {
  const until = new Date(now.getTime() + policy.lockMs);
  const reachesLimit = sql`${users.failedLoginAttempts} + 1 >= ${policy.maxAttempts}`;
  const [row] = await db
    .update(users)
    .set({
      failedLoginAttempts: sql`case when ${reachesLimit} then 0 else ${users.failedLoginAttempts} + 1 end`,
      lockedUntil: sql`case when ${reachesLimit} then ${until}::timestamptz else ${users.lockedUntil} end`,
      updatedAt: now,
    })
    .where(and(eq(users.id, userId), unlockedAt(now)))
    .returning({ attempts: users.failedLoginAttempts, lockedUntil: users.lockedUntil });
  if (row === undefined) return { kind: 'already-locked' };
  return row.lockedUntil !== null && row.lockedUntil > now ? { kind: 'locked', until: row.lockedUntil } : { kind: 'counted', attempts: row.attempts };
}

/**
 * Clears the failure count after a good sign-in and, with a TOTP step, records it so the
 * same code cannot be used again. False when the account was locked meanwhile or the
 * step was already used (a parallel sign-in with the same code): refuse the sign-in.
 */
export async function recordSuccessfulLogin(db: Db, userId: string, now: Date, totpStep?: number): Promise<boolean> {
  const conditions = [eq(users.id, userId), unlockedAt(now)];
  if (totpStep !== undefined) conditions.push(or(isNull(users.totpLastStep), lt(users.totpLastStep, totpStep)));
  const updated = await db
    .update(users)
    .set({ failedLoginAttempts: 0, lockedUntil: null, lastLoginAt: now, updatedAt: now, ...(totpStep === undefined ? {} : { totpLastStep: totpStep }) })
    .where(and(...conditions))
    .returning({ id: users.id });
  return updated.length === 1;
}

/** Keeps a new, not yet confirmed TOTP secret (sealed); replaces an earlier unconfirmed one. */
export async function storePendingTotp(db: Db, userId: string, sealedSecret: string, now: Date): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ totpSecretEncrypted: sealedSecret, totpEnabledAt: null, totpLastStep: null, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  return updated.length === 1;
}

export async function enableTotp(db: Db, userId: string, now: Date, step: number): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ totpEnabledAt: now, totpLastStep: step, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
    .returning({ id: users.id });
  return updated.length === 1;
}

/**
 * An admin's "reset two-factor" for a user who lost their phone: the secret goes, and the
 * next sign-in (password only) gives a session that can do nothing but enrol again.
 * Sign the user out everywhere in the same transaction (deleteUserSessions).
 */
export async function resetTotp(db: Pick<Db, 'update'>, userId: string, now: Date): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ totpSecretEncrypted: null, totpEnabledAt: null, totpLastStep: null, updatedAt: now })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  return updated.length === 1;
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  /** From `hashPassword`; null for an OIDC-only account. */
  readonly passwordHash: string | null;
  readonly siteId?: string | null;
  readonly email?: string | null;
}

/** A unique-constraint violation, under drizzle's DrizzleQueryError wrapper or bare from pg. */
function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ('code' in current && current.code === '23505') return true;
  }
  return false;
}

/** Inserts an account; a name (or e-mail) already in use is AppError 409 `username-taken`. */
export async function insertUser(db: Pick<Db, 'insert'>, user: NewUser): Promise<{ id: string }> {
  try {
    const [row] = await db
      .insert(users)
      .values({ ...user, username: user.username.trim(), siteId: user.siteId ?? null, email: user.email ?? null })
      .returning({ id: users.id });
    if (row === undefined) throw new Error('insert into users returned no row');
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('username-taken', 409, 'That user name is already taken');
    throw error;
  }
}

export async function activeAdminExists(db: Pick<Db, 'select'>): Promise<boolean> {
  const [row] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .limit(1);
  return row !== undefined;
}

export interface AssignedRoom {
  readonly id: string;
  readonly name: string;
  readonly siteId: string;
}

/** The rooms assigned to a user (user_rooms); for a teacher, the only rooms they may act on. */
export async function assignedRooms(db: Db, userId: string): Promise<AssignedRoom[]> {
  return db
    .select({ id: rooms.id, name: rooms.name, siteId: rooms.siteId })
    .from(userRooms)
    .innerJoin(rooms, eq(rooms.id, userRooms.roomId))
    .where(eq(userRooms.userId, userId))
    .orderBy(asc(rooms.name));
}
