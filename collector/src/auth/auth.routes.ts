import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { appendAudit } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import { decodeBody, loginBodySchema, setupBodySchema, totpConfirmBodySchema, type MeResponse } from './auth.schemas.ts';
import { completeSetup } from './first-run.service.ts';
import { login } from './login.service.ts';
import { signedInUser, type AuthUser } from './request-user.ts';
import type { SecretBox } from './secret-box.ts';
import { assertPasswordSignInAllowed } from './sso/sso-password-policy.ts';
import type { SsoDeps } from './sso/sso-settings.service.ts';
import { clearSessionCookie, presentedSessionToken, setSessionCookie } from './session-cookie.ts';
import { deleteSession, findSession } from './session.repository.ts';
import { confirmTotpEnrolment, startTotpEnrolment } from './totp-enrolment.service.ts';
import { assignedRooms } from './users.repository.ts';

export interface AuthRoutesOptions {
  readonly db: Db;
  readonly secretBox: SecretBox;
  readonly now: () => Date;
  readonly publicUrl: string | undefined;
  /** Per-IP limit on sign-in and setup attempts. */
  readonly loginRateLimit: { readonly max: number; readonly timeWindowMs: number };
  /** School sign-in settings: may limit the password form to admins (sso/sso-password-policy.ts). */
  readonly sso?: SsoDeps;
}

async function meBody(
  db: Db,
  user: Pick<AuthUser, 'id' | 'username' | 'displayName' | 'role'>,
  csrfToken: string,
  totpEnrolmentRequired: boolean,
): Promise<MeResponse> {
  const rooms = await assignedRooms(db, user.id);
  return { user: { id: user.id, username: user.username, displayName: user.displayName, role: user.role, rooms }, csrfToken, totpEnrolmentRequired };
}

const client = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] });

// Nothing under /api/auth may be cached by a browser or proxy (tokens, CSRF values).
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store');

/** /api/auth/*: the routes themselves; who may call them is in access-rules.ts. */
export const authRoutes: FastifyPluginAsync<AuthRoutesOptions> = async (app, options) => {
  const { db, secretBox, now, publicUrl } = options;
  const rateLimit = { max: options.loginRateLimit.max, timeWindow: options.loginRateLimit.timeWindowMs };
  app.addHook('onSend', async (_request, reply) => {
    noStore(reply);
  });

  app.post('/login', { config: { rateLimit } }, async (request, reply) => {
    const body = decodeBody(loginBodySchema, request.body);
    // Signing in again replaces whatever session this browser had.
    const previous = presentedSessionToken(request);
    const result = await login({ db, secretBox, now, log: request.log }, body, client(request));
    if (options.sso !== undefined) await assertPasswordSignInAllowed(options.sso, result.account, result.session, request.ip);
    if (previous !== undefined) {
      const old = await findSession(db, previous);
      if (old !== undefined) await deleteSession(db, old.idHash);
    }
    setSessionCookie(request, reply, result.session.token, publicUrl);
    return meBody(db, result.account, result.session.csrfToken, result.totpEnrolmentRequired);
  });

  app.post('/logout', async (request, reply) => {
    const user = signedInUser(request);
    if (request.authSession !== null) await deleteSession(db, request.authSession.idHash);
    await appendAudit(db, { actorUserId: user.id, actorLabel: user.username, action: 'auth.logout', targetType: 'user', targetId: user.id, ip: request.ip });
    clearSessionCookie(request, reply, publicUrl);
    return reply.status(204).send();
  });

  app.get('/me', async (request) => {
    const user = signedInUser(request);
    const session = request.authSession;
    if (session === null) throw new AppError('unauthenticated', 401, 'Sign in first');
    return meBody(db, user, session.csrfToken, session.restricted);
  });

  app.post('/totp/enrol', async (request) => startTotpEnrolment({ db, secretBox, now }, signedInUser(request)));

  app.post('/totp/confirm', async (request, reply) => {
    const user = signedInUser(request);
    const session = request.authSession;
    if (session === null) throw new AppError('unauthenticated', 401, 'Sign in first');
    const { code } = decodeBody(totpConfirmBodySchema, request.body);
    const fresh = await confirmTotpEnrolment({ db, secretBox, now }, user, session, code, client(request));
    setSessionCookie(request, reply, fresh.token, publicUrl);
    return meBody(db, user, fresh.csrfToken, false);
  });

  app.post('/setup', { config: { rateLimit } }, async (request, reply) => {
    const body = decodeBody(setupBodySchema, request.body);
    const admin = await completeSetup(db, body, now(), request.ip);
    return reply.status(201).send({ user: { id: admin.id, username: admin.username, role: 'admin' } });
  });
};
