import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyPluginAsync } from 'fastify';
import type { CustomFetch } from 'openid-client';
import fp from 'fastify-plugin';
import { AppError } from '../errors/app-error.ts';
import { accessGate, RouteAccessRegistry } from './access-control.ts';
import type { Access } from './access-rules.ts';
import { authRoutes } from './auth.routes.ts';
import { secretBoxFor, secretKeyEnvVar, type SecretBox } from './secret-box.ts';
import { helmetOptionsFor } from './security-headers.ts';
import { OidcClient } from './sso/oidc-client.ts';
import { ssoRoutes } from './sso/sso.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every registered route and its access rule (auth/access-rules.ts). */
    readonly routeAccess: RouteAccessRegistry;
  }
}

export interface AuthPluginOptions {
  /** The built console: files served from here are public (they hold no data). */
  readonly consoleDir: string;
  /** The access table (plugins/access-table.ts): every route's rule, deny by default. */
  readonly accessRules: Readonly<Record<string, Access>>;
  /** The clock for sessions, lockouts and TOTP; tests move it instead of sleeping. */
  readonly now?: () => Date;
  /** Per-IP limit on POST /api/auth/login and /setup (default 20 a minute). */
  readonly loginRateLimit?: { readonly max: number; readonly timeWindowMs: number };
  /** Seals TOTP secrets; defaults to VIGIL_SECRET_KEY or DATA_DIR/secrets/totp.key. */
  readonly secretBox?: SecretBox;
  /** Tests only: sees the OpenID Connect client's requests to the provider (openid-client customFetch). */
  readonly oidcFetch?: CustomFetch;
}

export const defaultLoginRateLimit = { max: 20, timeWindowMs: 60_000 } as const;

/**
 * Console sign-in and the access gate for the WHOLE app, hence fastify-plugin: the
 * session/CSRF/role hook, the route registry (onRoute), security headers, cookies and
 * rate limiting apply to every route registered after it. That is why it is registered
 * before every other feature (hooks and onRoute do not reach routes added earlier).
 *
 * Decorates `app.routeAccess`, `request.user` and `request.authSession`
 * (request-user.ts); serves /api/auth/* (auth.routes.ts).
 */
const authPlugin: FastifyPluginAsync<AuthPluginOptions> = async (app, options) => {
  const db = app.database.db;
  const now = options.now ?? (() => new Date());
  const publicUrl = app.config.publicUrl;
  // Read here, once, and validated now: a bad key stops the collector at start-up.
  const secretBox = options.secretBox ?? secretBoxFor(app.config.dataDir, process.env[secretKeyEnvVar]);

  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, helmetOptionsFor(publicUrl));
  // Off by default; routes opt in with `config: { rateLimit }` (sign-in, setup, and any
  // other feature that wants it).
  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => new AppError('rate-limited', 429, `Too many attempts; try again in ${context.after}`),
  });

  const registry = new RouteAccessRegistry(options.consoleDir, options.accessRules);
  app.decorate('routeAccess', registry);
  app.decorateRequest('user', null);
  app.decorateRequest('authSession', null);
  app.addHook('onRoute', (route) => registry.record(route));
  app.addHook('onRequest', accessGate(registry, { db, now, publicUrl }));

  const sso = { db, secretBox, oidcEnv: app.config.oidc };
  await app.register(authRoutes, { prefix: '/api/auth', db, secretBox, now, publicUrl, loginRateLimit: options.loginRateLimit ?? defaultLoginRateLimit, sso });
  // School sign-in (OpenID Connect): /auth/oidc/* (browser navigations), /api/auth/oidc*, /api/sso/settings.
  const oidcClient = new OidcClient(options.oidcFetch === undefined ? {} : { fetch: options.oidcFetch });
  await app.register(ssoRoutes, {
    db,
    secretBox,
    now,
    publicUrl,
    oidcEnv: app.config.oidc,
    oidcClient,
    loginRateLimit: options.loginRateLimit ?? defaultLoginRateLimit,
  });
};

export default fp(authPlugin, { name: 'vigil-auth', fastify: '5.x', dependencies: ['vigil-context', 'vigil-errors'] });
