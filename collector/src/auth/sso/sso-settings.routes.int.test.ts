import { eq } from 'drizzle-orm';
import { ssoSettingsResponseSchema, ssoSignInInfoSchema } from '@vigil/shared/console';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, ssoSettings } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { createTestUser, signInAs } from '../auth-test-kit.ts';
import { startTestProvider, type TestProvider } from './testing/oidc-test-provider.ts';
import { buildSsoTestApp, providerSettings, saveSettings, signInThroughProvider, testRedirectUri } from './testing/sso-test-app.ts';

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

describe('GET/PUT /api/sso/settings', () => {
  it('is off until an admin saves it, keeps the secret sealed and write-only, and audits the change', async () => {
    const t = await buildSsoTestApp(database, { provider });
    try {
      const before = await t.app.inject({ method: 'GET', url: '/api/auth/oidc' });
      expect(ssoSignInInfoSchema.parse(before.json())).toEqual({ enabled: false, providerName: null, passwordSignIn: 'everyone' });
      expect((await t.app.inject({ method: 'GET', url: '/auth/oidc/start' })).headers.location).toBe('/signin?sso_error=sso-not-configured');

      const saved = await saveSettings(t, providerSettings(provider, { passwordSignIn: 'admins' }));
      const body = ssoSettingsResponseSchema.parse(saved.json());
      expect(body).toMatchObject({
        enabled: true,
        managedByEnv: false,
        redirectUri: testRedirectUri,
        provider: { issuer: provider.issuer, clientSecretSet: true },
      });
      expect(saved.body).not.toContain(provider.clientSecret);
      const [row] = await database.db.select().from(ssoSettings);
      expect(row?.clientSecretSealed).toMatch(/^v1\./);
      expect(row?.clientSecretSealed).not.toContain(provider.clientSecret);

      // Saving again without a secret keeps the stored one.
      const again = await saveSettings(
        t,
        providerSettings(provider, {
          provider: { preset: 'generic', providerName: 'Renamed', issuer: provider.issuer, clientId: provider.clientId },
          passwordSignIn: 'admins',
        }),
      );
      expect(ssoSettingsResponseSchema.parse(again.json()).provider).toMatchObject({ providerName: 'Renamed', clientSecretSet: true });

      const info = ssoSignInInfoSchema.parse((await t.app.inject({ method: 'GET', url: '/api/auth/oidc' })).json());
      expect(info).toEqual({ enabled: true, providerName: 'Renamed', passwordSignIn: 'admins' });

      // The password form is for admins only now; break-glass admin sign-in still works.
      const password = 'correct horse battery staple';
      const teacher = await createTestUser(t.app, { role: 'teacher', password });
      const admin = await createTestUser(t.app, { role: 'admin', password });
      const teacherLogin = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: teacher.username, password } });
      expect(teacherLogin.statusCode).toBe(403);
      expect(teacherLogin.json()).toMatchObject({ error: { code: 'password-sign-in-disabled' } });
      expect(teacherLogin.cookies.some((cookie) => cookie.name === 'vigil_session' && cookie.value !== '')).toBe(false);
      expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: admin.username, password } })).statusCode).toBe(200);

      const audits = await database.db.select().from(auditLog).where(eq(auditLog.action, 'sso.update'));
      expect(audits.length).toBeGreaterThanOrEqual(2);
      expect(JSON.stringify(audits)).not.toContain(provider.clientSecret);
    } finally {
      await t.close();
    }
  });

  it('is for admins only, and refuses unknown rooms and a Google provider without its domain', async () => {
    const t = await buildSsoTestApp(database, { provider });
    try {
      for (const role of ['technician', 'dsl', 'teacher', 'viewer'] as const) {
        const other = await signInAs(t.app, { role });
        expect((await t.app.inject({ method: 'GET', url: '/api/sso/settings', headers: other.headers })).statusCode).toBe(403);
        expect((await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: other.headers, payload: providerSettings(provider) })).statusCode).toBe(
          403,
        );
      }
      const badRoom = await t.app.inject({
        method: 'PUT',
        url: '/api/sso/settings',
        headers: t.admin.headers,
        payload: providerSettings(provider, { mappings: [{ claimValue: 'g', role: 'teacher', roomIds: ['01NOSUCHROOM0000000000000'] }] }),
      });
      expect(badRoom.json()).toMatchObject({ error: { code: 'room-unknown' } });
      const google = providerSettings(provider, {
        provider: { preset: 'google', providerName: 'Google', issuer: 'https://accounts.google.com', clientId: 'x', clientSecret: 'y' },
      });
      expect((await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: t.admin.headers, payload: google })).json()).toMatchObject({
        error: { code: 'sso-domain-required' },
      });
      const common = providerSettings(provider, {
        provider: { preset: 'microsoft', providerName: 'Microsoft', issuer: 'https://login.microsoftonline.com/common/v2.0', clientId: 'x', clientSecret: 'y' },
      });
      expect((await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: t.admin.headers, payload: common })).json()).toMatchObject({
        error: { code: 'validation-failed' },
      });
    } finally {
      await t.close();
    }
  });

  it('with OIDC_* set, the provider comes from env: read-only in the console, secret never shown, sign-in works', async () => {
    const env = {
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_PROVIDER_NAME: 'School Login',
    };
    const t = await buildSsoTestApp(database, { provider, env });
    try {
      const got = await t.app.inject({ method: 'GET', url: '/api/sso/settings', headers: t.admin.headers });
      expect(ssoSettingsResponseSchema.parse(got.json())).toMatchObject({
        managedByEnv: true,
        enabled: true,
        provider: { issuer: provider.issuer, providerName: 'School Login', clientSecretSet: true },
      });
      expect(got.body).not.toContain(provider.clientSecret);
      const refused = await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: t.admin.headers, payload: providerSettings(provider) });
      expect(refused.json()).toMatchObject({ error: { code: 'sso-managed-by-env' } });
      const { provider: _ignored, ...policy } = providerSettings(provider, {
        jitEnabled: true,
        mappings: [{ claimValue: 'staff', role: 'viewer', roomIds: [] }],
      });
      expect((await t.app.inject({ method: 'PUT', url: '/api/sso/settings', headers: t.admin.headers, payload: policy })).statusCode).toBe(200);

      provider.accounts.set('env-user', { email: `env.${Date.now()}@school.example`, email_verified: true, groups: ['staff'] });
      const { callback } = await signInThroughProvider(t, { sub: 'env-user' });
      expect(callback.headers.location).toBe('/');
      expect(callback.cookies.some((cookie) => cookie.name === 'vigil_session')).toBe(true);
    } finally {
      await t.close();
    }
  });
});
