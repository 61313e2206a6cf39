import { ssoErrorCodes, ssoTotpRequestSchema, type MeResponse, type SsoErrorCode } from '@vigil/shared/console';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../../audit/audit.repository.ts';
import type { OidcEnvConfig } from '../../config/oidc-env.ts';
import type { Db } from '../../db/database.ts';
import { AppError } from '../../errors/app-error.ts';
import { decodeBody } from '../auth.schemas.ts';
import type { SecretBox } from '../secret-box.ts';
import { presentedSessionToken, setSessionCookie } from '../session-cookie.ts';
import { deleteSession, findSession, type NewSession } from '../session.repository.ts';
import { assignedRooms } from '../users.repository.ts';
import type { OidcClient } from './oidc-client.ts';
import { ssoAdminRoutes } from './sso-admin.routes.ts';
import { clearSsoCookie, pendingPayloadSchema, readSsoCookie, setSsoCookie, transactionPayloadSchema } from './sso-cookies.ts';
import { identityFromClaims } from './sso-identity.ts';
import { ssoLogin, SsoRefusal, type SsoLoginOutcome } from './sso-login.service.ts';
import { activeSso, ssoSignInInfo, type SsoDeps } from './sso-settings.service.ts';
import { callbackPath, redirectUriFor, safeNext } from './sso-urls.ts';
import { completeSsoTotp } from './sso-totp.service.ts';

export interface SsoRoutesOptions {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly now: () => Date;
  readonly publicUrl: string | undefined;
  readonly oidcEnv: OidcEnvConfig | undefined;
  readonly oidcClient: OidcClient;
  readonly loginRateLimit: { readonly max: number; readonly timeWindowMs: number };
}

const isSsoCode = (code: string): code is SsoErrorCode => (ssoErrorCodes as readonly string[]).includes(code);

const signInWith = (query: Record<string, string>) => `/signin?${new URLSearchParams(query).toString()}`;

/**
 * School sign-in. Browser navigations (not /api): `GET /auth/oidc/start` → 302 to the
 * provider; `GET /auth/oidc/callback` → the session cookie and 302 into the console, or
 * 302 to `/signin?sso_error=<code>`. API: `GET /api/auth/oidc` (what the sign-in page
 * offers), `POST /api/auth/oidc/totp` (Vigil's TOTP after the provider), and the admin
 * settings (sso-admin.routes.ts). Access lines: sso.access.ts.
 */
