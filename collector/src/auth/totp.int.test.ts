import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { URI } from 'otpauth';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, users, type UserRole } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { createTestUser, type TestUser } from './auth-test-kit.ts';
import { deleteUserSessions } from './session.repository.ts';
import { totpCode } from './totp.ts';
import { resetTotp } from './users.repository.ts';

const password = 'correct horse battery staple';

let database: TestDatabase;
let t: AuthTestApp;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());
beforeEach(async () => {
  t = await buildAuthTestApp(database);
});
afterEach(() => t.close());

interface Browser {
  cookie: string;
  csrfToken: string;
}

const login = (username: string, totp?: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password, ...(totp === undefined ? {} : { totp }) } });

function browserFrom(response: LightMyRequestResponse): Browser {
  const cookie = response.cookies.find((c) => c.name === 'vigil_session');
  if (cookie === undefined) throw new Error(`no session cookie (status ${response.statusCode}: ${response.body})`);
  return { cookie: `${cookie.name}=${cookie.value}`, csrfToken: response.json().csrfToken };
}

const post = (browser: Browser, url: string, payload: object = {}) =>
  t.app.inject({ method: 'POST', url, headers: { cookie: browser.cookie, 'x-csrf-token': browser.csrfToken }, payload });
const get = (browser: Browser, url: string) => t.app.inject({ method: 'GET', url, headers: { cookie: browser.cookie } });

/** Signs in (restricted), enrols and confirms; returns the base32 secret and the full session. */
async function enrol(user: TestUser): Promise<{ secret: string; browser: Browser }> {
  const restricted = browserFrom(await login(user.username));
  const enrolled = await post(restricted, '/api/auth/totp/enrol');
  expect(enrolled.statusCode).toBe(200);
  const { secret } = enrolled.json();
  const confirmed = await post(restricted, '/api/auth/totp/confirm', { code: totpCode(secret, t.clock.now()) });
  expect(confirmed.statusCode).toBe(200);
  return { secret, browser: browserFrom(confirmed) };
}

describe('TOTP is required for technician, dsl and admin', () => {
  it.each<UserRole>(['technician', 'dsl', 'admin'])('a %s without TOTP gets a session that can only enrol', async (role) => {
    const user = await createTestUser(t.app, { role, password });
    const response = await login(user.username);
    expect(response.statusCode).toBe(200);
    expect(response.json().totpEnrolmentRequired).toBe(true);
    const restricted = browserFrom(response);
    const refused = await get(restricted, '/test/staff');
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('totp-enrolment-required');
    expect((await get(restricted, '/api/auth/me')).json()).toMatchObject({ user: { role }, totpEnrolmentRequired: true });
    expect((await post(restricted, '/api/auth/logout')).statusCode).toBe(204);
  });

  it.each<UserRole>(['teacher', 'viewer'])('a %s signs in with a password alone', async (role) => {
    const user = await createTestUser(t.app, { role, password });
    const response = await login(user.username);
    expect(response.json().totpEnrolmentRequired).toBe(false);
    expect((await get(browserFrom(response), '/test/anyone')).statusCode).toBe(200);
  });
});

describe('TOTP enrolment', () => {
  it('returns an otpauth URI (SHA1, 6 digits, 30 s), stores the secret sealed, and confirming unlocks a fresh session', async () => {
    const tech = await createTestUser(t.app, { role: 'technician', password });
    const restricted = browserFrom(await login(tech.username));
    const enrolled = await post(restricted, '/api/auth/totp/enrol');
    const { secret, uri } = enrolled.json();
    expect(enrolled.headers['cache-control']).toBe('no-store');
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const parsed = URI.parse(uri);
    expect(parsed).toMatchObject({ issuer: 'Vigil', label: tech.username, algorithm: 'SHA1', digits: 6, period: 30 });
    expect(parsed.secret.base32).toBe(secret);

    const [row] = await database.db.select().from(users).where(eq(users.id, tech.id));
    expect(row?.totpSecretEncrypted).toMatch(/^v1\./);
    expect(row?.totpSecretEncrypted).not.toContain(secret);
    expect(row?.totpEnabledAt).toBeNull();
    const keyFile = await stat(join(t.dataDir, 'secrets', 'totp.key'));
    expect(keyFile.mode & 0o777).toBe(0o600);

    const wrong = await post(restricted, '/api/auth/totp/confirm', { code: '000000' === totpCode(secret, t.clock.now()) ? '111111' : '000000' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('totp-invalid');

    const confirmed = await post(restricted, '/api/auth/totp/confirm', { code: totpCode(secret, t.clock.now()) });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.json()).toMatchObject({ totpEnrolmentRequired: false, user: { id: tech.id } });
    const full = browserFrom(confirmed);
    expect(full.cookie).not.toBe(restricted.cookie);
    expect(full.csrfToken).not.toBe(restricted.csrfToken);
    expect((await get(full, '/test/staff')).statusCode).toBe(200);
    // The restricted session was replaced, not upgraded.
    expect((await get(restricted, '/api/auth/me')).statusCode).toBe(401);
    expect((await post(full, '/api/auth/totp/enrol')).json().error.code).toBe('totp-already-enrolled');
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, tech.id));
    expect(audited.map((entry) => entry.action)).toContain('auth.totp-enrolled');
  });

  it('refuses to confirm before enrolment started', async () => {
    const tech = await createTestUser(t.app, { role: 'technician', password });
    const restricted = browserFrom(await login(tech.username));
    expect((await post(restricted, '/api/auth/totp/confirm', { code: '123456' })).json().error.code).toBe('totp-not-started');
  });
});

