import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, users } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { createTestUser, type TestUser } from './auth-test-kit.ts';

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

describe('lockout after 3 failed attempts', () => {
  it('locks for 10 minutes; the right password then fails without resetting, and works after', async () => {
    expect((await attempt('wrong-1')).json().error.code).toBe('invalid-credentials');
    expect((await attempt('wrong-2')).json().error.code).toBe('invalid-credentials');
    const third = await attempt('wrong-3');
    expect(third.statusCode).toBe(423);
    expect(third.json().error).toMatchObject({ code: 'account-locked', details: { until: new Date(t.clock.now().getTime() + tenMinutes).toISOString() } });

    // During the lock the right password fails and leaves the lock as it was.
    t.clock.advance(tenMinutes - 1000);
    const during = await attempt(password);
    expect(during.statusCode).toBe(423);
    expect(during.json().error.code).toBe('account-locked');
    expect(during.headers['set-cookie']).toBeUndefined();
    const [row] = await database.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, teacher.id));
    expect(row?.lockedUntil?.getTime()).toBe(t.clock.now().getTime() + 1000);

    t.clock.advance(1000);
    const after = await attempt(password);
    expect(after.statusCode).toBe(200);
    expect((await database.db.select().from(users).where(eq(users.id, teacher.id)))[0]).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null });

    expect(await actions(teacher.id)).toEqual([
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.login-failed', { reason: 'wrong-password' }],
      ['auth.locked', { until: expect.any(String), attempts: 3 }],
      ['auth.login-failed', { reason: 'account-locked' }],
      ['auth.login', { mfa: 'none' }],
    ]);
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
    expect((await attempt('d')).json().error.code).toBe('invalid-credentials');
    expect((await attempt('e')).json().error.code).toBe('invalid-credentials');
    expect((await attempt('f')).json().error.code).toBe('account-locked');
  });

  it('cannot be outrun by parallel guesses', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => attempt(`guess-${i}`)));
    const codes = answers.map((response) => response.json().error.code);
    expect(codes.filter((code) => code === 'invalid-credentials').length).toBeLessThanOrEqual(2);
    // The right password is refused too while the lock holds.
    expect((await attempt(password)).json().error.code).toBe('account-locked');
    const failures = (await actions(teacher.id)).filter(([action]) => action === 'auth.locked');
    expect(failures).toHaveLength(1);
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
