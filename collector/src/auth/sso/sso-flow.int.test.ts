import { and, eq } from 'drizzle-orm';
import { meResponseSchema } from '@vigil/shared/console';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, rooms, sites, userRooms, users } from '../../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { createTestUser } from '../auth-test-kit.ts';
import { totpSealContext } from '../login.service.ts';
import { secretBoxFor } from '../secret-box.ts';
import { totpCode } from '../totp.ts';
import { startTestProvider, type TestProvider } from './testing/oidc-test-provider.ts';
import {
  buildSsoTestApp,
  cookieHeader,
  providerSettings,
  saveSettings,
  signInThroughProvider,
  ssoErrorOf,
  testRedirectUri,
  type SsoTestApp,
} from './testing/sso-test-app.ts';

let database: TestDatabase;
let provider: TestProvider;
let t: SsoTestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  provider = await startTestProvider({ redirectUris: [testRedirectUri] });
});
afterAll(async () => {
  await provider.close();
  await database.drop();
});
beforeEach(async () => {
  t = await buildSsoTestApp(database, { provider });
  provider.accounts.clear();
});
afterEach(() => t.close());

let serial = 0;
/** A Vigil account with an e-mail address, and the provider's account for the same person. */
async function person(role: 'teacher' | 'technician' | 'dsl' | 'admin' | 'viewer', claims: { email_verified?: boolean; groups?: string[]; hd?: string } = {}) {
  serial += 1;
  const sub = `sub-${serial}-${Date.now()}`;
  const email = `person${serial}.${Date.now()}@school.example`;
  const user = await createTestUser(t.app, { role });
  // Stored in mixed case: the match must ignore case.
  await database.db.update(users).set({ email: email.toUpperCase() }).where(eq(users.id, user.id));
  provider.accounts.set(sub, { email, email_verified: claims.email_verified ?? true, name: 'Pat Example', ...claims });
  return { user, sub, email };
}

async function auditFor(action: string, predicate: (detail: Record<string, unknown>) => boolean) {
  const rows = await database.db.select().from(auditLog).where(eq(auditLog.action, action));
  return rows.filter((row) => row.detail !== null && predicate(row.detail as Record<string, unknown>));
}

async function me(cookie: string) {
  const response = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });
  expect(response.statusCode).toBe(200);
  return meResponseSchema.parse(response.json());
}