describe('signing in with TOTP', () => {
  it('requires the code: missing is 401 totp-required and does not count as a failure', async () => {
    const dsl = await createTestUser(t.app, { role: 'dsl', password });
    const { secret } = await enrol(dsl);
    t.clock.advance(60_000);
    for (let i = 0; i < 4; i += 1) {
      const missing = await login(dsl.username);
      expect(missing.statusCode).toBe(401);
      expect(missing.json().error.code).toBe('totp-required');
      expect(missing.headers['set-cookie']).toBeUndefined();
    }
    const ok = await login(dsl.username, totpCode(secret, t.clock.now()));
    expect(ok.statusCode).toBe(200);
    expect(ok.json().totpEnrolmentRequired).toBe(false);
    expect((await get(browserFrom(ok), '/test/staff')).statusCode).toBe(200);
  });

  it('counts a wrong code as a failed attempt: the third locks the account', async () => {
    const admin = await createTestUser(t.app, { role: 'admin', password });
    const { secret } = await enrol(admin);
    t.clock.advance(60_000);
    const good = totpCode(secret, t.clock.now());
    const wrong = good === '123456' ? '654321' : '123456';
    expect((await login(admin.username, wrong)).json().error.code).toBe('totp-invalid');
    expect((await login(admin.username, wrong)).json().error.code).toBe('totp-invalid');
    // The third wrong code locks; it still answers as a wrong code (the password was right).
    expect((await login(admin.username, wrong)).json().error.code).toBe('totp-invalid');
    expect((await database.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, admin.id)))[0]?.lockedUntil).not.toBeNull();
    // While locked, even the right password and code are refused like a wrong password.
    expect((await login(admin.username, good)).json().error.code).toBe('invalid-credentials');
  });

  it('accepts one 30 s step of clock drift either way, not two', async () => {
    const tech = await createTestUser(t.app, { role: 'technician', password });
    const { secret } = await enrol(tech);
    t.clock.advance(5 * 60_000);
    const at = (offsetMs: number) => totpCode(secret, new Date(t.clock.now().getTime() + offsetMs));
    expect((await login(tech.username, at(-30_000))).statusCode).toBe(200);
    t.clock.advance(60_000);
    expect((await login(tech.username, at(30_000))).statusCode).toBe(200);
    t.clock.advance(5 * 60_000);
    expect((await login(tech.username, at(-61_000))).json().error.code).toBe('totp-invalid');
    expect((await login(tech.username, at(61_000))).json().error.code).toBe('totp-invalid');
  });

  it('refuses a code that was already used (replay)', async () => {
    const tech = await createTestUser(t.app, { role: 'technician', password });
    const { secret } = await enrol(tech);
    t.clock.advance(60_000);
    const code = totpCode(secret, t.clock.now());
    expect((await login(tech.username, code)).statusCode).toBe(200);
    expect((await login(tech.username, code)).json().error.code).toBe('totp-invalid');
  });

  it('after an admin reset, the next sign-in is restricted to enrolling again', async () => {
    const tech = await createTestUser(t.app, { role: 'technician', password });
    const { browser } = await enrol(tech);
    await database.db.transaction(async (tx) => {
      await resetTotp(tx, tech.id, t.clock.now());
      expect(await deleteUserSessions(tx, tech.id)).toBe(1);
    });
    expect((await get(browser, '/test/staff')).statusCode).toBe(401);
    const again = await login(tech.username);
    expect(again.json().totpEnrolmentRequired).toBe(true);
    expect((await post(browserFrom(again), '/api/auth/totp/enrol')).statusCode).toBe(200);
  });

  it('also applies to a teacher who chose to enrol', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const { secret } = await enrol(teacher);
    t.clock.advance(60_000);
    expect((await login(teacher.username)).json().error.code).toBe('totp-required');
    expect((await login(teacher.username, totpCode(secret, t.clock.now()))).statusCode).toBe(200);
  });
});
