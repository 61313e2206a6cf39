import { asc, eq, or } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { rooms, sites } from '../db/schema/index.ts';

export type Site = typeof sites.$inferSelect;
export type Room = typeof rooms.$inferSelect;

/** Name of the site created on demand for single-school installs. */
export const defaultSiteName = 'School';

export async function findSite(db: Db, idOrName: string): Promise<Site | undefined> {
  const [site] = await db.select().from(sites).where(or(eq(sites.id, idOrName), eq(sites.name, idOrName))).limit(1);
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
  const [room] = await db.select().from(rooms).where(or(eq(rooms.id, idOrName), eq(rooms.name, idOrName))).limit(1);
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
