import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { AppError } from '../errors/app-error.ts';
import type { LoginBody } from './auth.schemas.ts';
import { verifyPassword } from './password.ts';
import { totpRequiredFor } from './security-settings.service.ts';
import type { SecretBox } from './secret-box.ts';
import { createSession, deleteExpiredSessions, type NewSession } from './session.repository.ts';
import { acceptedTotpStep } from './totp.ts';
import { findLoginAccount, recordFailedAttempt, recordSuccessfulLogin, type LoginAccount } from './users.repository.ts';

/** "Accounts are locked for 10 minutes if the incorrect password is entered 3 times." */
export const lockoutPolicy = { maxAttempts: 3, lockMs: 10 * 60_000 } as const;

export interface LoginDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly now: () => Date;
  /** Where a lockout is reported besides the audit log (the request's logger). */
  readonly log?: Pick<FastifyBaseLogger, 'warn'>;
}

export interface ClientMeta {
  readonly ip: string;
  readonly userAgent: string | undefined;
}

export interface LoginSuccess {
  readonly account: LoginAccount;
  readonly session: NewSession;
  /** A privileged user who has not enrolled TOTP yet: the session only allows enrolment. */
  readonly totpEnrolmentRequired: boolean;
}

/** The context that binds a sealed TOTP seed to its user (see SecretBox). */
export const totpSealContext = (userId: string) => `vigil-totp:${userId}`;

/**
 * The one answer for an unknown name, a wrong password, a disabled account and a locked
 * one: a different status or text for any of them would tell a guesser which names
 * exist (or that they have just locked one). The real reason goes to the audit log.
 */
export const signInFailedMessage = 'Sign-in failed. Check your name and password; after 3 failures the account is locked for 10 minutes.';
const signInFailed = () => new AppError('invalid-credentials', 401, signInFailedMessage);
const totpInvalid = () => new AppError('totp-invalid', 401, 'That code is wrong or was already used');

/**
 * Password (argon2id) then, for an enrolled user, TOTP. Every outcome is audited:
 * `auth.login`, `auth.login-failed` (with a reason, never the password) and
 * `auth.locked` when the third failure in a row locks the account for 10 minutes.
 * During a lock even the right password fails and changes nothing, with the same
 * `invalid-credentials` as a wrong one. Every password answer costs one argon2 verify
 * (a throwaway hash for unknown and locked names), so timing does not tell them apart
 * either. A missing TOTP code is not a failure (it is the first step of the two-step
 * form); a wrong one is.
 */
export async function login(deps: LoginDeps, body: LoginBody, client: ClientMeta): Promise<LoginSuccess> {
  const { db } = deps;
  const audit = (action: string, account: LoginAccount | undefined, detail: Record<string, unknown>) =>
    appendAudit(db, {
      actorUserId: account?.id ?? null,
      // What was typed, bounded: it is shown in the audit page (as text) and may be junk.
      actorLabel: account?.username ?? body.username.slice(0, 64),
      action,
      targetType: 'user',
      targetId: account?.id ?? null,
      detail,
      ip: client.ip,
    });

  const account = await findLoginAccount(db, body.username);
  const usable = account !== undefined && !account.disabled ? account : undefined;
  const now = deps.now();
  if (usable?.lockedUntil != null && usable.lockedUntil > now) {
    await verifyPassword(null, body.password); // same time as any other answer
    await audit('auth.login-failed', usable, { reason: 'account-locked' });
    throw signInFailed();
  }
  const passwordOk = await verifyPassword(usable?.passwordHash ?? null, body.password);
  if (usable === undefined) {
    await audit('auth.login-failed', undefined, { reason: account === undefined ? 'unknown-user' : 'disabled' });
    throw signInFailed();
  }
  if (!passwordOk) {
    await countFailure(deps, usable, now, 'wrong-password', audit);
    throw signInFailed();
  }

  let totpStep: number | undefined;
  const enrolled = usable.totpEnabledAt !== null && usable.totpSecretEncrypted !== null;
  if (enrolled && usable.totpSecretEncrypted !== null) {
    if (body.totp === undefined || body.totp === '') {
      throw new AppError('totp-required', 401, 'Enter the 6-digit code from your authenticator app');
    }
    const secret = await deps.secretBox.open(usable.totpSecretEncrypted, totpSealContext(usable.id));
    totpStep = acceptedTotpStep(secret, body.totp, now, usable.totpLastStep);
    if (totpStep === undefined) {
      // The password was right, so "wrong code" reveals nothing new; a lock this causes
      // shows as a refused password on the next try.
      await countFailure(deps, usable, now, 'wrong-totp', audit);
      throw totpInvalid();
    }
  }

  // Conditional on "still unlocked" (and "code not used yet"): a parallel request may have won.
  if (!(await recordSuccessfulLogin(db, usable.id, now, totpStep))) {
    await audit('auth.login-failed', usable, { reason: totpStep === undefined ? 'account-locked' : 'totp-replayed-or-locked' });
    throw totpStep === undefined ? signInFailed() : totpInvalid();
  }
  await deleteExpiredSessions(db, usable.id, now);
  const totpEnrolmentRequired = !enrolled && (await totpRequiredFor(db, usable.role, false));
  const session = await createSession(db, { userId: usable.id, now, mfaVerified: totpStep !== undefined, ip: client.ip, userAgent: client.userAgent });
  await audit('auth.login', usable, { mfa: totpStep !== undefined ? 'totp' : 'none', ...(totpEnrolmentRequired ? { totpEnrolmentRequired } : {}) });
  return { account: usable, session, totpEnrolmentRequired };
}

/**
 * Counts a failure and audits it: `auth.login-failed` with `reason` (or `account-locked`
 * when a parallel attempt locked the account first), then `auth.locked` when this one
 * is the third in a row. The lock is logged and audited, never told to the caller.
 */
async function countFailure(
  deps: LoginDeps,
  account: LoginAccount,
  now: Date,
  reason: 'wrong-password' | 'wrong-totp',
  audit: (action: string, account: LoginAccount, detail: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const outcome = await recordFailedAttempt(deps.db, account.id, now, lockoutPolicy);
  await audit('auth.login-failed', account, { reason: outcome.kind === 'already-locked' ? 'account-locked' : reason });
  if (outcome.kind !== 'locked') return;
  await audit('auth.locked', account, { until: outcome.until.toISOString(), attempts: lockoutPolicy.maxAttempts });
  deps.log?.warn({ userId: account.id, until: outcome.until.toISOString() }, 'account locked after repeated failed sign-ins');
}
