import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import { roomScope, type RoomScope } from '../auth/authorization.ts';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { alerts } from '../db/schema/index.ts';

/** Which alerts a user may see: the same shape as the room scope, applied to alerts. */
export type AlertScope = RoomScope;

/**
 * Staff (technician, dsl, admin) see the alerts of their site, or of every site when
 * they are trust-wide (auth's `roomScope`). A viewer gets counts only (reports), for
 * their site or every site; the access table keeps them away from alert content.
 */
export async function alertScopeFor(db: Db, user: Pick<AuthUser, 'id' | 'role' | 'siteId'>): Promise<AlertScope> {
  if (user.role === 'viewer') return user.siteId === null ? { kind: 'all' } : { kind: 'site', siteId: user.siteId };
  return roomScope(db, user);
}

/** The WHERE condition on `alerts` for a scope (undefined: no restriction). Deny by default. */
export function alertScopeCondition(scope: AlertScope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined;
    case 'site':
      return eq(alerts.siteId, scope.siteId);
    case 'rooms':
      return scope.roomIds.length === 0 ? sql`false` : inArray(alerts.roomId, [...scope.roomIds]);
    default:
      return sql`false`;
  }
}
