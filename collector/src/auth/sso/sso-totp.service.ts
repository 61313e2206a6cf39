import { appendAudit } from '../../audit/audit.repository.ts';
import { AppError } from '../../errors/app-error.ts';
import { lockoutPolicy, totpSealContext, type ClientMeta } from '../login.service.ts';
import type { SecretBox } from '../secret-box.ts';
import { acceptedTotpStep } from '../totp.ts';
import { recordFailedAttempt } from '../users.repository.ts';
import { findSsoAccountById, type SsoAccount } from './sso-accounts.repository.ts';
import { startSsoSession, SsoRefusal, type SsoLoginDeps, type SsoLoginOutcome } from './sso-login.service.ts';

export interface PendingSsoLogin {
  readonly userId: string;
  readonly issuer: string;
  readonly subject: string;
}

const lockedError = (until: Date | null) =>
  new AppError(
    'account-locked',
    423,
    'This account is locked after too many failed sign-ins; try again later',
    until === null ? undefined : { until: until.toISOString() },
  );

/**
 * The second step after the provider: Vigil's TOTP for a user the provider did not vouch
 * MFA for. Same rules as the password form: a wrong code counts towards the lockout
 * (3 in a row, 10 minutes), a used step cannot be replayed, everything is audited.
 */
export async function completeSsoTotp(
  deps: SsoLoginDeps & { readonly secretBox: SecretBox },
  pending: PendingSsoLogin,
  code: string,
  client: ClientMeta,
): Promise<SsoLoginOutcome> {
  const now = deps.now();
  const account = await findSsoAccountById(deps.db, pending.userId);
  const audit = (action: string, target: SsoAccount | undefined, detail: Record<string, unknown>) =>
    appendAudit(deps.db, {
      actorUserId: target?.id ?? null,
      actorLabel: (target?.username ?? `oidc:${pending.subject}`).slice(0, 64),
      action,
      targetType: 'user',
      targetId: target?.id ?? null,
      detail: { method: 'oidc', issuer: pending.issuer, ...detail },
      ip: client.ip,
    });
  // The account may have been unlinked, disabled or reset since the provider step.
  if (
    account === undefined ||
    account.oidcIssuer !== pending.issuer ||
    account.oidcSubject !== pending.subject ||
    account.totpSecretEncrypted === null ||
    account.totpEnabledAt === null
  ) {
    await audit('auth.login-failed', account, { reason: 'sso-state-invalid' });
    throw new SsoRefusal('sso-state-invalid', 401, 'Sign in with your school account again');
  }
  if (account.disabled) {
    await audit('auth.login-failed', account, { reason: 'sso-account-disabled' });
    throw new SsoRefusal('sso-account-disabled', 403, 'This Vigil account is disabled');
  }
  if (account.lockedUntil !== null && account.lockedUntil > now) {
    await audit('auth.login-failed', account, { reason: 'account-locked' });
    throw lockedError(account.lockedUntil);
  }
  const secret = await deps.secretBox.open(account.totpSecretEncrypted, totpSealContext(account.id));
  const step = acceptedTotpStep(secret, code, now, account.totpLastStep);
  if (step === undefined) {
    await audit('auth.login-failed', account, { reason: 'wrong-totp' });
    const outcome = await recordFailedAttempt(deps.db, account.id, now, lockoutPolicy);
    if (outcome.kind === 'locked') {
      await audit('auth.locked', account, { until: outcome.until.toISOString(), attempts: lockoutPolicy.maxAttempts });
      throw lockedError(outcome.until);
    }
    if (outcome.kind === 'already-locked') throw lockedError(null);
    throw new AppError('totp-invalid', 401, 'That code is wrong or was already used');
  }
  return startSsoSession(deps, account, { mfa: 'totp', totpStep: step }, client, audit);
}
