import { and, asc, eq, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { devices, rooms } from '../db/schema/index.ts';

export interface DeviceListing {
  readonly id: string;
  readonly hostname: string;
  readonly roomName: string | null;
  readonly os: string;
  readonly agentVersion: string | null;
  readonly status: string;
  readonly lastSeenAt: Date | null;
  readonly lastOsUser: string | null;
}

export async function listDevices(db: Db, filter: { roomId?: string } = {}): Promise<DeviceListing[]> {
  const query = db
    .select({
      id: devices.id,
      hostname: devices.hostname,
      roomName: rooms.name,
      os: devices.os,
      agentVersion: devices.agentVersion,
      status: devices.status,
      lastSeenAt: devices.lastSeenAt,
      lastOsUser: devices.lastOsUser,
    })
    .from(devices)
    .leftJoin(rooms, eq(devices.roomId, rooms.id))
    .$dynamic();
  if (filter.roomId !== undefined) query.where(eq(devices.roomId, filter.roomId));
  return query.orderBy(asc(rooms.name), asc(devices.hostname));
}

/**
 * Device ids for what an operator typed: ids or host names (case-insensitive). A host
 * name shared by several devices is a problem to report, not a guess to make.
 */
export async function resolveDeviceRefs(db: Db, refs: readonly string[]): Promise<{ ids: string[]; problems: string[] }> {
  const wanted = [...new Set(refs)];
  if (wanted.length === 0) return { ids: [], problems: [] };
  const lower = wanted.map((ref) => ref.toLowerCase());
  const rows = await db
    .select({ id: devices.id, hostname: devices.hostname })
    .from(devices)
    .where(or(inArray(devices.id, wanted), inArray(sql`lower(${devices.hostname})`, lower)));
  const ids: string[] = [];
  const problems: string[] = [];
  for (const ref of wanted) {
    const byId = rows.find((row) => row.id === ref);
    const byName = rows.filter((row) => row.hostname.toLowerCase() === ref.toLowerCase());
    if (byId !== undefined) ids.push(byId.id);
    else if (byName.length === 1 && byName[0] !== undefined) ids.push(byName[0].id);
    else if (byName.length > 1) problems.push(`host name "${ref}" matches ${byName.length} devices (${byName.map((row) => row.id).join(', ')}); give the id`);
    else problems.push(`no device "${ref}"`);
  }
  return { ids: [...new Set(ids)], problems };
}

/** Ids of the devices in a room. */
export async function deviceIdsInRoom(db: Db, roomId: string): Promise<string[]> {
  const rows = await db.select({ id: devices.id }).from(devices).where(eq(devices.roomId, roomId));
  return rows.map((row) => row.id);
}

// ── For the console's administration API (admin/devices.routes.ts) ────────────────────

type Executor = Db | Parameters<Parameters<Db['transaction']>[0]>[0];

/** A device as the console's device list shows it (DeviceRow in @vigil/shared/console, with Dates). */
export interface DeviceAdminRow {
  readonly id: string;
  readonly hostname: string;
  readonly os: string;
  readonly osVersion: string | null;
  readonly agentVersion: string | null;
  readonly agentKind: 'desktop' | 'browser';
  readonly browser: string | null;
  readonly siteId: string;
  readonly roomId: string | null;
  readonly roomName: string | null;
  readonly status: 'online' | 'offline' | 'silent';
  readonly lastSeenAt: Date | null;
  readonly lastOsUser: string | null;
  readonly profileEmail: string | null;
  readonly previousExit: 'bye' | 'silent' | null;
  readonly enrolledAt: Date;
  readonly retired: boolean;
}

export interface DeviceFilter {
  /** Only this site's devices (a site-limited user, or the `siteId` query). */
  readonly siteId?: string | undefined;
  /** A room id, or null for devices in no room. */
  readonly roomId?: string | null | undefined;
  /** Part of the host name, the id, the last OS user or the profile e-mail (case-insensitive). */
  readonly q?: string | undefined;
  readonly limit?: number | undefined;
}

const adminColumns = {
  id: devices.id,
  hostname: devices.hostname,
  os: devices.os,
  osVersion: devices.osVersion,
  agentVersion: devices.agentVersion,
  agentKind: devices.agentKind,
  browser: devices.browser,
  siteId: devices.siteId,
  roomId: devices.roomId,
  roomName: rooms.name,
  status: devices.status,
  lastSeenAt: devices.lastSeenAt,
  lastOsUser: devices.lastOsUser,
  profileEmail: devices.profileEmail,
  previousExit: devices.previousExit,
  enrolledAt: devices.enrolledAt,
  retired: devices.retired,
};

/** LIKE pattern for text typed by a person: % and _ match themselves. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export async function listDeviceRows(db: Db, filter: DeviceFilter = {}): Promise<DeviceAdminRow[]> {
  const conditions: SQL[] = [];
  if (filter.siteId !== undefined) conditions.push(eq(devices.siteId, filter.siteId));
  if (filter.roomId === null) conditions.push(isNull(devices.roomId));
  else if (filter.roomId !== undefined) conditions.push(eq(devices.roomId, filter.roomId));
  const q = filter.q?.trim();
  if (q !== undefined && q !== '') {
    const pattern = containsPattern(q);
    const match = or(ilike(devices.hostname, pattern), ilike(devices.lastOsUser, pattern), ilike(devices.profileEmail, pattern), eq(devices.id, q));
    if (match !== undefined) conditions.push(match);
  }
  return db
    .select(adminColumns)
    .from(devices)
    .leftJoin(rooms, eq(devices.roomId, rooms.id))
    .where(and(...conditions))
    .orderBy(asc(rooms.name), asc(devices.hostname), asc(devices.id))
    .limit(filter.limit ?? 5_000);
}

export async function findDeviceRow(db: Executor, id: string): Promise<DeviceAdminRow | undefined> {
  const [row] = await db.select(adminColumns).from(devices).leftJoin(rooms, eq(devices.roomId, rooms.id)).where(eq(devices.id, id));
  return row;
}

/** Locks the device's row for the rest of the transaction (a move and a retire racing). */
export async function lockDevice(db: Executor, id: string): Promise<{ id: string; siteId: string; roomId: string | null; retired: boolean } | undefined> {
  const [row] = await db
    .select({ id: devices.id, siteId: devices.siteId, roomId: devices.roomId, retired: devices.retired })
    .from(devices)
    .where(eq(devices.id, id))
    .for('update');
  return row;
}

/** Puts a device in a room (null: none); the site follows the room when it has one. */
export async function placeDevice(db: Executor, id: string, placement: { siteId: string; roomId: string | null }): Promise<void> {
  await db.update(devices).set({ siteId: placement.siteId, roomId: placement.roomId }).where(eq(devices.id, id));
}

export async function setDeviceRetired(db: Executor, id: string, retired: boolean): Promise<void> {
  await db.update(devices).set({ retired }).where(eq(devices.id, id));
}
