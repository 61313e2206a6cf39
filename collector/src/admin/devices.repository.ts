import { asc, eq } from 'drizzle-orm';
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
