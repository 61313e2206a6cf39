import type { DeviceTile, RoomSummary } from '@vigil/shared/console';
import type pg from 'pg';
import type { LockPayload } from '../agents/agent-hub.contract.ts';
import type { Db } from '../db/database.ts';
import { pupilsForDevices } from '../triage/pupil-match.ts';
import type { DeviceStateStore, LiveDeviceState } from './device-state.ts';
import { deviceRows, latestActivity, roomDeviceRows, roomSummary, type DeviceTileRow, type LatestActivity } from './rooms.repository.ts';

export interface DeviceTilesDeps {
  readonly db: Db;
  readonly pool: pg.Pool;
  readonly states: DeviceStateStore;
  /** The teacher locks in force (LockService.forDevices: expired timed locks come back `on: false`). */
  readonly locks: { forDevices(deviceIds: readonly string[]): Promise<Map<string, LockPayload>> };
}

export interface RoomTiles {
  readonly room: RoomSummary;
  readonly devices: DeviceTile[];
}

/**
 * Live tiles: the device row (status, last user, last seen, capabilities) and its lock
 * from the database, overlaid with what this node heard from the device since it
 * started; before it heard anything, app and title come from the newest stored span.
 */
export class DeviceTiles {
  readonly #deps: DeviceTilesDeps;

  constructor(deps: DeviceTilesDeps) {
    this.#deps = deps;
  }

  /** The room and its devices' tiles, or undefined for an unknown room. */
  async room(roomId: string): Promise<RoomTiles | undefined> {
    const [room, rows] = await Promise.all([roomSummary(this.#deps.db, roomId), roomDeviceRows(this.#deps.db, roomId)]);
    if (room === undefined) return undefined;
    const devices = await this.#tiles(rows);
    // The live count, so the header agrees with the tiles below it.
    return { room: { ...room, onlineCount: devices.filter((tile) => tile.connection === 'online').length }, devices };
  }

  /** Tiles of these devices (unknown and retired ones left out). */
  async devices(deviceIds: readonly string[]): Promise<DeviceTile[]> {
    return this.#tiles(await deviceRows(this.#deps.db, deviceIds));
  }

  async #tiles(rows: readonly DeviceTileRow[]): Promise<DeviceTile[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((row) => row.id);
    const { states } = this.#deps;
    const needActivity = ids.filter((id) => states.get(id)?.app === undefined);
    const [locks, stored] = await Promise.all([this.#deps.locks.forDevices(ids), latestActivity(this.#deps.pool, needActivity)]);
    const tiles = rows.map((row) => toTile(row, states.get(row.id), locks.get(row.id), stored.get(row.id)));
    // Who is at each PC, from the pupil directory: teachers see their own rooms' pupils by name.
    const pupils = await pupilsForDevices(
      this.#deps.db,
      tiles.map((tile) => ({ deviceId: tile.id, osUser: tile.osUser, profileEmail: tile.profileEmail })),
    );
    return tiles.map((tile, index) => ({ ...tile, pupil: pupils[index] ?? null }));
  }
}

const iso = (date: Date | null): string | null => (date === null ? null : date.toISOString());

/** One tile from its parts; `state` wins over the stored row where it knows better. */
export function toTile(
  row: DeviceTileRow,
  state: Readonly<LiveDeviceState> | undefined,
  lock: LockPayload | undefined,
  stored: LatestActivity | undefined,
): DeviceTile {
  // This node's own view of the socket wins; a device it never saw goes by the row
  // (another node may hold it: the row's status is kept by that node's gateway).
  const online = state?.connected ?? row.status === 'online';
  const lastEventAt = state !== undefined && state.lastEventAt > 0 ? state.lastEventAt : undefined;
  const lastSeen = lastEventAt !== undefined && (row.lastSeenAt === null || lastEventAt > row.lastSeenAt.getTime()) ? new Date(lastEventAt) : row.lastSeenAt;
  const app = state?.app ?? stored?.app ?? null;
  const title = state?.app !== undefined ? (state.title ?? null) : (stored?.title ?? null);
  return {
    id: row.id,
    roomId: row.roomId,
    hostname: row.hostname,
    os: row.os,
    agentKind: row.agentKind,
    browser: row.browser,
    connection: online ? 'online' : 'offline',
    lock:
      lock === undefined || !lock.on
        ? null
        : {
            lockId: lock.lockId,
            message: lock.message ?? null,
            until: lock.until === undefined ? null : new Date(lock.until).toISOString(),
            by: lock.by ?? null,
            confirmed: state?.confirmedLockId === lock.lockId,
          },
    screenLocked: state?.screenLocked ?? false,
    lockReason: state?.screenLocked === true ? (state.lockReason ?? null) : null,
    // Gone without a goodbye: this node saw the socket drop silently, or (never seen here) the row says so.
    agentGone: !online && (state?.connected === false ? state.exit === 'silent' : row.status === 'silent'),
    idle: state?.idle ?? false,
    idleSeconds: state?.idleSeconds ?? 0,
    osUser: state?.osUser !== undefined ? state.osUser : (row.lastOsUser ?? stored?.osUser ?? null),
    profileEmail: row.profileEmail,
    app,
    title,
    lastSeenAt: iso(lastSeen),
    keyboard: state?.keyboard ?? null,
    storageDegraded: state?.degraded === undefined ? null : { reason: state.degraded.reason, since: iso(new Date(state.degraded.since)) },
    capabilities: [...row.capabilities],
  };
}
