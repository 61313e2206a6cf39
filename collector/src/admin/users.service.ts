// Console accounts from the console: list, create, change (role, site, rooms, name),
// disable, unlock, reset the password or the second factor. Admins only for changes; a
// site-limited admin manages the accounts of their own site only.
import type { UserRole } from '../db/schema/index.ts';
import { hashPassword, passwordPolicyProblem, type PasswordOwner } from '../auth/password.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import { resetTotp } from '../auth/users.repository.ts';
import { AppError } from '../errors/app-error.ts';
import { auditChange, type AdminContext, type Executor } from './admin-context.ts';
import { assertSite, assertTrustWide, invalidField, notFound, uniqueViolation } from './admin-scope.ts';
import { roomsByIds, siteById } from './sites-rooms.repository.ts';
import {
  createUser,
  findUserRow,
  listUserRows,
  lockEnabledAdmins,
  lockUser,
  replaceUserRooms,
  updateUser,
  type UserAdminRow,
  type UserChanges,
} from './users.repository.ts';

export interface NewAccount {
  readonly username: string;
  readonly displayName: string;
  readonly email?: string | undefined;
  readonly role: UserRole;
  readonly siteId: string | null;
  readonly roomIds: readonly string[];
  readonly password: string;
}

export interface AccountChange {
  readonly displayName?: string | undefined;
  readonly role?: UserRole | undefined;
  readonly siteId?: string | null | undefined;
  readonly roomIds?: readonly string[] | undefined;
  readonly disabled?: boolean | undefined;
  readonly unlock?: true | undefined;
  readonly password?: string | undefined;
  readonly resetTotp?: true | undefined;
}

/**
 * Everyone an IT user may see: admins get full rows; technicians and DSLs get the list
 * for assigning alerts, without rooms, e-mail, sign-in times or lock state (nulled).
 */
export async function listAccounts(context: AdminContext): Promise<UserAdminRow[]> {
  const rows = await listUserRows(context.db, { siteId: context.user.siteId });
  if (context.user.role === 'admin') return rows;
  return rows.map((row) => ({ ...row, rooms: [], email: null, lockedUntil: null, lastLoginAt: null, totpEnrolled: false }));
}

/** A site-limited admin may manage only accounts of their own site (not trust-wide ones). */
function assertManages(context: AdminContext, account: { siteId: string | null }): void {
  if (context.user.siteId !== null && account.siteId !== context.user.siteId) throw new AppError('site-forbidden', 403, 'That account belongs to another site');
}

/** The site an account is to have: it must exist, and be one the admin may give. */
async function checkSite(context: AdminContext, siteId: string | null): Promise<void> {
  if (siteId === null) return assertTrustWide(context.user, 'An account without a site');
  const site = await siteById(context.db, siteId);
  if (site === undefined) throw notFound('site', siteId);
  assertSite(context.user, site.id);
}

/** Every room exists (404) and, for an account limited to a site, is on that site (400 at `field`). */
async function checkRooms(context: AdminContext, roomIds: readonly string[], siteId: string | null, field: string): Promise<void> {
  const found = await roomsByIds(context.db, roomIds);
  for (const [index, roomId] of roomIds.entries()) {
    const room = found.find((candidate) => candidate.id === roomId);
    if (room === undefined) throw notFound('room', roomId);
    assertSite(context.user, room.siteId);
    if (siteId !== null && room.siteId !== siteId)
      throw invalidField(field === 'roomIds' ? `roomIds.${index}` : field, `room "${roomId}" is not on the account's site`);
  }
}

function checkPassword(password: string, owner: PasswordOwner): void {
  const problem = passwordPolicyProblem(password, owner);
  if (problem !== undefined) throw invalidField('password', problem);
}

function accountConflict(error: unknown): unknown {
  const constraint = uniqueViolation(error);
  if (constraint === 'users_email_lower_unique') return new AppError('email-taken', 409, 'Another account has that e-mail address');
  if (constraint !== undefined) return new AppError('username-taken', 409, 'That user name is already taken');
  return error;
}

async function rowOf(context: AdminContext, userId: string): Promise<UserAdminRow> {
  const row = await findUserRow(context.db, userId);
  if (row === undefined) throw notFound('user', userId);
  return row;
}

export async function createAccount(context: AdminContext, input: NewAccount): Promise<UserAdminRow> {
  await checkSite(context, input.siteId);
  await checkRooms(context, input.roomIds, input.siteId, 'roomIds');
  checkPassword(input.password, { username: input.username, displayName: input.displayName });
  const passwordHash = await hashPassword(input.password);
  let id: string;
  try {
    id = await context.db.transaction(async (tx) => {
      const created = await createUser(tx, { ...input, passwordHash });
      const { username, displayName, role, siteId, roomIds } = input;
      await auditChange(tx, context, {
        action: 'user.create',
        targetType: 'user',
        targetId: created.id,
        detail: { username, displayName, role, siteId, roomIds: [...new Set(roomIds)] },
      });
      return created.id;
    });
  } catch (error) {
    throw accountConflict(error);
  }
  return rowOf(context, id);
}

