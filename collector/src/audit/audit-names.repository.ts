import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { alerts, devices, enrolmentTokens, rooms, sites, users } from '../db/schema/index.ts';
import type { AuditLogRow } from './audit-query.repository.ts';

/** A target as people know it: its name now, and for an alert when it happened. */
export interface TargetName {
  readonly name: string;
  /** Alerts: when it happened (the audit page shows it beside the category). */
  readonly at?: Date;
}

/** Names for one page of entries, looked up once per page (not per row). */
export interface AuditNames {
  /** User id → display name, for actors and user targets. */
  readonly users: ReadonlyMap<string, string>;
  /** `type id` → name, for every target that still exists. */
  readonly targets: ReadonlyMap<string, TargetName>;
}

const targetKey = (type: string, id: string): string => `${type} ${id}`;

/** The audit row's target name, or undefined when it has none (gone, or a type without names). */
export function targetNameOf(names: AuditNames, row: Pick<AuditLogRow, 'targetType' | 'targetId'>): TargetName | undefined {
  return row.targetType === null || row.targetId === null ? undefined : names.targets.get(targetKey(row.targetType, row.targetId));
}

/** The actor's display name now, or undefined (the system, the CLI, or a user since removed). */
export function actorNameOf(names: AuditNames, row: Pick<AuditLogRow, 'actorUserId'>): string | undefined {
  return row.actorUserId === null ? undefined : names.users.get(row.actorUserId);
}

/**
 * Resolves the ids of a page of audit entries to names (user → display name, device →
 * host name, room → "room (site)", site → name, alert → category id and time, enrolment
 * token → its label). The log keeps ids, which never change; the names are today's. An
 * id whose row is gone simply has no name: the page shows the id.
 * `categoryLabel` turns an alert's category id into words.
 */
export async function resolveAuditNames(db: Db, rows: readonly AuditLogRow[], categoryLabel: (category: string) => string): Promise<AuditNames> {
  const ids = (type: string): string[] => [
    ...new Set(rows.filter((row) => row.targetType === type && row.targetId !== null).map((row) => row.targetId as string)),
  ];
  const userIds = [...new Set([...rows.map((row) => row.actorUserId).filter((id): id is string => id !== null), ...ids('user')])];
  const deviceIds = ids('device');
  const roomIds = ids('room');
  const siteIds = ids('site');
  const alertIds = ids('alert');
  const tokenIds = ids('enrolment-token');

  const [userRows, deviceRows, roomRows, siteRows, alertRows, tokenRows] = await Promise.all([
    userIds.length === 0 ? [] : db.select({ id: users.id, displayName: users.displayName }).from(users).where(inArray(users.id, userIds)),
    deviceIds.length === 0 ? [] : db.select({ id: devices.id, hostname: devices.hostname }).from(devices).where(inArray(devices.id, deviceIds)),
    roomIds.length === 0
      ? []
      : db
          .select({ id: rooms.id, name: rooms.name, siteName: sites.name })
          .from(rooms)
          .innerJoin(sites, eq(rooms.siteId, sites.id))
          .where(inArray(rooms.id, roomIds)),
    siteIds.length === 0 ? [] : db.select({ id: sites.id, name: sites.name }).from(sites).where(inArray(sites.id, siteIds)),
    alertIds.length === 0 ? [] : db.select({ id: alerts.id, category: alerts.category, ts: alerts.ts }).from(alerts).where(inArray(alerts.id, alertIds)),
    tokenIds.length === 0
      ? []
      : db.select({ id: enrolmentTokens.id, label: enrolmentTokens.label }).from(enrolmentTokens).where(inArray(enrolmentTokens.id, tokenIds)),
  ]);

  const usersById = new Map(userRows.map((row) => [row.id, row.displayName]));
  const targets = new Map<string, TargetName>();
  for (const [id, name] of usersById) targets.set(targetKey('user', id), { name });
  for (const row of deviceRows) targets.set(targetKey('device', row.id), { name: row.hostname });
  for (const row of roomRows) targets.set(targetKey('room', row.id), { name: `${row.name} (${row.siteName})` });
  for (const row of siteRows) targets.set(targetKey('site', row.id), { name: row.name });
  for (const row of alertRows) targets.set(targetKey('alert', row.id), { name: `${categoryLabel(row.category)} alert`, at: row.ts });
  for (const row of tokenRows) if (row.label !== null && row.label !== '') targets.set(targetKey('enrolment-token', row.id), { name: row.label });
  return { users: usersById, targets };
}
