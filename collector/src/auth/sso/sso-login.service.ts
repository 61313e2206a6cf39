import type { SsoErrorCode } from '@vigil/shared/console';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors/app-error.ts';
import type { ClientMeta } from '../login.service.ts';
import { totpRequiredFor } from '../security-settings.service.ts';
import { createSession, deleteExpiredSessions, type NewSession } from '../session.repository.ts';
import { recordSuccessfulLogin } from '../users.repository.ts';
import {
  createSsoAccount,
  currentRoomIds,
  findAccountByEmail,
  findAccountBySubject,
  findSsoAccountById,
  linkAccount,
  setRoleAndRooms,
  type SsoAccount,
} from './sso-accounts.repository.ts';
import { mappedRole, type SsoIdentity } from './sso-identity.ts';
import type { SsoPolicy } from './sso-settings.service.ts';

export interface SsoLoginDeps {
  readonly db: Db;
  readonly now: () => Date;
}

export type SsoLoginOutcome =
  | { readonly kind: 'signed-in'; readonly account: SsoAccount; readonly session: NewSession; readonly totpEnrolmentRequired: boolean }
  /** A privileged (or enrolled) user the provider did not vouch MFA for: Vigil's TOTP next. */
  | { readonly kind: 'totp-needed'; readonly account: SsoAccount };

/** A refused school sign-in: the callback turns `code` into /signin?sso_error=<code>. */
export class SsoRefusal extends AppError {
  constructor(code: SsoErrorCode, status: number, message: string) {
    super(code, status, message);
  }
}

/**
 * Whether sign-in needs Vigil's TOTP after the provider: whoever needs it for a password
 * sign-in (`roleRequiresTotp` under the school's security settings, or anyone who
 * enrolled), unless the admin trusts the provider's MFA and the ID token says it happened.
 */
export async function ssoNeedsTotp(db: Db, account: Pick<SsoAccount, 'role' | 'totpEnabledAt'>, identity: Pick<SsoIdentity, 'idpMfa'>): Promise<boolean> {
  return !identity.idpMfa && (await totpRequiredFor(db, account.role, account.totpEnabledAt !== null));
}

type Audit = (action: string, account: SsoAccount | undefined, detail: Record<string, unknown>) => Promise<void>;

/**
 * From a validated identity to a Vigil account: by the linked (issuer, subject), else by
 * verified e-mail (case-insensitive; the account is then linked), else just in time when
 * the admin allowed it and the mapping gives a role. With the `claims` role source the
 * mapping's role and rooms are applied at every sign-in. Every refusal is audited as
 * `auth.login-failed` with `method: 'oidc'` and a reason.
 */
export async function ssoLogin(deps: SsoLoginDeps, policy: SsoPolicy, identity: SsoIdentity, client: ClientMeta): Promise<SsoLoginOutcome> {
  const { db } = deps;
  const now = deps.now();
  const audit: Audit = (action, account, detail) =>
    appendAudit(db, {
      actorUserId: account?.id ?? null,
      // From the provider, bounded: shown (as text) on the audit page.
      actorLabel: (account?.username ?? identity.email ?? `oidc:${identity.subject}`).slice(0, 64),
      action,
      targetType: 'user',
      targetId: account?.id ?? null,
      detail: { method: 'oidc', issuer: identity.issuer, subject: identity.subject.slice(0, 200), ...detail },
      ip: client.ip,
    });
  const refuse = async (code: SsoErrorCode, status: number, message: string, account?: SsoAccount, extra: Record<string, unknown> = {}): Promise<never> => {
    await audit('auth.login-failed', account, { reason: code, ...extra });
    throw new SsoRefusal(code, status, message);
  };

  let account = await findAccountBySubject(db, identity.issuer, identity.subject);
  if (account === undefined) {
    if (identity.email === undefined || !identity.emailVerified) {
      return refuse('sso-email-unverified', 401, 'The identity provider did not confirm your e-mail address', undefined, { email: identity.email ?? null });
    }
    const byEmail = await findAccountByEmail(db, identity.email);
    if (byEmail !== undefined) {
      if (byEmail.oidcSubject !== null)
        return refuse('sso-account-conflict', 409, 'This e-mail address belongs to an account linked to another identity', byEmail);
      if (!(await linkAccount(db, byEmail.id, identity.issuer, identity.subject, now)))
        return refuse('sso-account-conflict', 409, 'The account was linked meanwhile', byEmail);
      account = { ...byEmail, oidcIssuer: identity.issuer, oidcSubject: identity.subject };
      await audit('user.sso-linked', account, { email: identity.email });
    }
  }

  const mapped = mappedRole(identity.groups, policy.mappings);
  if (account === undefined) {
    if (!policy.jitEnabled)
      return refuse('sso-account-unknown', 403, 'There is no Vigil account for this e-mail address', undefined, { email: identity.email ?? null });
    if (mapped === undefined)
      return refuse('sso-no-role', 403, 'None of your groups is mapped to a Vigil role', undefined, { groups: identity.groups.slice(0, 20) });
    account = await createJitAccount(db, identity, mapped.role, mapped.roomIds, now, audit);
  } else if (policy.roleSource === 'claims') {
    if (mapped === undefined)
      return refuse('sso-no-role', 403, 'None of your groups is mapped to a Vigil role', account, { groups: identity.groups.slice(0, 20) });
    account = await syncRole(db, account, mapped.role, mapped.roomIds, now, audit);
  }

  if (account.disabled) return refuse('sso-account-disabled', 403, 'This Vigil account is disabled', account);
  if (account.lockedUntil !== null && account.lockedUntil > now)
    return refuse('account-locked', 423, 'This account is locked after too many failed sign-ins; try again later', account);

  if (account.totpEnabledAt !== null && (await ssoNeedsTotp(db, account, identity))) return { kind: 'totp-needed', account };
  return startSsoSession(deps, account, { mfa: identity.idpMfa ? 'idp' : 'none' }, client, audit);
}

