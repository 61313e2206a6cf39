import type { RoomSummary } from '@vigil/shared/console';
import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import type { RoomScope } from '../auth/authorization.ts';
import type { Db } from '../db/database.ts';
import { devices, rooms, sites } from '../db/schema/index.ts';

// What the live view reads from the database: rooms with their device counts, the
// devices of a room, and each device's newest activity span (the fallback for app and
// title until the device says something after a collector start). Retired devices keep
// their history but are not on any room's wall.

const summaryColumns = {
  id: rooms.id,
  name: rooms.name,
  siteId: rooms.siteId,
  siteName: sites.name,
  deviceCount: sql<number>`count(${devices.id})::int`.mapWith(Number),
  onlineCount: sql<number>`count(${devices.id}) filter (where ${devices.status} = 'online')::int`.mapWith(Number),
};

function summaries(db: Db, where: SQL | undefined) {
  return db
    .select(summaryColumns)
    .from(rooms)
    .innerJoin(sites, eq(sites.id, rooms.siteId))
    .leftJoin(devices, and(eq(devices.roomId, rooms.id), eq(devices.retired, false)))
    .where(where)
    .groupBy(rooms.id, sites.name)
    .orderBy(asc(sites.name), asc(rooms.name));
}

/** The rooms a user's scope covers, by site then room name. */
export async function roomSummaries(db: Db, scope: RoomScope): Promise<RoomSummary[]> {
  switch (scope.kind) {
    case 'none':
      return [];
    case 'all':
      return summaries(db, undefined);
    case 'site':
      return summaries(db, eq(rooms.siteId, scope.siteId));
    case 'rooms':
      return scope.roomIds.length === 0 ? [] : summaries(db, inArray(rooms.id, [...scope.roomIds]));
  }
}

export async function roomSummary(db: Db, roomId: string): Promise<RoomSummary | undefined> {
  const [room] = await summaries(db, eq(rooms.id, roomId));
  return room;
}

/** The columns of `devices` a live tile shows. */
export interface DeviceTileRow {
  readonly id: string;
  readonly roomId: string | null;
  readonly hostname: string;
  readonly os: string;
  readonly agentKind: 'desktop' | 'browser';
  readonly browser: string | null;
  readonly profileEmail: string | null;
  readonly status: 'online' | 'offline' | 'silent';
  readonly lastSeenAt: Date | null;
  readonly lastOsUser: string | null;
  readonly capabilities: string[];
}

const tileColumns = {
  id: devices.id,
  roomId: devices.roomId,
  hostname: devices.hostname,
  os: devices.os,
  agentKind: devices.agentKind,
  browser: devices.browser,
  profileEmail: devices.profileEmail,
  status: devices.status,
  lastSeenAt: devices.lastSeenAt,
  lastOsUser: devices.lastOsUser,
  capabilities: devices.capabilities,
};

/** The room's devices, by host name. */
export async function roomDeviceRows(db: Db, roomId: string): Promise<DeviceTileRow[]> {
  return db
    .select(tileColumns)
    .from(devices)
    .where(and(eq(devices.roomId, roomId), eq(devices.retired, false)))
    .orderBy(asc(devices.hostname), asc(devices.id));
}

/** These devices (retired ones left out). */
export async function deviceRows(db: Db, deviceIds: readonly string[]): Promise<DeviceTileRow[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select(tileColumns)
    .from(devices)
    .where(and(inArray(devices.id, [...deviceIds]), eq(devices.retired, false)));
}

/** The room of one device, or undefined for an unknown or retired device. */
export async function roomOfDevice(db: Db, deviceId: string): Promise<{ roomId: string | null } | undefined> {
  const [row] = await db
    .select({ roomId: devices.roomId })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.retired, false)));
  return row;
}

export interface LatestActivity {
  readonly deviceId: string;
  readonly app: string;
  readonly title: string | null;
  readonly osUser: string | null;
  readonly endedAt: Date;
}

// One index probe per device (activity_spans_device_started_idx on every monthly
// partition, merged, LIMIT 1): DISTINCT ON would sort a device's whole history.
const latestActivitySql = `
select d.id as "deviceId", a.app, a.title, a.os_user as "osUser", a.ended_at as "endedAt"
from unnest($1::text[]) as d(id)
cross join lateral (
  select app, title, os_user, ended_at from activity_spans
  where device_id = d.id order by started_at desc limit 1
) a`;

/** Each device's newest stored activity span (devices without one are missing from the map). */
export async function latestActivity(pool: pg.Pool, deviceIds: readonly string[]): Promise<Map<string, LatestActivity>> {
  if (deviceIds.length === 0) return new Map();
  const result = await pool.query<LatestActivity>({ name: 'vigil_live_latest_activity', text: latestActivitySql, values: [deviceIds] });
  return new Map(result.rows.map((row) => [row.deviceId, row]));
}

/** Ids of the room's (not retired) devices. */
export async function roomDeviceIds(db: Db, roomId: string): Promise<string[]> {
  const rows = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.roomId, roomId), eq(devices.retired, false)));
  return rows.map((row) => row.id);
}
