import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { devices, policies, rooms, sites } from '../db/schema/index.ts';

export type Site = typeof sites.$inferSelect;
export type Room = typeof rooms.$inferSelect;

/** Name of the site created on demand for single-school installs. */
export const defaultSiteName = 'School';

export async function findSite(db: Db, idOrName: string): Promise<Site | undefined> {
  const [site] = await db
    .select()
    .from(sites)
    .where(or(eq(sites.id, idOrName), eq(sites.name, idOrName)))
    .limit(1);
  return site;
}

export async function createSite(db: Db, name: string): Promise<Site> {
  const [site] = await db.insert(sites).values({ name }).returning();
  if (site === undefined) throw new Error('insert into sites returned no row');
  return site;
}

/** The only site when there is exactly one; otherwise the default site, created if needed. */
export async function defaultSite(db: Db): Promise<Site> {
  const existing = await db.select().from(sites).orderBy(asc(sites.createdAt)).limit(2);
  if (existing.length === 1 && existing[0] !== undefined) return existing[0];
  await db.insert(sites).values({ name: defaultSiteName }).onConflictDoNothing();
  const site = await findSite(db, defaultSiteName);
  if (site === undefined) throw new Error('the default site could not be created');
  return site;
}

export async function createRoom(db: Db, siteId: string, name: string): Promise<Room> {
  const [room] = await db.insert(rooms).values({ siteId, name }).returning();
  if (room === undefined) throw new Error('insert into rooms returned no row');
  return room;
}

export async function findRoom(db: Db, idOrName: string): Promise<Room | undefined> {
  const [room] = await db
    .select()
    .from(rooms)
    .where(or(eq(rooms.id, idOrName), eq(rooms.name, idOrName)))
    .limit(1);
  return room;
}

export async function listRooms(db: Db): Promise<Array<Room & { siteName: string }>> {
  const rows = await db
    .select({ room: rooms, siteName: sites.name })
    .from(rooms)
    .innerJoin(sites, eq(rooms.siteId, sites.id))
    .orderBy(asc(sites.name), asc(rooms.name));
  return rows.map((row) => ({ ...row.room, siteName: row.siteName }));
}

// ── For the console's administration API (admin/*.routes.ts) ──────────────────────────

type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** Sites by name; only `siteId` when the user is limited to one site. */
export async function listSites(db: Db, siteId: string | null): Promise<Site[]> {
  const query = db.select().from(sites).$dynamic();
  if (siteId !== null) query.where(eq(sites.id, siteId));
  return query.orderBy(asc(sites.name));
}

/** By id only: the API never resolves names (a room may be named like another's id). */
export async function siteById(db: Executor, id: string): Promise<Site | undefined> {
  const [site] = await db.select().from(sites).where(eq(sites.id, id)).limit(1);
  return site;
}

export async function roomById(db: Executor, id: string): Promise<Room | undefined> {
  const [room] = await db.select().from(rooms).where(eq(rooms.id, id)).limit(1);
  return room;
}

export async function roomsByIds(db: Executor, ids: readonly string[]): Promise<Room[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(rooms)
    .where(inArray(rooms.id, [...new Set(ids)]));
}

/** A room as the console lists it: with its site's name and how many devices are in it (and connected). */
export interface RoomWithCounts extends Room {
  readonly siteName: string;
  readonly deviceCount: number;
  readonly onlineCount: number;
}

export async function roomWithCounts(db: Executor, id: string): Promise<RoomWithCounts | undefined> {
  const [row] = await db
    .select({
      room: rooms,
      siteName: sites.name,
      deviceCount: sql<number>`(select count(*)::int from ${devices} where ${devices.roomId} = ${rooms.id} and not ${devices.retired})`,
      onlineCount: sql<number>`(select count(*)::int from ${devices} where ${devices.roomId} = ${rooms.id} and not ${devices.retired} and ${devices.status} = 'online')`,
    })
    .from(rooms)
    .innerJoin(sites, eq(rooms.siteId, sites.id))
    .where(eq(rooms.id, id));
  return row === undefined ? undefined : { ...row.room, siteName: row.siteName, deviceCount: row.deviceCount, onlineCount: row.onlineCount };
}

/** Locks the room's row for the rest of the transaction; false when there is no such room. */
export async function lockRoom(db: Executor, id: string): Promise<boolean> {
  const [row] = await db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, id)).for('update');
  return row !== undefined;
}

export async function renameRoom(db: Executor, id: string, name: string): Promise<void> {
  await db.update(rooms).set({ name }).where(eq(rooms.id, id));
}

/** Devices placed in the room, retired ones included (they keep their room for history). */
export async function devicesInRoomCount(db: Executor, id: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(devices)
    .where(eq(devices.roomId, id));
  return row?.count ?? 0;
}

/** Deletes the room and its policy layer (policies.scope_id carries no foreign key). */
export async function deleteRoom(db: Executor, id: string): Promise<void> {
  await db.delete(policies).where(and(eq(policies.scope, 'room'), eq(policies.scopeId, id)));
  await db.delete(rooms).where(eq(rooms.id, id));
}