/** The session, exactly as password sign-in makes it, audited as `auth.login` with `method: 'oidc'`. */
export async function startSsoSession(
  deps: SsoLoginDeps,
  account: SsoAccount,
  proof: { mfa: 'idp' | 'totp' | 'none'; totpStep?: number },
  client: ClientMeta,
  audit: Audit,
): Promise<SsoLoginOutcome> {
  const now = deps.now();
  // Conditional on "still unlocked" (and a fresh TOTP step): a parallel request may have won.
  if (!(await recordSuccessfulLogin(deps.db, account.id, now, proof.totpStep))) {
    if (proof.totpStep !== undefined) {
      await audit('auth.login-failed', account, { reason: 'totp-replayed-or-locked' });
      throw new AppError('totp-invalid', 401, 'That code is wrong or was already used');
    }
    await audit('auth.login-failed', account, { reason: 'account-locked' });
    throw new SsoRefusal('account-locked', 423, 'This account is locked after too many failed sign-ins; try again later');
  }
  await deleteExpiredSessions(deps.db, account.id, now);
  const mfaVerified = proof.mfa !== 'none';
  const totpEnrolmentRequired = !mfaVerified && (await totpRequiredFor(deps.db, account.role, account.totpEnabledAt !== null));
  const session = await createSession(deps.db, { userId: account.id, now, mfaVerified, ip: client.ip, userAgent: client.userAgent });
  await audit('auth.login', account, { mfa: proof.mfa, ...(totpEnrolmentRequired ? { totpEnrolmentRequired } : {}) });
  return { kind: 'signed-in', account, session, totpEnrolmentRequired };
}

async function createJitAccount(
  db: Db,
  identity: SsoIdentity,
  role: SsoAccount['role'],
  roomIds: readonly string[],
  now: Date,
  audit: Audit,
): Promise<SsoAccount> {
  const email = identity.email ?? '';
  let id: string;
  try {
    id = await db.transaction(async (tx) => {
      const created = await createSsoAccount(
        tx,
        { email, displayName: identity.displayName ?? email, role, issuer: identity.issuer, subject: identity.subject },
        now,
      );
      await setRoleAndRooms(tx, created, role, roomIds, now);
      return created;
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'username-taken') {
      await audit('auth.login-failed', undefined, { reason: 'sso-account-conflict', email });
      throw new SsoRefusal('sso-account-conflict', 409, 'A Vigil account with this name already exists');
    }
    throw error;
  }
  const account = await findSsoAccountById(db, id);
  if (account === undefined) throw new Error('a just-created account vanished');
  await audit('user.create', account, { via: 'sso-jit', role, rooms: roomIds.length });
  return account;
}

/** The `claims` role source: the provider's groups decide role and rooms at every sign-in. */
async function syncRole(db: Db, account: SsoAccount, role: SsoAccount['role'], roomIds: readonly string[], now: Date, audit: Audit): Promise<SsoAccount> {
  const before = await currentRoomIds(db, account.id);
  const after = [...new Set(roomIds)].sort();
  if (account.role === role && before.join() === after.join()) return account;
  await db.transaction((tx) => setRoleAndRooms(tx, account.id, role, after, now));
  await audit('user.update', account, { via: 'sso-claims', role: { from: account.role, to: role }, rooms: { from: before.length, to: after.length } });
  return { ...account, role };
}
