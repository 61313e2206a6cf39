import type { AuthUser } from '../auth/request-user.ts';
import { totpRequiredFor } from '../auth/security-settings.service.ts';
import { findSession, sessionExpired, sessionTouchMs, touchSession } from '../auth/session.repository.ts';
import type { Db } from '../db/database.ts';
import type { UserRole } from '../db/schema/index.ts';

/**
 * The console socket outlives the request that opened it, so the session is checked
 * again while it is open: the same rules as the access gate (auth/session-auth.ts) —
 * the row exists, the account is enabled, not idle or past its lifetime, a full
 * (non-restricted) session, a role that may use the live view. Undefined: close 4401.
 * `active` slides the session like an HTTP request would (at most once a minute): a
 * message from the console is the person using it; a passive socket does not keep a
 * session alive on its own.
 */
export async function liveSessionUser(
  db: Db,
  token: string,
  roles: readonly UserRole[],
  options: { now: Date; active: boolean },
): Promise<AuthUser | undefined> {
  const stored = await findSession(db, token);
  if (stored === undefined || stored.user.disabled || sessionExpired(stored, options.now)) return undefined;
  const totpEnrolled = stored.user.totpEnabledAt !== null;
  if (stored.mfaVerifiedAt === null && (await totpRequiredFor(db, stored.user.role, totpEnrolled))) return undefined;
  if (!roles.includes(stored.user.role)) return undefined;
  if (options.active && options.now.getTime() - stored.lastSeenAt.getTime() >= sessionTouchMs) await touchSession(db, stored.idHash, options.now);
  const { id, username, displayName, role, siteId } = stored.user;
  return { id, username, displayName, role, siteId, totpEnrolled };
}
