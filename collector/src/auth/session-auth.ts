import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { AuthSession, AuthUser } from './request-user.ts';
import { totpRequiredFor } from './security-settings.service.ts';
import { clearSessionCookie, presentedSessionToken } from './session-cookie.ts';
import { deleteSession, findSession, sessionExpired, sessionTouchMs, touchSession } from './session.repository.ts';

export interface SessionAuthDeps {
  readonly db: Db;
  readonly now: () => Date;
  readonly publicUrl: string | undefined;
}

/**
 * Resolves the session cookie into `request.user` / `request.authSession`, or throws
 * 401: `unauthenticated` (no or unknown cookie) or `session-expired` (idle 30 min or
 * past its 12 h lifetime; the row is deleted and the cookie cleared). A live session
 * slides: `last_seen_at` moves on, at most once a minute.
 */
export async function authenticateSession(deps: SessionAuthDeps, request: FastifyRequest, reply: FastifyReply): Promise<AuthUser> {
  const token = presentedSessionToken(request);
  if (token === undefined) throw new AppError('unauthenticated', 401, 'Sign in first');
  const stored = await findSession(deps.db, token);
  if (stored === undefined || stored.user.disabled) {
    if (stored !== undefined) await deleteSession(deps.db, stored.idHash);
    clearSessionCookie(request, reply, deps.publicUrl);
    throw new AppError('unauthenticated', 401, 'Sign in first');
  }
  const now = deps.now();
  if (sessionExpired(stored, now)) {
    await deleteSession(deps.db, stored.idHash);
    clearSessionCookie(request, reply, deps.publicUrl);
    throw new AppError('session-expired', 401, 'Your session has expired; sign in again');
  }
  if (now.getTime() - stored.lastSeenAt.getTime() >= sessionTouchMs) await touchSession(deps.db, stored.idHash, now);

  const totpEnrolled = stored.user.totpEnabledAt !== null;
  const user: AuthUser = {
    id: stored.user.id,
    username: stored.user.username,
    displayName: stored.user.displayName,
    role: stored.user.role,
    siteId: stored.user.siteId,
    totpEnrolled,
  };
  const session: AuthSession = {
    idHash: stored.idHash,
    csrfToken: stored.csrfToken,
    // Re-evaluated every request: promoting a signed-in teacher to technician, or an admin
    // requiring TOTP for teachers, restricts the session until they enrol.
    restricted: stored.mfaVerifiedAt === null && (await totpRequiredFor(deps.db, user.role, totpEnrolled)),
  };
  request.user = user;
  request.authSession = session;
  return user;
}

/** Double-submit token bound to the session: the header must equal the session's token. */
export function csrfTokenMatches(request: FastifyRequest, session: AuthSession): boolean {
  const header = request.headers['x-csrf-token'];
  if (typeof header !== 'string') return false;
  const presented = Buffer.from(header, 'utf8');
  const expected = Buffer.from(session.csrfToken, 'utf8');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}
