import { eq } from 'drizzle-orm';
import { generateKeyPairSync } from 'node:crypto';
import type { CustomFetch } from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { createTestUser } from '../auth-test-kit.ts';
import { jwtClaims, signJwt, startTestProvider, type TestProvider } from './testing/oidc-test-provider.ts';
import { buildSsoTestApp, providerSettings, saveSettings, signInThroughProvider, ssoErrorOf, testRedirectUri } from './testing/sso-test-app.ts';

// The ID token checks are openid-client's; these tests prove they are switched on. A
// man in the middle of the token response swaps the real ID token for one signed with
// the provider's OWN key (so only the claim under test is wrong).

let database: TestDatabase;
let provider: TestProvider;
beforeAll(async () => {
  database = await createTestDatabase();
  provider = await startTestProvider({ redirectUris: [testRedirectUri] });
});
afterAll(async () => {
  await provider.close();
  await database.drop();
});

/** Forwards to the provider, rewriting the token response's ID token with `change`. */
function tamperingFetch(
  change: (claims: Record<string, unknown>) => Record<string, unknown>,
  key: TestProvider['signingKey'] = provider.signingKey,
): CustomFetch {
  return async (url, options) => {
    const response = await fetch(url, options);
    if (!url.endsWith('/token') || !response.ok) return response;
    const body = (await response.json()) as Record<string, unknown>;
    const forged = signJwt(key, change(jwtClaims(String(body['id_token']))));
    return new Response(JSON.stringify({ ...body, id_token: forged }), { status: response.status, headers: { 'content-type': 'application/json' } });
  };
}

async function attempt(change: (claims: Record<string, unknown>) => Record<string, unknown>, key?: TestProvider['signingKey']) {
  const t = await buildSsoTestApp(database, { provider, oidcFetch: tamperingFetch(change, key) });
  try {
    await saveSettings(t, providerSettings(provider));
    const user = await createTestUser(t.app, { role: 'teacher' });
    const email = `${user.username}@school.example`;
    await database.db.update(users).set({ email }).where(eq(users.id, user.id));
    const sub = `sub-${user.id}`;
    provider.accounts.set(sub, { email, email_verified: true });
    const { callback } = await signInThroughProvider(t, { sub });
    return { callback, user };
  } finally {
    await t.close();
  }
}

describe('the ID token is validated by openid-client', () => {
  it('accepts the untouched token re-signed with the provider key (the tampering itself is harmless)', async () => {
    const { callback } = await attempt((claims) => claims);
    expect(callback.headers.location).toBe('/');
    expect(callback.cookies.some((cookie) => cookie.name === 'vigil_session')).toBe(true);
  });

  it('refuses an ID token from another issuer', async () => {
    const { callback } = await attempt((claims) => ({ ...claims, iss: 'https://evil.example' }));
    expect(ssoErrorOf(callback)).toBe('sso-token-invalid');
    expect(callback.cookies.some((cookie) => cookie.name === 'vigil_session' && cookie.value !== '')).toBe(false);
  });

  it('refuses an ID token issued to another client (audience)', async () => {
    const { callback } = await attempt((claims) => ({ ...claims, aud: 'some-other-client' }));
    expect(ssoErrorOf(callback)).toBe('sso-token-invalid');
  });

  it("refuses an ID token whose nonce is not this sign-in's", async () => {
    const { callback } = await attempt((claims) => ({ ...claims, nonce: 'replayed-nonce' }));
    expect(ssoErrorOf(callback)).toBe('sso-token-invalid');
  });

  it('refuses an ID token signed with a key the provider does not publish', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const { callback } = await attempt((claims) => claims, { privateKey, kid: provider.signingKey.kid });
    expect(ssoErrorOf(callback)).toBe('sso-token-invalid');
  });

  it('refuses an expired ID token and audits every refusal', async () => {
    const { callback } = await attempt((claims) => ({ ...claims, exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 1200 }));
    expect(ssoErrorOf(callback)).toBe('sso-token-invalid');
    const refusals = (await database.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login-failed'))).filter(
      (row) => (row.detail as Record<string, unknown> | null)?.['reason'] === 'sso-token-invalid',
    );
    expect(refusals).toHaveLength(5);
  });
});
