import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { userRooms, users, type UserRole } from '../db/schema/index.ts';

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
