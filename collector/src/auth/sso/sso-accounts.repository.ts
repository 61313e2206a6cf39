import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '../../admin/admin-context.ts';
import type { Db } from '../../db/database.ts';
import { rooms, userRooms, users, type UserRole } from '../../db/schema/index.ts';
import { insertUser } from '../users.repository.ts';

/** What school sign-in needs of an account. */
export interface SsoAccount {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly email: string | null;
  readonly oidcIssuer: string | null;
  readonly oidcSubject: string | null;
  readonly totpSecretEncrypted: string | null;
  readonly totpEnabledAt: Date | null;
  readonly totpLastStep: number | null;
  readonly lockedUntil: Date | null;
  readonly disabled: boolean;
}

const columns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  role: users.role,
  email: users.email,
  oidcIssuer: users.oidcIssuer,
  oidcSubject: users.oidcSubject,
  totpSecretEncrypted: users.totpSecretEncrypted,
  totpEnabledAt: users.totpEnabledAt,
  totpLastStep: users.totpLastStep,
  lockedUntil: users.lockedUntil,
  disabled: users.disabled,
};

export async function findAccountBySubject(db: Pick<Db, 'select'>, issuer: string, subject: string): Promise<SsoAccount | undefined> {
  const [row] = await db
    .select(columns)
    .from(users)
    .where(and(eq(users.oidcIssuer, issuer), eq(users.oidcSubject, subject)));
  return row;
}

/** E-mail addresses compare case-insensitively (the unique index is on lower(email)). */
export async function findAccountByEmail(db: Pick<Db, 'select'>, email: string): Promise<SsoAccount | undefined> {
  const [row] = await db
    .select(columns)
    .from(users)
    .where(sql`lower(${users.email}) = lower(${email})`);
  return row;
}

export async function findSsoAccountById(db: Pick<Db, 'select'>, id: string): Promise<SsoAccount | undefined> {
  const [row] = await db.select(columns).from(users).where(eq(users.id, id));
  return row;
}

/** Links an account to a provider identity; false when it was linked meanwhile. */
export async function linkAccount(tx: Executor, userId: string, issuer: string, subject: string, now: Date): Promise<boolean> {
  const updated = await tx
    .update(users)
    .set({ oidcIssuer: issuer, oidcSubject: subject, updatedAt: now })
    .where(and(eq(users.id, userId), isNull(users.oidcSubject)))
    .returning({ id: users.id });
  return updated.length === 1;
}

/** Replaces a user's role and rooms (only rooms that still exist are kept). */
export async function setRoleAndRooms(tx: Executor, userId: string, role: UserRole, roomIds: readonly string[], now: Date): Promise<void> {
  await tx.update(users).set({ role, updatedAt: now }).where(eq(users.id, userId));
  await tx.delete(userRooms).where(eq(userRooms.userId, userId));
  if (roomIds.length === 0) return;
  const existing = await tx
    .select({ id: rooms.id })
    .from(rooms)
    .where(inArray(rooms.id, [...roomIds]));
  if (existing.length > 0) await tx.insert(userRooms).values(existing.map((room) => ({ userId, roomId: room.id })));
}

export async function currentRoomIds(db: Pick<Db, 'select'>, userId: string): Promise<string[]> {
  const rows = await db.select({ roomId: userRooms.roomId }).from(userRooms).where(eq(userRooms.userId, userId));
  return rows.map((row) => row.roomId).sort();
}

export interface NewSsoAccount {
  readonly email: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly issuer: string;
  readonly subject: string;
}

/** A just-in-time account: named by its e-mail, no password (it signs in only through the provider). */
export async function createSsoAccount(tx: Executor, account: NewSsoAccount, now: Date): Promise<string> {
  const { id } = await insertUser(tx, {
    username: account.email.slice(0, 64),
    displayName: account.displayName,
    role: account.role,
    passwordHash: null,
    email: account.email,
  });
  await tx.update(users).set({ oidcIssuer: account.issuer, oidcSubject: account.subject, updatedAt: now }).where(eq(users.id, id));
  return id;
}
