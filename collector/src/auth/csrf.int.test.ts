import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { buildAuthTestApp, type AuthTestApp } from './auth-test-app.ts';
import { signInAs } from './auth-test-kit.ts';

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

describe('CSRF protection on state changes', () => {
  it('refuses a POST without the x-csrf-token header with 403 csrf-invalid', async () => {
    const tech = await signInAs(t.app, { role: 'technician' });
    const response = await t.app.inject({ method: 'POST', url: '/test/staff', headers: { cookie: tech.headers.cookie }, payload: {} });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf-invalid');
  });

  it("refuses a wrong token, and another session's token", async () => {
    const tech = await signInAs(t.app, { role: 'technician' });
    const other = await signInAs(t.app, { role: 'technician' });
    for (const token of ['nope', other.csrfToken, `${tech.csrfToken}x`, tech.csrfToken.toLowerCase()]) {
      const response = await t.app.inject({ method: 'POST', url: '/test/staff', headers: { cookie: tech.headers.cookie, 'x-csrf-token': token }, payload: {} });
      expect(response.json().error.code, token).toBe('csrf-invalid');
    }
  });

  it("accepts the session's own token", async () => {
    const tech = await signInAs(t.app, { role: 'technician' });
    const response = await t.app.inject({ method: 'POST', url: '/test/staff', headers: tech.headers, payload: {} });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ changed: true });
  });

  it('is not needed for reads', async () => {
    const tech = await signInAs(t.app, { role: 'technician' });
    const response = await t.app.inject({ method: 'GET', url: '/test/staff', headers: { cookie: tech.headers.cookie } });
    expect(response.statusCode).toBe(200);
  });

  it('guards sign-out too (a forged sign-out is a nuisance attack)', async () => {
    const teacher = await signInAs(t.app, { role: 'teacher' });
    const forged = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: teacher.headers.cookie } });
    expect(forged.json().error.code).toBe('csrf-invalid');
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: teacher.headers.cookie } })).statusCode).toBe(200);
  });

  it('checks the session before the token: no session is 401, not 403', async () => {
    const response = await t.app.inject({ method: 'POST', url: '/test/staff', payload: {} });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthenticated');
  });
});
