import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, users } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { createTestUser, type TestUser } from './auth-test-kit.ts';
import { signInFailedMessage } from './login.service.ts';

const password = 'correct horse battery staple';
const tenMinutes = 10 * 60_000;

let database: TestDatabase;
let t: AuthTestApp;
let teacher: TestUser;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.drop());
beforeEach(async () => {
  t = await buildAuthTestApp(database);
  teacher = await createTestUser(t.app, { role: 'teacher', password });
});
afterEach(() => t.close());

const attempt = (pass: string, username = teacher.username, ip = '127.0.0.1') =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: ip, payload: { username, password: pass } });

async function actions(userId: string): Promise<Array<[string, unknown]>> {
  const rows = await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, userId));
  return rows.map((row) => [row.action, row.detail]);
}

const failed = { error: { code: 'invalid-credentials', message: signInFailedMessage } };

describe('lockout after 3 failed attempts', () => {
  it('locks for 10 minutes without saying so; the right password then fails without resetting, and works after', async () => {
    expect((await attempt('wrong-1')).json()).toEqual(failed);
    expect((await attempt('wrong-2')).json()).toEqual(failed);
    // The locking attempt answers exactly like any other failure: a guesser learns nothing.
    const third = await attempt('wrong-3');
    expect(third.statusCode).toBe(401);
    expect(third.json()).toEqual(failed);
    const [locked] = await database.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, teacher.id));
    expect(locked?.lockedUntil?.getTime()).toBe(t.clock.now().getTime() + tenMinutes);

    // During the lock the right password fails the same way and leaves the lock as it was.
    t.clock.advance(tenMinutes - 1000);
    const during = await attempt(password);
    expect(during.statusCode).toBe(401);
    expect(during.json()).toEqual(failed);
    expect(during.headers['set-cookie']).toBeUndefined();
    const [row] = await database.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, teacher.id));
    expect(row?.lockedUntil?.getTime()).toBe(t.clock.now().getTime() + 1000);

    t.clock.advance(1000);
    const after = await attempt(password);
    expect(after.statusCode).toBe(200);
    expect((await database.db.select().from(users).where(eq(users.id, teacher.id)))[0]).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null });

    // The server side knows exactly what happened.
    expect(await actions(teacher.id)).toEqual([
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.locked', { until: expect.any(String), attempts: 3 }],
      ['auth.login-failed', { reason: 'account-locked' }],
      ['auth.login', { mfa: 'none' }],
    ]);
  });

  it('answers a locked account, a wrong password and an unknown name identically (status, headers that matter, body)', async () => {
    for (const pass of ['a', 'b', 'c']) await attempt(pass);
    const other = await createTestUser(t.app, { role: 'teacher', password });
    const answers = [await attempt(password), await attempt('wrong', other.username), await attempt(password, 'nobody-at-all')];
    const shape = (response: (typeof answers)[number]) => ({
      status: response.statusCode,
      body: response.body,
      cookie: response.headers['set-cookie'],
      contentType: response.headers['content-type'],
      retryAfter: response.headers['retry-after'],
    });
    expect(shape(answers[0]!)).toEqual(shape(answers[1]!));
    expect(shape(answers[2]!)).toEqual(shape(answers[1]!));
  });

  it('counts failures in a row only: a success resets the count', async () => {
    await attempt('wrong-1');
    await attempt('wrong-2');
    expect((await attempt(password)).statusCode).toBe(200);
    await attempt('wrong-3');
    await attempt('wrong-4');
    expect((await attempt(password)).statusCode).toBe(200);
  });

  it('gives 3 fresh attempts once a lock has run out', async () => {
    for (const pass of ['a', 'b', 'c']) await attempt(pass);
    t.clock.advance(tenMinutes);
    await attempt('d');
    await attempt('e');
    expect((await attempt(password)).statusCode).toBe(200);
    for (const pass of ['f', 'g', 'h']) await attempt(pass);
    expect((await attempt(password)).statusCode).toBe(401);
    expect((await actions(teacher.id)).filter(([action]) => action === 'auth.locked')).toHaveLength(2);
  });

  it('cannot be outrun by parallel guesses', async () => {
    await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`guess-${i}`)));
    const failures = (await actions(teacher.id)).filter(([action]) => action === 'auth.login-failed');
    // At most 3 guesses were really checked against the password; the rest met the lock.
    expect(failures.filter(([, detail]) => (detail as { reason: string }).reason === 'wrong-password').length).toBeLessThanOrEqual(3);
    // The right password is refused too while the lock holds.
    expect((await attempt(password)).statusCode).toBe(401);
    expect((await actions(teacher.id)).filter(([action]) => action === 'auth.locked')).toHaveLength(1);
  });

  it('does not lock other accounts', async () => {
    const other = await createTestUser(t.app, { role: 'teacher', password });
    for (const pass of ['a', 'b', 'c']) await attempt(pass);
    expect((await attempt(password, other.username)).statusCode).toBe(200);
  });
});

describe('per-IP throttling of sign-in', () => {
  it('answers 429 rate-limited after 20 attempts a minute from one address, others unaffected', async () => {
    for (let i = 0; i < 20; i += 1) {
      expect((await attempt('x', `nobody-${i}`, '10.0.0.7')).statusCode).toBe(401);
    }
    const limited = await attempt(password, teacher.username, '10.0.0.7');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('rate-limited');
    expect(limited.headers['retry-after']).toBeDefined();
    expect((await attempt(password, teacher.username, '10.0.0.8')).statusCode).toBe(200);
  });
});
