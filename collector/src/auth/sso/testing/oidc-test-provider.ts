// A REAL OpenID provider for tests (the `oidc-provider` package), on loopback: discovery,
// JWKS, authorization endpoint with PKCE, token endpoint, signed ID tokens. Its login and
// consent screens are replaced by an automatic login as `provider.nextLogin` (the test
// decides who signs in, with which `amr`), so a flow needs only HTTP and a cookie jar.
import { createSign, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccount {
  readonly email?: string;
  readonly email_verified?: boolean;
  readonly name?: string;
  readonly hd?: string;
  readonly groups?: readonly string[];
}

export interface TestProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Accounts by subject (`sub`); add or change them between tests. */
  readonly accounts: Map<string, TestAccount>;
  /** Who the automatic login signs in next, and the `amr`/`acr` it reports. */
  nextLogin: { sub: string; amr?: string[]; acr?: string };
  /** The provider's signing key, to forge otherwise-valid tokens in tests. */
  readonly signingKey: { readonly privateKey: KeyObject; readonly kid: string };
  close(): Promise<void>;
}

async function listening(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

export async function startTestProvider(options: { redirectUris: readonly string[]; clientId?: string; clientSecret?: string }): Promise<TestProvider> {
  const server = createServer();
  const port = await listening(server);
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = options.clientId ?? 'vigil-test-client';
  const clientSecret = options.clientSecret ?? `secret-${randomUUID()}`;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-${randomUUID().slice(0, 8)}`;
  const accounts = new Map<string, TestAccount>();

  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [...options.redirectUris],
        response_types: ['code'],
        grant_types: ['authorization_code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' }] },
    cookies: { keys: [randomUUID()] },
    claims: { openid: ['sub', 'hd', 'groups', 'amr'], acr: null, email: ['email', 'email_verified'], profile: ['name'] },
    // Scope claims in the ID token itself (as Google and Entra do), not only at userinfo.
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub);
      return account === undefined
        ? undefined
        : { accountId: sub, claims: () => ({ sub, ...account, groups: account.groups === undefined ? undefined : [...account.groups] }) };
    },
  };
  const provider = new Provider(issuer, configuration);
  const state: { nextLogin: TestProvider['nextLogin'] } = { nextLogin: { sub: 'nobody' } };

  // The automatic login: every interaction (login, consent) completes at once as nextLogin.
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/interaction/')) return next();
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = state.nextLogin.sub;
    const grant = new provider.Grant({ accountId, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope']));
    const grantId = await grant.save();
    const login = {
      accountId,
      ...(state.nextLogin.amr === undefined ? {} : { amr: state.nextLogin.amr }),
      ...(state.nextLogin.acr === undefined ? {} : { acr: state.nextLogin.acr }),
    };
    ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, { login, consent: { grantId } }, { mergeWithLastSubmission: false }));
  });
  server.on('request', provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    accounts,
    get nextLogin() {
      return state.nextLogin;
    },
    set nextLogin(value) {
      state.nextLogin = value;
    },
    signingKey: { privateKey, kid },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** An RS256 JWT signed with `key`: a token the provider's own key vouches for, with claims of our choosing. */
export function signJwt(key: TestProvider['signingKey'], claims: Record<string, unknown>): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid: key.kid })}.${part(claims)}`;
  return `${input}.${createSign('RSA-SHA256').update(input).sign(key.privateKey).toString('base64url')}`;
}

/** The payload of a JWT (no checks: for tests that take a real token apart). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A tiny browser: follows redirects with a cookie jar until one leads to `stopAt`. */
export async function followToCallback(startUrl: string, stopAt: string, jar: Map<string, string> = new Map()): Promise<URL> {
  let url = new URL(startUrl);
  for (let hop = 0; hop < 15; hop += 1) {
    if (url.href.startsWith(stopAt)) return url;
    const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
    const response = await fetch(url, { redirect: 'manual', headers: cookie === '' ? {} : { cookie } });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    const location = response.headers.get('location');
    if (location === null) throw new Error(`the provider stopped at ${url.href} with ${response.status}: ${(await response.text()).slice(0, 300)}`);
    await response.body?.cancel();
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}
