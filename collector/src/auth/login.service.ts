import type { Db } from '../db/database.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { AppError } from '../errors/app-error.ts';
import type { LoginBody } from './auth.schemas.ts';
import { verifyPassword } from './password.ts';
import { totpRequired } from './request-user.ts';
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

const lockedError = (until: Date | null) =>
  new AppError('account-locked', 423, 'This account is locked after too many failed sign-ins; try again later', until === null ? undefined : { until: until.toISOString() });

/**
 * Password (argon2id) then, for an enrolled user, TOTP. Every outcome is audited:
 * `auth.login`, `auth.login-failed` (with a reason, never the password) and
 * `auth.locked` when the third failure in a row locks the account for 10 minutes.
 * During a lock even the right password fails with `account-locked` and changes nothing.
 * A missing TOTP code is not a failure (it is the first step of the two-step form);
 * a wrong one is.
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
    throw lockedError(usable.lockedUntil);
  }
  const passwordOk = await verifyPassword(usable?.passwordHash ?? null, body.password);
  if (usable === undefined || !passwordOk) {
    await audit('auth.login-failed', usable, { reason: account === undefined ? 'unknown-user' : account.disabled ? 'disabled' : 'wrong-password' });
    if (usable !== undefined) await countFailure(deps, usable, now, audit);
    throw new AppError('invalid-credentials', 401, 'Wrong user name or password');
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
      await audit('auth.login-failed', usable, { reason: 'wrong-totp' });
      await countFailure(deps, usable, now, audit);
      throw new AppError('totp-invalid', 401, 'That code is wrong or was already used');
    }
  }

  // Conditional on "still unlocked" (and "code not used yet"): a parallel request may have won.
  if (!(await recordSuccessfulLogin(db, usable.id, now, totpStep))) {
    await audit('auth.login-failed', usable, { reason: totpStep === undefined ? 'account-locked' : 'totp-replayed-or-locked' });
    throw totpStep === undefined ? lockedError(null) : new AppError('totp-invalid', 401, 'That code is wrong or was already used');
  }
  await deleteExpiredSessions(db, usable.id, now);
  const totpEnrolmentRequired = !enrolled && totpRequired(usable.role, false);
  const session = await createSession(db, { userId: usable.id, now, mfaVerified: totpStep !== undefined, ip: client.ip, userAgent: client.userAgent });
  await audit('auth.login', usable, { mfa: totpStep !== undefined ? 'totp' : 'none', ...(totpEnrolmentRequired ? { totpEnrolmentRequired } : {}) });
  return { account: usable, session, totpEnrolmentRequired };
}

async function countFailure(
  deps: LoginDeps,
  account: LoginAccount,
  now: Date,
  audit: (action: string, account: LoginAccount, detail: Record<string, unknown>) => Promise<void>,
): Promise<void> {
  const outcome = await recordFailedAttempt(deps.db, account.id, now, lockoutPolicy);
  if (outcome.kind === 'locked') {
    await audit('auth.locked', account, { until: outcome.until.toISOString(), attempts: lockoutPolicy.maxAttempts });
    throw lockedError(outcome.until);
  }
  if (outcome.kind === 'already-locked') throw lockedError(null);
}
