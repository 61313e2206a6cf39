import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { rooms, userRooms, type UserRole } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { signedInUser, type AuthUser } from './request-user.ts';

// Scoped checks inside handlers, after the access table (access-rules.ts) let the
// request in. Deny by default here too: an unknown room or role is "no".

/** The signed-in user when their role is one of `roles`; otherwise 403 `forbidden`. */
export function assertRole(request: FastifyRequest, ...roles: readonly UserRole[]): AuthUser {
  const user = signedInUser(request);
  if (!roles.includes(user.role)) throw new AppError('forbidden', 403, 'Your role may not do this');
  return user;
}

/** `assertRole` as a route hook: `{ preHandler: requireRole('dsl') }`. */
export function requireRole(...roles: readonly UserRole[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    assertRole(request, ...roles);
  };
}

/** Which rooms a user may see and act on (live view, locks, alerts by room). */
export type RoomScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'site'; readonly siteId: string }
  | { readonly kind: 'rooms'; readonly roomIds: readonly string[] }
  | { readonly kind: 'none' };

const siteWideRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/**
 * teacher: only the rooms assigned in user_rooms; technician / dsl / admin: every room of
 * their site, or of every site when their site is null; viewer (reports only): none.
 */
export async function roomScope(db: Db, user: Pick<AuthUser, 'id' | 'role' | 'siteId'>): Promise<RoomScope> {
  if (siteWideRoles.includes(user.role)) return user.siteId === null ? { kind: 'all' } : { kind: 'site', siteId: user.siteId };
  if (user.role !== 'teacher') return { kind: 'none' };
  const assigned = await db.select({ roomId: userRooms.roomId }).from(userRooms).where(eq(userRooms.userId, user.id));
  return { kind: 'rooms', roomIds: assigned.map((row) => row.roomId) };
}

/** Whether `user` may see and act on room `roomId` (false for a room that does not exist). */
export async function canAccessRoom(db: Db, user: Pick<AuthUser, 'id' | 'role' | 'siteId'>, roomId: string): Promise<boolean> {
  if (siteWideRoles.includes(user.role)) {
    const [room] = await db
      .select({ id: rooms.id })
      .from(rooms)
      .where(user.siteId === null ? eq(rooms.id, roomId) : and(eq(rooms.id, roomId), eq(rooms.siteId, user.siteId)));
    return room !== undefined;
  }
  if (user.role !== 'teacher') return false;
  const [assigned] = await db
    .select({ roomId: userRooms.roomId })
    .from(userRooms)
    .where(and(eq(userRooms.userId, user.id), eq(userRooms.roomId, roomId)));
  return assigned !== undefined;
}

/** `canAccessRoom` or 403 `room-forbidden` (the same answer whether or not the room exists). */
export async function requireRoomAccess(db: Db, request: FastifyRequest, roomId: string): Promise<AuthUser> {
  const user = signedInUser(request);
  if (!(await canAccessRoom(db, user, roomId))) throw new AppError('room-forbidden', 403, 'You do not have access to this room');
  return user;
}
