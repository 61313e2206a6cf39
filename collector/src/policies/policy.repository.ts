import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { devices, policies, rooms, sites, type PolicyScope } from '../db/schema/index.ts';

export type PolicyRow = typeof policies.$inferSelect;

export interface DevicePlacement {
  readonly id: string;
  readonly siteId: string;
  readonly roomId: string | null;
}

export async function devicePlacements(db: Db, deviceIds: readonly string[]): Promise<DevicePlacement[]> {
  if (deviceIds.length === 0) return [];
  return db
    .select({ id: devices.id, siteId: devices.siteId, roomId: devices.roomId })
    .from(devices)
    .where(inArray(devices.id, [...deviceIds]));
}

/** Every stored layer that applies to any of these sites, rooms or devices. */
export async function layersFor(db: Db, ids: { siteIds: readonly string[]; roomIds: readonly string[]; deviceIds: readonly string[] }): Promise<PolicyRow[]> {
  const conditions: SQL[] = [];
  const add = (scope: PolicyScope, list: readonly string[]) => {
    const condition = and(eq(policies.scope, scope), inArray(policies.scopeId, [...new Set(list)]));
    if (list.length > 0 && condition !== undefined) conditions.push(condition);
  };
  add('site', ids.siteIds);
  add('room', ids.roomIds);
  add('device', ids.deviceIds);
  if (conditions.length === 0) return [];
  return db
    .select()
    .from(policies)
    .where(or(...conditions));
}

export async function findLayer(db: Db, scope: PolicyScope, scopeId: string): Promise<PolicyRow | undefined> {
  const [row] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.scope, scope), eq(policies.scopeId, scopeId)))
    .limit(1);
  return row;
}

/** Locks the layer's row (if any) for the rest of the transaction, so read-modify-write is safe. */
export async function findLayerForUpdate(db: Db, scope: PolicyScope, scopeId: string): Promise<PolicyRow | undefined> {
  const [row] = await db
    .select()
    .from(policies)
    .where(and(eq(policies.scope, scope), eq(policies.scopeId, scopeId)))
    .for('update')
    .limit(1);
  return row;
}

export async function upsertLayer(db: Db, scope: PolicyScope, scopeId: string, settings: Record<string, unknown>, updatedBy: string | null): Promise<void> {
  await db
    .insert(policies)
    .values({ scope, scopeId, settings, updatedBy })
    .onConflictDoUpdate({
      target: [policies.scope, policies.scopeId],
      set: { settings, updatedBy, updatedAt: sql`now()` },
    });
}

/** Whether the site, room or device a layer would belong to exists. */
export async function scopeExists(db: Db, scope: PolicyScope, scopeId: string): Promise<boolean> {
  const table = scope === 'site' ? sites : scope === 'room' ? rooms : devices;
  const [row] = await db.select({ id: table.id }).from(table).where(eq(table.id, scopeId)).limit(1);
  return row !== undefined;
}

/** The devices a layer applies to. */
export async function devicesInScope(db: Db, scope: PolicyScope, scopeId: string): Promise<string[]> {
  if (scope === 'device') return [scopeId];
  const column = scope === 'site' ? devices.siteId : devices.roomId;
  const rows = await db.select({ id: devices.id }).from(devices).where(eq(column, scopeId));
  return rows.map((row) => row.id);
}
