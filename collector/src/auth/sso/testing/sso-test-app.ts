// For school sign-in tests: the auth plugin on a real database, a real OpenID provider
// on loopback, and helpers that walk a browser's round trip with app.inject + fetch.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UpdateSsoSettingsRequest } from '@vigil/shared/console';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import type { CustomFetch } from 'openid-client';
import { loadConfig } from '../../../config/config.ts';
import errorHandlerPlugin from '../../../errors/error-handler.plugin.ts';
import contextPlugin from '../../../plugins/context.plugin.ts';
import { testLogger, type TestDatabase } from '../../../testing/test-database.ts';
import authPlugin from '../../auth.plugin.ts';
import { accessRules } from '../../../plugins/access-table.ts';
import { signInAs, type SignedIn } from '../../auth-test-kit.ts';
import { followToCallback, startTestProvider, type TestProvider } from './oidc-test-provider.ts';

/** What the collector calls itself (PUBLIC_URL): the redirect URI registered at the provider. */
export const testPublicUrl = 'http://localhost:8080';
export const testRedirectUri = `${testPublicUrl}/auth/oidc/callback`;

export interface SsoTestApp {
  readonly app: FastifyInstance;
  readonly provider: TestProvider;
  readonly admin: SignedIn;
  /** Holds the collector's secret key file (secret-box.ts): seal test TOTP seeds with it. */
  readonly dataDir: string;
  close(): Promise<void>;
}

export async function buildSsoTestApp(
  database: TestDatabase,
  options: { env?: Record<string, string>; oidcFetch?: CustomFetch; provider?: TestProvider } = {},
): Promise<SsoTestApp> {
  const provider = options.provider ?? (await startTestProvider({ redirectUris: [testRedirectUri] }));
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-sso-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, PUBLIC_URL: testPublicUrl, ...options.env });
  if (!loaded.ok) throw new Error(loaded.message);
  const loggerInstance: FastifyBaseLogger = testLogger();
  const app = Fastify({ loggerInstance });
  await app.register(contextPlugin, { config: loaded.config, database: database.database });
  await app.register(errorHandlerPlugin);
  await app.register(authPlugin, {
    consoleDir: join(dataDir, 'no-console'),
    accessRules,
    ...(options.oidcFetch === undefined ? {} : { oidcFetch: options.oidcFetch }),
  });
  await app.ready();
  const admin = await signInAs(app, { role: 'admin' });
  return {
    app,
    provider,
    admin,
    dataDir,
    close: async () => {
      await app.close();
      if (options.provider === undefined) await provider.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Settings for the test provider; override what the test is about. */
export function providerSettings(provider: TestProvider, overrides: Partial<UpdateSsoSettingsRequest> = {}): UpdateSsoSettingsRequest {
  return {
    provider: { preset: 'generic', providerName: 'Test IdP', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret },
    enabled: true,
    hostedDomain: null,
    roleSource: 'users',
    groupsClaim: 'groups',
    mappings: [],
    jitEnabled: false,
    trustIdpMfa: false,
    mfaAcrValue: null,
    passwordSignIn: 'everyone',
    ...overrides,
  };
}

export async function saveSettings(t: SsoTestApp, settings: UpdateSsoSettingsRequest): Promise<LightMyRequestResponse> {
  const response = await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: t.admin.headers, payload: settings });
  if (response.statusCode !== 200) throw new Error(`PUT /api/sso/settings: ${response.statusCode} ${response.body}`);
  return response;
}

export function cookieHeader(response: LightMyRequestResponse, extra: readonly string[] = []): string {
  return [...response.cookies.filter((cookie) => cookie.value !== '').map((cookie) => `${cookie.name}=${cookie.value}`), ...extra].join('; ');
}

export interface FlowResult {
  readonly start: LightMyRequestResponse;
  /** The provider's redirect back, as the browser would follow it. */
  readonly callbackUrl: URL;
  readonly callback: LightMyRequestResponse;
}

/** The whole round trip: start → the provider (automatic login as `sub`) → callback. */
export async function signInThroughProvider(t: SsoTestApp, login: TestProvider['nextLogin'], options: { next?: string } = {}): Promise<FlowResult> {
  t.provider.nextLogin = login;
  const start = await t.app.inject({ method: 'GET', url: `/auth/oidc/start${options.next === undefined ? '' : `?next=${encodeURIComponent(options.next)}`}` });
  if (start.statusCode !== 302) throw new Error(`start answered ${start.statusCode}: ${start.body}`);
  const location = String(start.headers.location);
  const callbackUrl = await followToCallback(location, testRedirectUri);
  const callback = await t.app.inject({ method: 'GET', url: `${callbackUrl.pathname}${callbackUrl.search}`, headers: { cookie: cookieHeader(start) } });
  return { start, callbackUrl, callback };
}

/** The `sso_error` a refused callback sends the browser back to /signin with. */
export function ssoErrorOf(response: LightMyRequestResponse): string | null {
  const location = String(response.headers.location ?? '');
  return location.startsWith('/signin') ? new URL(location, testPublicUrl).searchParams.get('sso_error') : null;
}
