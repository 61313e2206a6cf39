import { asc, eq, inArray, or, sql } from 'drizzle-orm';
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
