import { and, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { deviceLocks, devices, users } from '../db/schema/index.ts';

export interface LockRow {
  readonly deviceId: string;
  readonly locked: boolean;
  readonly lockId: string;
  readonly message: string | null;
  readonly until: Date | null;
  readonly byUserId: string | null;
  /** The locking user's display name, shown on the lock screen. */
  readonly byName: string | null;
  readonly at: Date;
}

export async function lockRows(db: Db, deviceIds: readonly string[]): Promise<LockRow[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select({
      deviceId: deviceLocks.deviceId,
      locked: deviceLocks.locked,
      lockId: deviceLocks.lockId,
      message: deviceLocks.message,
      until: deviceLocks.until,
      byUserId: deviceLocks.byUserId,
      byName: users.displayName,
      at: deviceLocks.at,
    })
    .from(deviceLocks)
    .leftJoin(users, eq(deviceLocks.byUserId, users.id))
    .where(inArray(deviceLocks.deviceId, [...deviceIds]));
}

export interface LockState {
  readonly deviceId: string;
  readonly locked: boolean;
  readonly lockId: string;
  readonly message: string | null;
  readonly until: Date | null;
  readonly byUserId: string | null;
}

/** One row per device, overwritten: the audit log keeps the history. */
export async function storeLocks(db: Db, states: readonly LockState[]): Promise<void> {
  if (states.length === 0) return;
  await db
    .insert(deviceLocks)
    .values(states.map((state) => ({ ...state, at: sql`now()` })))
    .onConflictDoUpdate({
      target: deviceLocks.deviceId,
      set: {
        locked: sql`excluded.locked`,
        lockId: sql`excluded.lock_id`,
        message: sql`excluded.message`,
        until: sql`excluded.until`,
        byUserId: sql`excluded.by_user_id`,
        at: sql`now()`,
      },
    });
}

/**
 * Marks timed locks that have run out as unlocked; returns the devices it changed. Only
 * the lock that expired is touched: a newer lock written meanwhile stays.
 */
export async function clearExpired(db: Db, deviceIds: readonly string[], now: Date): Promise<Array<{ deviceId: string; lockId: string }>> {
  if (deviceIds.length === 0) return [];
  return db
    .update(deviceLocks)
    .set({ locked: false })
    .where(and(inArray(deviceLocks.deviceId, [...deviceIds]), eq(deviceLocks.locked, true), isNotNull(deviceLocks.until), lte(deviceLocks.until, now)))
    .returning({ deviceId: deviceLocks.deviceId, lockId: deviceLocks.lockId });
}

/** Which of these ids are enrolled devices. */
export async function existingDevices(db: Db, deviceIds: readonly string[]): Promise<Set<string>> {
  if (deviceIds.length === 0) return new Set();
  const rows = await db
    .select({ id: devices.id })
    .from(devices)
    .where(inArray(devices.id, [...deviceIds]));
  return new Set(rows.map((row) => row.id));
}
