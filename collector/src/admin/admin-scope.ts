// Site scoping for administration. The access table (admin.access.ts) lets a role in;
// these checks decide which site's things it may touch. A user whose `siteId` is set
// works on that site only; a user without one works trust-wide. Order of answers: an id
// that does not exist is 404, one that exists on another site is 403 `site-forbidden`.
import type { Db } from '../db/database.ts';
import { roomScope } from '../auth/authorization.ts';
import type { AuthUser } from '../auth/request-user.ts';
import { AppError } from '../errors/app-error.ts';

type ScopedUser = Pick<AuthUser, 'id' | 'role' | 'siteId'>;

/** The one site the user is limited to, or null for a trust-wide user (roomScope 'all'). */
export async function siteLimit(db: Db, user: ScopedUser): Promise<string | null> {
  const scope = await roomScope(db, user);
  if (scope.kind === 'all') return null;
  if (scope.kind === 'site') return scope.siteId;
  // Teachers and viewers never reach admin routes (access table); refuse if one does.
  throw new AppError('forbidden', 403, 'Your role may not do this');
}

export function mayTouchSite(user: Pick<AuthUser, 'siteId'>, siteId: string): boolean {
  return user.siteId === null || user.siteId === siteId;
}

/** 403 `site-forbidden` unless the user works on `siteId` (or on every site). */
export function assertSite(user: Pick<AuthUser, 'siteId'>, siteId: string): void {
  if (!mayTouchSite(user, siteId)) throw new AppError('site-forbidden', 403, 'That belongs to another site');
}

/** 403 `site-forbidden` for a user limited to one site: the change would reach every site. */
export function assertTrustWide(user: Pick<AuthUser, 'siteId'>, what: string): void {
  if (user.siteId !== null) throw new AppError('site-forbidden', 403, `${what} applies to every site; ask a trust-wide administrator`);
}

export function notFound(thing: 'site' | 'room' | 'device' | 'enrolment-token' | 'user' | 'wordlist-entry', id: string): AppError {
  return new AppError(`${thing}-not-found`, 404, `No ${thing.replaceAll('-', ' ')} with id "${id}"`);
}

/** 400 `validation-failed` for one field, in decodeBody's shape. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('validation-failed', 400, 'The request body is not valid', { fields: [{ path, message }] });
}

/** `value` trimmed; 400 naming `path` when nothing is left (the contract's text schemas allow spaces only). */
export function nonBlank(value: string, path: string): string {
  const trimmed = value.trim();
  if (trimmed === '') throw invalidField(path, 'must not be blank');
  return trimmed;
}

/** The name of the unique constraint a database error broke (under drizzle's wrapper or bare from pg). */
export function uniqueViolation(error: unknown): string | undefined {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if ('code' in current && current.code === '23505') return 'constraint' in current && typeof current.constraint === 'string' ? current.constraint : '';
  }
  return undefined;
}
