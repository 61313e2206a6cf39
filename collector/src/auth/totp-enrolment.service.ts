import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { TotpEnrolResponse } from './auth.schemas.ts';
import { totpSealContext } from './login.service.ts';
import type { AuthSession, AuthUser } from './request-user.ts';
import type { SecretBox } from './secret-box.ts';
import { createSession, deleteSession, type NewSession } from './session.repository.ts';
import { acceptedTotpStep, newTotpSecret } from './totp.ts';
import { enableTotp, findAccountById, storePendingTotp } from './users.repository.ts';

export interface TotpEnrolmentDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly now: () => Date;
}

const alreadyEnrolled = () => new AppError('totp-already-enrolled', 409, 'Two-factor sign-in is already set up; ask an admin to reset it');

/**
 * Step 1: a new secret for a signed-in user without TOTP. It is stored sealed and stays
 * inactive until confirmed; asking again replaces it (a lost QR code is no dead end).
 */
export async function startTotpEnrolment(deps: TotpEnrolmentDeps, user: AuthUser): Promise<TotpEnrolResponse> {
  if (user.totpEnrolled) throw alreadyEnrolled();
  const created = newTotpSecret(user.username);
  const sealed = await deps.secretBox.seal(created.secret, totpSealContext(user.id));
  if (!(await storePendingTotp(deps.db, user.id, sealed, deps.now()))) throw alreadyEnrolled();
  return created;
}

/**
 * Step 2: the first code from the app proves it holds the secret. TOTP becomes required
 * for this user from now on, and the session is replaced by a fresh, unrestricted one
 * (new id and CSRF token: a privilege change never keeps the old session id).
 */
export async function confirmTotpEnrolment(
  deps: TotpEnrolmentDeps,
  user: AuthUser,
  session: AuthSession,
  code: string,
  client: { ip: string; userAgent: string | undefined },
): Promise<NewSession> {
  const account = await findAccountById(deps.db, user.id);
  if (account === undefined) throw new AppError('unauthenticated', 401, 'Sign in first');
  if (account.totpEnabledAt !== null) throw alreadyEnrolled();
  if (account.totpSecretEncrypted === null) throw new AppError('totp-not-started', 409, 'Start the set-up first (POST /api/auth/totp/enrol)');
  const now = deps.now();
  const secret = await deps.secretBox.open(account.totpSecretEncrypted, totpSealContext(user.id));
  const step = acceptedTotpStep(secret, code, now, null);
  if (step === undefined) throw new AppError('totp-invalid', 400, 'That code is wrong; check the time on your phone and try the next one');
  return deps.db.transaction(async (tx) => {
    if (!(await enableTotp(tx, user.id, now, step))) throw alreadyEnrolled();
    await deleteSession(tx, session.idHash);
    const fresh = await createSession(tx, { userId: user.id, now, mfaVerified: true, ip: client.ip, userAgent: client.userAgent });
    await appendAudit(tx, {
      actorUserId: user.id,
      actorLabel: user.username,
      action: 'auth.totp-enrolled',
      targetType: 'user',
      targetId: user.id,
      ip: client.ip,
    });
    return fresh;
  });
}
