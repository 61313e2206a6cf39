import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, users } from '../db/schema/index.ts';
import { createLogger } from '../logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { announceFirstRunSetup, setupTokenLifetimeMs } from './first-run.service.ts';

let database: TestDatabase;
let t: AuthTestApp;
let logLines: Array<Record<string, unknown>>;
beforeEach(async () => {
  database = await createTestDatabase();
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString('utf8')));
      done();
    },
  });
  t = await buildAuthTestApp(database, { logger: createLogger('info', sink) });
});
afterEach(async () => {
  await t.close();
  await database.drop();
});

const goodAdmin = { username: 'head.of.it', password: 'a long enough passphrase', displayName: 'Head of IT' };

async function announce(): Promise<string> {
  const link = await announceFirstRunSetup(t.app, 'http://localhost:8080', t.clock.now());
  if (link === undefined) throw new Error('no setup link');
  return new URL(link).searchParams.get('token') ?? '';
}

const setup = (payload: object) => t.app.inject({ method: 'POST', url: '/api/auth/setup', payload });

describe('first run', () => {
  it('logs exactly one line with a one-time link while no admin exists', async () => {
    logLines.length = 0;
    const link = await announceFirstRunSetup(t.app, 'http://localhost:8080/', t.clock.now());
    expect(link).toMatch(/^http:\/\/localhost:8080\/setup\?token=[A-Za-z0-9_-]{43}$/);
    expect(logLines).toHaveLength(1);
    expect(logLines[0]).toMatchObject({ level: 40 });
    expect(String(logLines[0]?.msg)).toContain(link);
  });

  it('creates the first admin once: the link cannot be used again and no new link is issued', async () => {
    const token = await announce();
    const created = await setup({ token, ...goodAdmin });
    expect(created.statusCode).toBe(201);
    const { user } = created.json();
    expect(user).toEqual({ id: expect.any(String), username: 'head.of.it', role: 'admin' });
    const [row] = await database.db.select().from(users).where(eq(users.id, user.id));
    expect(row).toMatchObject({ role: 'admin', displayName: 'Head of IT', siteId: null });
    expect(row?.passwordHash).toMatch(/^\$argon2id\$/);
    expect((await database.db.select().from(auditLog).where(eq(auditLog.actorUserId, user.id))).map((entry) => entry.action)).toEqual(['auth.setup']);

    const again = await setup({ token, ...goodAdmin, username: 'second.admin' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('setup-complete');
    expect(await announceFirstRunSetup(t.app, 'http://localhost:8080', t.clock.now())).toBeUndefined();

    // The new admin must enrol TOTP before anything else.
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: goodAdmin.username, password: goodAdmin.password } });
    expect(login.json()).toMatchObject({ user: { role: 'admin' }, totpEnrolmentRequired: true });
  });

  it('refuses a weak password (short, common, containing the name) without spending the link', async () => {
    const token = await announce();
    const weak = await setup({ token, ...goodAdmin, password: 'elevenchars' });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error.code).toBe('password-too-weak');
    const common = await setup({ token, ...goodAdmin, password: 'Password1234' });
    expect(common.json().error).toMatchObject({ code: 'password-too-weak', details: { rule: 'common' } });
    const named = await setup({ token, ...goodAdmin, password: 'head.of.it forever' });
    expect(named.json().error).toMatchObject({ code: 'password-too-weak', details: { rule: 'contains-name' } });
    expect((await setup({ token, ...goodAdmin })).statusCode).toBe(201);
  });

  it('refuses a wrong, replaced or expired token', async () => {
    expect((await setup({ token: 'x'.repeat(43), ...goodAdmin })).json().error.code).toBe('setup-token-invalid');
    const first = await announce();
    const second = await announce(); // the next start's link replaces the first
    expect((await setup({ token: first, ...goodAdmin })).json().error.code).toBe('setup-token-invalid');
    t.clock.advance(setupTokenLifetimeMs);
    const expired = await setup({ token: second, ...goodAdmin });
    expect(expired.statusCode).toBe(403);
    expect(expired.json().error.code).toBe('setup-token-invalid');
    expect(await database.db.select().from(users)).toEqual([]);
  });

  it('makes exactly one admin when the link is used twice at once', async () => {
    const token = await announce();
    const answers = await Promise.all(['one', 'two', 'three'].map((name) => setup({ token, ...goodAdmin, username: `admin.${name}` })));
    expect(answers.map((response) => response.statusCode).sort()).toEqual([201, 409, 409]);
    expect(await database.db.select({ id: users.id }).from(users)).toHaveLength(1);
  });

  it('answers a taken user name with 409 username-taken', async () => {
    const token = await announce();
    await database.db.insert(users).values({ username: 'Head.Of.IT', displayName: 'A teacher', role: 'teacher' });
    const response = await setup({ token, ...goodAdmin });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('username-taken');
  });
});
