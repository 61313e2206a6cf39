import { appendAudit } from '../../audit/audit.repository.ts';
import type { UserRole } from '../../db/schema/index.ts';
import { AppError } from '../../errors/app-error.ts';
import { deleteSession } from '../session.repository.ts';
import { ssoSignInInfo, type SsoDeps } from './sso-settings.service.ts';

/**
 * "Password form for admins only": with school sign-in on, everyone but admins must use
 * the provider. Admins always keep the password (break-glass: the provider may be down
 * or misconfigured). Checked AFTER the password (and TOTP) were verified, so the answer
 * tells nothing to someone who does not know the password; the just-made session is
 * dropped and the refusal audited `auth.login-refused`.
 */
export async function assertPasswordSignInAllowed(
  deps: SsoDeps,
  account: { id: string; username: string; role: UserRole },
  session: { idHash: string },
  ip: string,
): Promise<void> {
  if (account.role === 'admin') return;
  const info = await ssoSignInInfo(deps);
  if (!info.enabled || info.passwordSignIn !== 'admins') return;
  await deleteSession(deps.db, session.idHash);
  await appendAudit(deps.db, {
    actorUserId: account.id,
    actorLabel: account.username,
    action: 'auth.login-refused',
    targetType: 'user',
    targetId: account.id,
    detail: { reason: 'password-sign-in-admins-only' },
    ip,
  });
  throw new AppError('password-sign-in-disabled', 403, `Sign in with ${info.providerName ?? 'your school account'} instead`);
}