export const ssoRoutes: FastifyPluginAsync<SsoRoutesOptions> = async (app, options) => {
  const { db, secretBox, now, publicUrl, oidcClient } = options;
  const deps: SsoDeps = { db, secretBox, oidcEnv: options.oidcEnv };
  const cookies = { secretBox, publicUrl, now };
  const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });
  const rateLimit = { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.timeWindowMs };
  // Tokens, CSRF values and sign-in state: never cached.
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  /** A refusal that happened before an account was known (the service audits its own). */
  const auditRefusal = (request: FastifyRequest, code: string, detail: Record<string, unknown>) =>
    appendAudit(db, {
      actorUserId: null,
      actorLabel: 'oidc',
      action: 'auth.login-failed',
      targetType: 'user',
      targetId: null,
      detail: { method: 'oidc', ...detail, reason: code },
      ip: request.ip,
    });

  const signIn = async (request: FastifyRequest, reply: FastifyReply, session: NewSession) => {
    // Signing in again replaces whatever session this browser had.
    const previous = presentedSessionToken(request);
    if (previous !== undefined) {
      const old = await findSession(db, previous);
      if (old !== undefined) await deleteSession(db, old.idHash);
    }
    setSessionCookie(request, reply, session.token, publicUrl);
  };

  /**
   * The provider to use, or undefined when off. A stored client secret this collector
   * cannot open (another VIGIL_SECRET_KEY) is the operator's problem: logged, and shown
   * to the person as "unavailable" rather than a bare 500.
   */
  const currentSso = async (request: FastifyRequest) => {
    try {
      return await activeSso(deps);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'secret-unreadable')) throw error;
      request.log.error("the stored OIDC client secret cannot be decrypted with this collector's key (VIGIL_SECRET_KEY); enter it again in the console");
      throw new AppError('sso-unavailable', 503, 'School sign-in is unavailable');
    }
  };

  // Not rate-limited: behind a proxy every teacher shares one IP at 8:30, and a start costs
  // only a cached discovery. The TOTP step, where guessing happens, is limited.
  app.get('/auth/oidc/start', async (request, reply) => {
    const sso = await currentSso(request).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'sso-unavailable') return null;
      throw error;
    });
    if (sso === null) return reply.redirect(signInWith({ sso_error: 'sso-unavailable' }));
    if (sso === undefined) return reply.redirect(signInWith({ sso_error: 'sso-not-configured' }));
    const next = safeNext((request.query as Record<string, unknown>)['next']);
    try {
      const { url, transaction } = await oidcClient.start(sso, redirectUriFor(request, publicUrl), next, now());
      await setSsoCookie(cookies, 'transaction', request, reply, transaction);
      return await reply.redirect(url.href);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      request.log.warn({ code: error.code, details: error.details }, 'school sign-in could not start');
      return reply.redirect(signInWith({ sso_error: error.code }));
    }
  });

  app.get(callbackPath, async (request, reply) => {
    // Single use, whatever happens next.
    const transaction = await readSsoCookie(cookies, 'transaction', request, transactionPayloadSchema);
    clearSsoCookie(cookies, 'transaction', request, reply);
    const query = request.query as Record<string, unknown>;
    try {
      const sso = await currentSso(request);
      if (sso === undefined) throw new AppError('sso-not-configured', 404, 'School sign-in is not set up');
      if (transaction === undefined || typeof query['state'] !== 'string' || query['state'] !== transaction.state) {
        throw new AppError('sso-state-invalid', 401, 'This sign-in did not start here, or took too long');
      }
      const callbackUrl = new URL(transaction.redirectUri);
      callbackUrl.search = new URL(request.url, 'http://callback.invalid').search;
      const claims = await oidcClient.complete(sso, callbackUrl, { ...transaction, next: transaction.next }, now());
      const identity = identityFromClaims(claims, sso);
      if (!identity.ok)
        throw new AppError(identity.code, 403, "Your account is not from the school's domain", {
          why: identity.reason,
          email: typeof claims['email'] === 'string' ? claims['email'].slice(0, 320) : null,
        });
      const outcome = await ssoLogin({ db, now }, sso.policy, identity.identity, client(request));
      if (outcome.kind === 'totp-needed') {
        await setSsoCookie(cookies, 'pending', request, reply, {
          userId: outcome.account.id,
          issuer: identity.identity.issuer,
          subject: identity.identity.subject,
        });
        return await reply.redirect(signInWith({ sso: 'totp', ...(transaction.next === undefined ? {} : { next: transaction.next }) }));
      }
      await signIn(request, reply, outcome.session);
      return await reply.redirect(transaction.next ?? '/');
    } catch (error) {
      if (!(error instanceof AppError) || !isSsoCode(error.code)) throw error;
      if (!(error instanceof SsoRefusal))
        await auditRefusal(request, error.code, {
          ...error.details,
          ...(typeof query['error'] === 'string' ? { providerError: query['error'].slice(0, 100) } : {}),
        });
      request.log.warn({ code: error.code, details: error.details }, 'school sign-in refused');
      return reply.redirect(signInWith({ sso_error: error.code }));
    }
  });

  app.get('/api/auth/oidc', async () => ssoSignInInfo(deps));

  app.post('/api/auth/oidc/totp', { config: { rateLimit } }, async (request, reply) => {
    const { code } = decodeBody(ssoTotpRequestSchema, request.body);
    const pending = await readSsoCookie(cookies, 'pending', request, pendingPayloadSchema);
    if (pending === undefined) throw new AppError('sso-state-invalid', 401, 'Sign in with your school account again');
    const outcome: SsoLoginOutcome = await completeSsoTotp({ db, now, secretBox }, pending, code, client(request));
    if (outcome.kind !== 'signed-in') throw new Error('TOTP step asked for TOTP again');
    clearSsoCookie(cookies, 'pending', request, reply);
    await signIn(request, reply, outcome.session);
    const user = outcome.account;
    const me: MeResponse = {
      user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, rooms: await assignedRooms(db, user.id) },
      csrfToken: outcome.session.csrfToken,
      totpEnrolmentRequired: outcome.totpEnrolmentRequired,
    };
    return me;
  });

  await app.register(ssoAdminRoutes, { deps, now, publicUrl, oidcClient });
};
