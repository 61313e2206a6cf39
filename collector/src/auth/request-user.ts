import type { FastifyRequest } from 'fastify';
import type { Actor } from '../audit/actor.ts';
import type { UserRole } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';

/** The signed-in console user, read fresh from the database on every request. */
export interface AuthUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  /** Null: the role applies on every site. */
  readonly siteId: string | null;
  readonly totpEnrolled: boolean;
}

export interface AuthSession {
  /** sha256 of the cookie token (the sessions row's key). */
  readonly idHash: string;
  /** What the `x-csrf-token` header must carry on state changes. */
  readonly csrfToken: string;
  /**
   * A user who must have TOTP but has not enrolled yet: only the routes marked
   * `'any-session'` (me, logout, TOTP enrolment) answer.
   */
  readonly restricted: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set by the access-control hook on every route whose rule needs a session; null on
     * `'public'` and `'agent'` routes. Prefer `signedInUser(request)` in handlers.
     */
    user: AuthUser | null;
    authSession: AuthSession | null;
  }
}

/** Roles that must use a second factor (TOTP). */
export const totpRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/** Whether sign-in needs TOTP for this user: a privileged role, or anyone who enrolled. */
export function totpRequired(role: UserRole, totpEnrolled: boolean): boolean {
  return totpEnrolled || totpRoles.includes(role);
}

/** The request's user; throws 401 `unauthenticated` on a route that did not require one. */
export function signedInUser(request: FastifyRequest): AuthUser {
  if (request.user === null) throw new AppError('unauthenticated', 401, 'Sign in first');
  return request.user;
}

/** The audit actor for the request's user (`audit/actor.ts`). */
export function actorOf(request: FastifyRequest): Actor {
  const user = signedInUser(request);
  return { userId: user.id, label: user.username };
}