describe('school sign-in (OpenID Connect) against a real provider', () => {
  it('signs a known, verified e-mail in with the same session cookie as the password login', async () => {
    await saveSettings(t, providerSettings(provider));
    const { user, sub } = await person('teacher');
    const { start, callback } = await signInThroughProvider(t, { sub }, { next: '/live' });

    // The start set only the sealed, Lax transaction cookie, and sent PKCE, state and nonce.
    const authUrl = new URL(String(start.headers.location));
    expect(authUrl.origin).toBe(provider.issuer);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('state')).toBeTruthy();
    expect(authUrl.searchParams.get('nonce')).toBeTruthy();
    expect(start.cookies).toMatchObject([{ name: 'vigil_sso', httpOnly: true, sameSite: 'Lax', path: '/' }]);

    expect(callback.statusCode).toBe(302);
    expect(callback.headers.location).toBe('/live');
    const session = callback.cookies.find((cookie) => cookie.name === 'vigil_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const body = await me(`vigil_session=${session?.value}`);
    expect(body.user).toMatchObject({ id: user.id, role: 'teacher' });
    expect(body.totpEnrolmentRequired).toBe(false);

    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ oidcIssuer: provider.issuer, oidcSubject: sub });
    expect(await auditFor('auth.login', (detail) => detail['method'] === 'oidc' && detail['subject'] === sub)).toHaveLength(1);
  });

  it('refuses and audits an e-mail the provider did not verify', async () => {
    await saveSettings(t, providerSettings(provider));
    const { sub, user } = await person('teacher', { email_verified: false });
    const { callback } = await signInThroughProvider(t, { sub });
    expect(ssoErrorOf(callback)).toBe('sso-email-unverified');
    expect(callback.cookies.find((cookie) => cookie.name === 'vigil_session')).toBeUndefined();
    expect(await auditFor('auth.login-failed', (detail) => detail['reason'] === 'sso-email-unverified' && detail['subject'] === sub)).toHaveLength(1);
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row?.oidcSubject).toBeNull();
  });

  it('refuses and audits an unknown e-mail while just-in-time accounts are off', async () => {
    await saveSettings(t, providerSettings(provider, { mappings: [{ claimValue: 'staff', role: 'teacher', roomIds: [] }] }));
    provider.accounts.set('stranger', { email: 'stranger@school.example', email_verified: true, groups: ['staff'] });
    const { callback } = await signInThroughProvider(t, { sub: 'stranger' });
    expect(ssoErrorOf(callback)).toBe('sso-account-unknown');
    expect(
      await auditFor('auth.login-failed', (detail) => detail['reason'] === 'sso-account-unknown' && detail['email'] === 'stranger@school.example'),
    ).toHaveLength(1);
    expect(await database.db.select().from(users).where(eq(users.email, 'stranger@school.example'))).toEqual([]);
  });

  it('creates an account just in time with the mapped role and rooms when the admin allowed it', async () => {
    const [site] = await database.db
      .insert(sites)
      .values({ name: `JIT ${Date.now()}` })
      .returning();
    const [room] = await database.db
      .insert(rooms)
      .values({ siteId: site?.id ?? '', name: 'Lab 1' })
      .returning();
    await saveSettings(
      t,
      providerSettings(provider, { jitEnabled: true, mappings: [{ claimValue: 'year7-teachers', role: 'teacher', roomIds: [room?.id ?? ''] }] }),
    );
    const email = `new.${Date.now()}@school.example`;
    provider.accounts.set('newcomer', { email, email_verified: true, name: 'New Teacher', groups: ['year7-teachers', 'everyone'] });
    const { callback } = await signInThroughProvider(t, { sub: 'newcomer' });
    expect(callback.headers.location).toBe('/');
    const body = await me(cookieHeader(callback));
    expect(body.user).toMatchObject({ username: email, displayName: 'New Teacher', role: 'teacher', rooms: [{ id: room?.id, name: 'Lab 1' }] });
    const [row] = await database.db.select().from(users).where(eq(users.id, body.user.id));
    expect(row).toMatchObject({ passwordHash: null, email, oidcSubject: 'newcomer' });
    expect(await auditFor('user.create', (detail) => detail['via'] === 'sso-jit' && detail['subject'] === 'newcomer')).toHaveLength(1);

    // No mapped group: no account, even with JIT on.
    provider.accounts.set('outsider', { email: `out.${Date.now()}@school.example`, email_verified: true, groups: ['pupils'] });
    expect(ssoErrorOf((await signInThroughProvider(t, { sub: 'outsider' })).callback)).toBe('sso-no-role');
  });

  it("takes the role from a mapped group, and counts the provider's MFA only when trusted and asserted", async () => {
    await saveSettings(
      t,
      providerSettings(provider, { roleSource: 'claims', trustIdpMfa: true, mappings: [{ claimValue: 'vigil-it', role: 'technician', roomIds: [] }] }),
    );
    const { user, sub } = await person('viewer', { groups: ['vigil-it'] });

    const withMfa = await signInThroughProvider(t, { sub, amr: ['pwd', 'mfa'] });
    const full = await me(cookieHeader(withMfa.callback));
    expect(full.user).toMatchObject({ id: user.id, role: 'technician' });
    expect(full.totpEnrolmentRequired).toBe(false);
    expect(await auditFor('auth.login', (detail) => detail['subject'] === sub && detail['mfa'] === 'idp')).toHaveLength(1);

    // Without `mfa` in amr, a technician who has not enrolled TOTP gets the enrolment-only session.
    const withoutMfa = await signInThroughProvider(t, { sub, amr: ['pwd'] });
    expect((await me(cookieHeader(withoutMfa.callback))).totpEnrolmentRequired).toBe(true);
  });

  it("asks an enrolled technician for Vigil's TOTP after the provider when its MFA is not trusted", async () => {
    await saveSettings(t, providerSettings(provider));
    const { user, sub } = await person('technician');
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const sealed = await secretBoxFor(t.dataDir, undefined).seal(secret, totpSealContext(user.id));
    await database.db.update(users).set({ totpSecretEncrypted: sealed, totpEnabledAt: new Date() }).where(eq(users.id, user.id));

    const { callback } = await signInThroughProvider(t, { sub, amr: ['mfa'] }, { next: '/triage' });
    expect(callback.headers.location).toBe('/signin?sso=totp&next=%2Ftriage');
    expect(callback.cookies.find((cookie) => cookie.name === 'vigil_session')).toBeUndefined();
    const pending = cookieHeader(callback);
    expect(pending).toMatch(/^vigil_sso_totp=/);

    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/oidc/totp', headers: { cookie: pending }, payload: { code: '000000' } });
    expect(wrong.json()).toMatchObject({ error: { code: 'totp-invalid' } });
    const right = await t.app.inject({
      method: 'POST',
      url: '/api/auth/oidc/totp',
      headers: { cookie: pending },
      payload: { code: totpCode(secret, new Date()) },
    });
    expect(right.statusCode).toBe(200);
    expect(meResponseSchema.parse(right.json())).toMatchObject({ user: { id: user.id }, totpEnrolmentRequired: false });
    expect((await me(cookieHeader(right))).user.id).toBe(user.id);
    expect(await auditFor('auth.login', (detail) => detail['method'] === 'oidc' && detail['mfa'] === 'totp')).not.toHaveLength(0);

    const without = await t.app.inject({ method: 'POST', url: '/api/auth/oidc/totp', payload: { code: '123456' } });
    expect(without.json()).toMatchObject({ error: { code: 'sso-state-invalid' } });
  });

  it('checks the Google Workspace domain (hd) against the configured one', async () => {
    await saveSettings(
      t,
      providerSettings(provider, {
        provider: { preset: 'google', providerName: 'Google', issuer: provider.issuer, clientId: provider.clientId, clientSecret: provider.clientSecret },
        hostedDomain: 'school.example',
      }),
    );
    const other = await person('teacher', { hd: 'elsewhere.example' });
    const refused = await signInThroughProvider(t, { sub: other.sub });
    expect(ssoErrorOf(refused.callback)).toBe('sso-domain-mismatch');
    expect(await auditFor('auth.login-failed', (detail) => detail['reason'] === 'sso-domain-mismatch')).not.toHaveLength(0);
    // The authorization request carried the hd hint.
    expect(new URL(String(refused.start.headers.location)).searchParams.get('hd')).toBe('school.example');

    const ours = await person('teacher', { hd: 'school.example' });
    expect((await me(cookieHeader((await signInThroughProvider(t, { sub: ours.sub })).callback))).user.id).toBe(ours.user.id);
  });

  it("refuses a callback whose state does not match this browser's transaction", async () => {
    await saveSettings(t, providerSettings(provider));
    const { sub } = await person('teacher');
    const first = await signInThroughProvider(t, { sub });
    const second = await t.app.inject({ method: 'GET', url: '/auth/oidc/start' });
    // The first round trip's answer, presented with the second transaction's cookie.
    const mixed = await t.app.inject({
      method: 'GET',
      url: `${first.callbackUrl.pathname}${first.callbackUrl.search}`,
      headers: { cookie: cookieHeader(second) },
    });
    expect(ssoErrorOf(mixed)).toBe('sso-state-invalid');
    // No transaction cookie at all (a link planted by someone else).
    const planted = await t.app.inject({ method: 'GET', url: `${first.callbackUrl.pathname}${first.callbackUrl.search}` });
    expect(ssoErrorOf(planted)).toBe('sso-state-invalid');
    expect(await auditFor('auth.login-failed', (detail) => detail['reason'] === 'sso-state-invalid')).not.toHaveLength(0);
  });

  it('sends a disabled account back with a stable error code', async () => {
    await saveSettings(t, providerSettings(provider));
    const { sub, user } = await person('teacher');
    await database.db
      .update(users)
      .set({ disabled: true })
      .where(and(eq(users.id, user.id)));
    expect(ssoErrorOf((await signInThroughProvider(t, { sub })).callback)).toBe('sso-account-disabled');
    expect(await database.db.select().from(userRooms).where(eq(userRooms.userId, user.id))).toEqual([]);
  });
});
