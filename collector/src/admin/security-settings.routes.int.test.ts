import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { createTestUser } from '../auth/auth-test-kit.ts';
import { roleRequiresTotp } from '../auth/security-settings.service.ts';
import { userRoles } from '../db/schema/index.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const t = useAdminTestApp();
const password = 'correct horse battery staple';

const login = (username: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const cookieOf = (response: LightMyRequestResponse) => {
  const cookie = response.cookies.find((c) => c.name.endsWith('vigil_session'));
  if (cookie === undefined) throw new Error('no session cookie');
  return `${cookie.name}=${cookie.value}`;
};

describe('roleRequiresTotp', () => {
  it('always for technician, dsl and admin; for teachers only when the school says so; never for viewers', () => {
    const table = (requireTotpForTeachers: boolean) => userRoles.filter((role) => roleRequiresTotp(role, { requireTotpForTeachers }));
    expect(table(false)).toEqual(['technician', 'dsl', 'admin']);
    expect(table(true)).toEqual(['teacher', 'technician', 'dsl', 'admin']);
  });
});

describe('requiring TOTP for teachers', () => {
  it('is off by default: a teacher signs in with a password alone', async () => {
    const admin = await t.as('admin');
    expect((await t.call(admin, 'GET', '/api/settings/security')).json()).toEqual({ requireTotpForTeachers: false });
    const teacher = await createTestUser(t.app, { role: 'teacher', password });
    expect((await login(teacher.username)).json()).toMatchObject({ totpEnrolmentRequired: false });
  });

  it('when an admin turns it on (audited), teachers must enrol: at the next sign-in, and password-only sessions at once', async () => {
    const admin = await t.as('admin');
    const teacher = await createTestUser(t.app, { role: 'teacher', password, rooms: [t.estate.roomA] });
    const before = cookieOf(await login(teacher.username));
    expect((await t.app.inject({ method: 'GET', url: '/api/rooms', headers: { cookie: before } })).statusCode).toBe(200);

    const on = await t.call(admin, 'PUT', '/api/settings/security', { requireTotpForTeachers: true });
    expect(on.statusCode).toBe(200);
    expect(on.json()).toEqual({ requireTotpForTeachers: true });
    expect((await t.audited('settings.security')).map((entry) => [entry.actorUserId, entry.detail])).toEqual([
      [admin.user.id, { changes: { requireTotpForTeachers: { from: false, to: true } } }],
    ]);

    // The session from before the change may now only enrol.
    const refused = await t.app.inject({ method: 'GET', url: '/api/rooms', headers: { cookie: before } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error.code).toBe('totp-enrolment-required');

    // A fresh sign-in goes through enrolment, exactly like a technician's.
    const next = await login(teacher.username);
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ user: { role: 'teacher' }, totpEnrolmentRequired: true });
    const headers = { cookie: cookieOf(next), 'x-csrf-token': next.json().csrfToken as string };
    expect((await t.app.inject({ method: 'GET', url: '/api/rooms', headers })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/totp/enrol', headers, payload: {} })).statusCode).toBe(200);

    // Saving the same value again changes nothing and writes no entry.
    await t.call(admin, 'PUT', '/api/settings/security', { requireTotpForTeachers: true });
    expect(await t.audited('settings.security')).toHaveLength(1);

    // Off again: teachers without TOTP sign in with a password alone.
    await t.call(admin, 'PUT', '/api/settings/security', { requireTotpForTeachers: false });
    const other = await createTestUser(t.app, { role: 'teacher', password });
    expect((await login(other.username)).json()).toMatchObject({ totpEnrolmentRequired: false });
    expect(await t.audited('settings.security')).toHaveLength(2);
  });

  it('may be changed by an admin only', async () => {
    for (const role of ['teacher', 'technician', 'dsl', 'viewer'] as const) {
      const response = await t.call(await t.as(role), 'PUT', '/api/settings/security', { requireTotpForTeachers: true });
      expect(response.statusCode, role).toBe(403);
    }
    expect((await t.call(await t.as('admin'), 'GET', '/api/settings/security')).json()).toEqual({ requireTotpForTeachers: false });
  });

  it('refuses a body that is not the settings object, naming the field', async () => {
    const response = await t.call(await t.as('admin'), 'PUT', '/api/settings/security', { requireTotpForTeachers: 'yes' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: 'requireTotpForTeachers' }] } });
  });
});
