import { eq } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, sessions, users } from '../db/schema/index.ts';
import { hashSecret } from '../security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { createTestUser } from './auth-test-kit.ts';
import { signInFailedMessage } from './login.service.ts';
import { purgeExpiredSessions, sessionIdleMs, sessionLifetimeMs } from './session.repository.ts';

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

function signIn(username: string, pass: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', headers, payload: { username, password: pass } });
}

function sessionCookie(response: LightMyRequestResponse): { name: string; value: string; header: string } {
  const cookie = response.cookies.find((c) => c.name.endsWith('vigil_session'));
  if (cookie === undefined) throw new Error(`no session cookie in ${JSON.stringify(response.headers['set-cookie'])}`);
  return { name: cookie.name, value: cookie.value, header: `${cookie.name}=${cookie.value}` };
}

describe('signing in', () => {
  it('with the right password sets an httpOnly, SameSite=Strict session cookie and /me answers', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const response = await signIn(teacher.username.toUpperCase(), password);
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ user: { id: teacher.id, username: teacher.username, role: 'teacher', rooms: [] }, totpEnrolmentRequired: false });
    expect(body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(response.headers['cache-control']).toBe('no-store');

    const [cookie] = response.cookies;
    // Plain HTTP to localhost (what app.inject sends): the one case without Secure.
    expect(cookie).toMatchObject({ name: 'vigil_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.secure).toBeUndefined();
    expect(cookie?.maxAge).toBeUndefined();

    // Only the sha256 of the 32-byte token is stored.
    const token = sessionCookie(response).value;
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    const rows = await database.db.select().from(sessions).where(eq(sessions.userId, teacher.id));
    expect(rows.map((row) => row.idHash)).toEqual([hashSecret(token)]);

    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: sessionCookie(response).header } });
    expect(me.statusCode).toBe(200);
    expect(me.json()).toEqual(body);
  });

  it('marks the cookie Secure with the __Host- prefix unless it is plain HTTP on localhost', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const secureCases: Array<Record<string, string>> = [
      { host: 'vigil.school.example' },
      { host: 'localhost', 'x-forwarded-proto': 'https' },
      { host: '192.168.1.20:8080' },
    ];
    for (const headers of secureCases) {
      const response = await signIn(teacher.username, password, headers);
      expect(response.statusCode).toBe(200);
      expect(response.cookies[0]).toMatchObject({ name: '__Host-vigil_session', secure: true, httpOnly: true, sameSite: 'Strict', path: '/' });
    }
    for (const host of ['127.0.0.1:8080', '[::1]:8080', 'localhost:8080']) {
      const response = await signIn(teacher.username, password, { host });
      expect(response.cookies[0]).toMatchObject({ name: 'vigil_session', httpOnly: true });
      expect(response.cookies[0]?.secure).toBeUndefined();
    }
    // The Secure cookie works on the next request too.
    const secure = await signIn(teacher.username, password, { host: 'vigil.school.example' });
    const me = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { host: 'vigil.school.example', cookie: sessionCookie(secure).header } });
    expect(me.statusCode).toBe(200);
  });

  it('always marks the cookie Secure when PUBLIC_URL is https', async () => {
    const https = await buildAuthTestApp(database, { publicUrl: 'https://vigil.school.example' });
    try {
      const teacher = await createTestUser(https.app, { role: 'teacher', password });
      const response = await https.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: teacher.username, password } });
      expect(response.cookies[0]).toMatchObject({ name: '__Host-vigil_session', secure: true });
    } finally {
      await https.close();
    }
  });

  it('answers a wrong password and an unknown user alike, and audits both (reason, not password)', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const wrong = await signIn(teacher.username, 'not the password at all');
    const unknown = await signIn('nobody-here', 'not the password at all');
    for (const response of [wrong, unknown]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({ error: { code: 'invalid-credentials', message: signInFailedMessage } });
      expect(response.headers['set-cookie']).toBeUndefined();
    }
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login-failed'));
    const mine = audit.filter((row) => row.actorLabel === teacher.username || row.actorLabel === 'nobody-here');
    expect(mine.map((row) => [row.actorLabel, row.detail])).toEqual([
      [teacher.username, { reason: 'wrong-password' }],
      ['nobody-here', { reason: 'unknown-user' }],
    ]);
    expect(mine[0]?.actorUserId).toBe(teacher.id);
    expect(mine[0]?.ip).toBe('127.0.0.1');
    expect(JSON.stringify(audit)).not.toContain('not the password');
  });

  it('audits a successful sign-in as auth.login', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    expect((await signIn(teacher.username, password)).statusCode).toBe(200);
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, teacher.id));
    expect(rows.map((row) => [row.action, row.detail])).toEqual([['auth.login', { mfa: 'none' }]]);
  });

  it('refuses a sign-in that is not JSON (a cross-site form cannot send JSON)', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const response = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=${teacher.username}&password=${encodeURIComponent(password)}`,
    });
    expect(response.statusCode).toBe(415);
    expect(response.json().error.code).toBe('json-required');
  });

  it('stores the password as argon2id, never in the clear', async () => {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const [row] = await database.db.select({ hash: users.passwordHash }).from(users).where(eq(users.id, teacher.id));
    expect(row?.hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(row?.hash).not.toContain(password);
  });

  it('validates the body and names the bad field', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x' } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: 'password' }] } });
  });
});

describe('a session', () => {
  async function signedIn(): Promise<{ cookie: string; csrfToken: string; userId: string }> {
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    const response = await signIn(teacher.username, password);
    return { cookie: sessionCookie(response).header, csrfToken: response.json().csrfToken, userId: teacher.id };
  }
  const me = (cookie: string) => t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } });

  it('ends on sign-out: the row is deleted, the cookie cleared, and the old cookie no longer works', async () => {
    const { cookie, csrfToken, userId } = await signedIn();
    const out = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(out.statusCode).toBe(204);
    expect(out.cookies[0]).toMatchObject({ name: 'vigil_session', value: '' });
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, userId))).toEqual([]);
    const after = await me(cookie);
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('unauthenticated');
    const audited = await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, userId));
    expect(audited.map((row) => row.action)).toEqual(['auth.login', 'auth.logout']);
  });

  it('expires after 30 idle minutes', async () => {
    const { cookie } = await signedIn();
    t.clock.advance(sessionIdleMs - 1000);
    expect((await me(cookie)).statusCode).toBe(200);
    t.clock.advance(sessionIdleMs);
    const expired = await me(cookie);
    expect(expired.statusCode).toBe(401);
    expect(expired.json().error.code).toBe('session-expired');
    // And it stays gone.
    expect((await me(cookie)).json().error.code).toBe('unauthenticated');
  });

  it('slides while in use, but ends 12 hours after sign-in however active', async () => {
    const { cookie } = await signedIn();
    const step = 20 * 60_000;
    for (let elapsed = step; elapsed < sessionLifetimeMs; elapsed += step) {
      t.clock.advance(step);
      expect((await me(cookie)).statusCode, `after ${elapsed / 60_000} min`).toBe(200);
    }
    t.clock.advance(step);
    expect((await me(cookie)).json().error.code).toBe('session-expired');
  });

  it('is purged by purgeExpiredSessions once idle or past its lifetime, not before', async () => {
    const idle = await signedIn();
    const active = await signedIn();
    t.clock.advance(sessionIdleMs - 60_000);
    expect((await me(active.cookie)).statusCode).toBe(200);
    await purgeExpiredSessions(database.db, t.clock.now());
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, idle.userId))).toHaveLength(1);
    t.clock.advance(120_000);
    // Earlier tests' sessions in this database may go too; these two are what matters.
    expect(await purgeExpiredSessions(database.db, t.clock.now())).toBeGreaterThanOrEqual(1);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, idle.userId))).toEqual([]);
    expect(await database.db.select().from(sessions).where(eq(sessions.userId, active.userId))).toHaveLength(1);
  });

  it('stops working when the account is disabled', async () => {
    const { cookie, userId } = await signedIn();
    await database.db.update(users).set({ disabled: true }).where(eq(users.id, userId));
    expect((await me(cookie)).statusCode).toBe(401);
    expect(await signIn((await database.db.select().from(users).where(eq(users.id, userId)))[0]?.username ?? '', password)).toMatchObject({ statusCode: 401 });
  });

  it('is required: no cookie or a forged one is 401', async () => {
    expect((await me('')).json().error.code).toBe('unauthenticated');
    expect((await me(`vigil_session=${'A'.repeat(43)}`)).json().error.code).toBe('unauthenticated');
  });
});
