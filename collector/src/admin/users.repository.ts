import { and, asc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rooms, userRooms, users, type UserRole } from '../db/schema/index.ts';

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly email?: string | undefined;
  /** argon2id PHC string: never the password. */
  readonly passwordHash: string;
  /** Null: the role applies on every site. */
  readonly siteId?: string | null | undefined;
  /** Rooms a teacher may watch and lock. */
  readonly roomIds?: readonly string[] | undefined;
}

export async function findUserByUsername(db: Db, username: string): Promise<typeof users.$inferSelect | undefined> {
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()))
    .limit(1);
  return user;
}

/** Inserts the user and their rooms; call inside a transaction with the audit entry. */
export async function createUser(db: Db, input: NewUser): Promise<{ id: string }> {
  const [row] = await db
    .insert(users)
    .values({
      username: input.username,
      displayName: input.displayName,
      role: input.role,
      email: input.email ?? null,
      passwordHash: input.passwordHash,
      siteId: input.siteId ?? null,
    })
    .returning({ id: users.id });
  if (row === undefined) throw new Error('insert into users returned no row');
  const roomIds = [...new Set(input.roomIds ?? [])];
  if (roomIds.length > 0) await db.insert(userRooms).values(roomIds.map((roomId) => ({ userId: row.id, roomId })));
  return row;
}

// ── For the console's administration API (admin/users.routes.ts) ──────────────────────

type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** An account as the console's user list shows it (UserRow in @vigil/shared/console, with Dates). */
export interface UserAdminRow {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly role: UserRole;
  readonly siteId: string | null;
  readonly rooms: ReadonlyArray<{ readonly id: string; readonly name: string; readonly siteId: string }>;
  readonly totpEnrolled: boolean;
  readonly disabled: boolean;
  readonly lockedUntil: Date | null;
  readonly lastLoginAt: Date | null;
}

const adminColumns = {
  id: users.id,
  username: users.username,
  displayName: users.displayName,
  email: users.email,
  role: users.role,
  siteId: users.siteId,
  totpEnabledAt: users.totpEnabledAt,
  disabled: users.disabled,
  lockedUntil: users.lockedUntil,
  lastLoginAt: users.lastLoginAt,
};

/**
 * Accounts by user name, each with its rooms. `siteId`: only accounts of that site and
 * the trust-wide ones (what a site-limited user may see).
 */
export async function listUserRows(db: Executor, filter: { siteId?: string | null; ids?: readonly string[] } = {}): Promise<UserAdminRow[]> {
  const conditions: SQL[] = [];
  if (filter.siteId !== undefined && filter.siteId !== null) {
    const visible = or(isNull(users.siteId), eq(users.siteId, filter.siteId));
    if (visible !== undefined) conditions.push(visible);
  }
  if (filter.ids !== undefined) conditions.push(inArray(users.id, [...filter.ids]));
  const rows = await db
    .select(adminColumns)
    .from(users)
    .where(and(...conditions))
    .orderBy(sql`lower(${users.username})`);
  if (rows.length === 0) return [];
  const assigned = await db
    .select({ userId: userRooms.userId, id: rooms.id, name: rooms.name, siteId: rooms.siteId })
    .from(userRooms)
    .innerJoin(rooms, eq(rooms.id, userRooms.roomId))
    .where(
      inArray(
        userRooms.userId,
        rows.map((row) => row.id),
      ),
    )
    .orderBy(asc(rooms.name));
  return rows.map(({ totpEnabledAt, ...row }) => ({
    ...row,
    totpEnrolled: totpEnabledAt !== null,
    rooms: assigned.filter((room) => room.userId === row.id).map(({ id, name, siteId }) => ({ id, name, siteId })),
  }));
}

export async function findUserRow(db: Executor, id: string): Promise<UserAdminRow | undefined> {
  const [row] = await listUserRows(db, { ids: [id] });
  return row;
}

/** The account's row, locked for the rest of the transaction. */
export async function lockUser(
  db: Executor,
  id: string,
): Promise<{ id: string; username: string; role: UserRole; siteId: string | null; disabled: boolean } | undefined> {
  const [row] = await db
    .select({ id: users.id, username: users.username, role: users.role, siteId: users.siteId, disabled: users.disabled })
    .from(users)
    .where(eq(users.id, id))
    .for('update');
  return row;
}

/**
 * Ids of the enabled admins, their rows locked for the rest of the transaction, so two
 * admins demoting each other at once cannot both succeed and leave none.
 */
export async function lockEnabledAdmins(db: Executor): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.disabled, false)))
    .orderBy(asc(users.id))
    .for('update');
  return rows.map((row) => row.id);
}

export interface UserChanges {
  readonly displayName?: string;
  readonly role?: UserRole;
  readonly siteId?: string | null;
  readonly disabled?: boolean;
  /** argon2id PHC string of a new password. */
  readonly passwordHash?: string;
  /** Clears the failed-attempt count and any lock. */
  readonly unlock?: true;
}

export async function updateUser(db: Executor, id: string, changes: UserChanges, now: Date): Promise<void> {
  await db
    .update(users)
    .set({
      ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
      ...(changes.role === undefined ? {} : { role: changes.role }),
      ...(changes.siteId === undefined ? {} : { siteId: changes.siteId }),
      ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
      ...(changes.passwordHash === undefined ? {} : { passwordHash: changes.passwordHash }),
      ...(changes.unlock === undefined ? {} : { failedLoginAttempts: 0, lockedUntil: null }),
      updatedAt: now,
    })
    .where(eq(users.id, id));
}

/** Replaces the account's rooms with exactly these. */
export async function replaceUserRooms(db: Executor, userId: string, roomIds: readonly string[]): Promise<void> {
  await db.delete(userRooms).where(eq(userRooms.userId, userId));
  const unique = [...new Set(roomIds)];
  if (unique.length > 0) await db.insert(userRooms).values(unique.map((roomId) => ({ userId, roomId })));
}