/**
 * Applies a change in one transaction with its `user.update` entry (which names the
 * fields, never a password). A new password, disabling and a second-factor reset sign
 * the account out everywhere. No change may leave the collector without an enabled
 * admin: 409 `last-admin`.
 */
export async function changeAccount(context: AdminContext, userId: string, change: AccountChange): Promise<UserAdminRow> {
  const before = await rowOf(context, userId);
  assertManages(context, before);
  const siteId = change.siteId === undefined ? before.siteId : change.siteId;
  if (change.siteId !== undefined && change.siteId !== before.siteId) await checkSite(context, change.siteId);
  if (change.roomIds !== undefined) await checkRooms(context, change.roomIds, siteId, 'roomIds');
  else if (siteId !== null && before.rooms.some((room) => room.siteId !== siteId)) {
    throw invalidField('siteId', "some of the account's rooms are on another site: send roomIds too");
  }
  if (change.password !== undefined) checkPassword(change.password, { username: before.username, displayName: change.displayName ?? before.displayName });
  const passwordHash = change.password === undefined ? undefined : await hashPassword(change.password);

  const fields: string[] = [];
  const detail: Record<string, unknown> = {};
  const changes: { -readonly [K in keyof UserChanges]: UserChanges[K] } = {};
  if (change.displayName !== undefined && change.displayName !== before.displayName) {
    changes.displayName = change.displayName;
    detail.displayName = { from: before.displayName, to: change.displayName };
  }
  if (change.role !== undefined && change.role !== before.role) {
    changes.role = change.role;
    detail.role = { from: before.role, to: change.role };
  }
  if (change.siteId !== undefined && change.siteId !== before.siteId) {
    changes.siteId = change.siteId;
    detail.siteId = { from: before.siteId, to: change.siteId };
  }
  if (change.disabled !== undefined && change.disabled !== before.disabled) {
    changes.disabled = change.disabled;
    detail.disabled = change.disabled;
  }
  const roomIds = change.roomIds === undefined ? undefined : [...new Set(change.roomIds)];
  if (
    roomIds !== undefined &&
    !sameSet(
      roomIds,
      before.rooms.map((room) => room.id),
    )
  )
    detail.roomIds = { from: before.rooms.map((room) => room.id), to: roomIds };
  if (change.unlock === true) changes.unlock = true;
  if (passwordHash !== undefined) changes.passwordHash = passwordHash;
  fields.push(...Object.keys(detail));
  if (change.unlock === true) fields.push('unlock');
  if (passwordHash !== undefined) fields.push('password');
  if (change.resetTotp === true) fields.push('resetTotp');
  if (fields.length === 0) return before;

  const endsSessions = passwordHash !== undefined || changes.disabled === true || change.resetTotp === true;
  try {
    await context.db.transaction(async (tx) => {
      if (changes.role !== undefined || changes.disabled !== undefined) await keepAnAdmin(tx, userId, { role: changes.role, disabled: changes.disabled });
      const locked = await lockUser(tx, userId);
      if (locked === undefined) throw notFound('user', userId);
      await updateUser(tx, userId, changes, context.now);
      if (roomIds !== undefined && detail.roomIds !== undefined) await replaceUserRooms(tx, userId, roomIds);
      if (change.resetTotp === true) await resetTotp(tx, userId, context.now);
      const sessionsEnded = endsSessions ? await deleteUserSessions(tx, userId) : 0;
      await auditChange(tx, context, {
        action: 'user.update',
        targetType: 'user',
        targetId: userId,
        detail: { username: before.username, fields, ...detail, sessionsEnded },
      });
    });
  } catch (error) {
    throw accountConflict(error);
  }
  return rowOf(context, userId);
}

/**
 * 409 `last-admin` when the account is an enabled admin, the change takes that away, and
 * no other enabled admin remains. The admins' rows are locked first (in id order), so
 * two admins demoting each other at once cannot both pass.
 */
async function keepAnAdmin(tx: Executor, userId: string, change: { role?: UserRole | undefined; disabled?: boolean | undefined }): Promise<void> {
  const admins = await lockEnabledAdmins(tx);
  if (!admins.includes(userId)) return;
  const staysAdmin = (change.role ?? 'admin') === 'admin' && change.disabled !== true;
  if (staysAdmin || admins.some((id) => id !== userId)) return;
  throw new AppError('last-admin', 409, 'This is the last enabled admin: make another account an admin first');
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}
