import { userRowSchema, usersResponseSchema } from '@vigil/shared/console';
import { and, eq, ne } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sessions, users } from '../db/schema/index.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const userAnswer = z.object({ user: userRowSchema });

const t = useAdminTestApp();

const password = 'correct horse battery';
let serial = 0;
const uniqueName = (stem: string) => `${stem}${++serial}`;
const fieldsOf = (body: { error: { details?: { fields?: Array<{ path: string }> } } }) => (body.error.details?.fields ?? []).map((field) => field.path);

async function login(username: string, pass: string) {
  return t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: pass } });
}

async function sessionsOf(userId: string): Promise<number> {
  return (await t.db.select().from(sessions).where(eq(sessions.userId, userId))).length;
}

/** A teacher made through the API, signed in through the real sign-in route. */
async function teacherSignedIn(): Promise<{ id: string; username: string; cookie: string }> {
  const username = uniqueName('teacher');
  const created = userAnswer.parse(
    (await t.call(await t.as('admin'), 'POST', '/api/users', { username, displayName: 'Ms Teacher', role: 'teacher', password })).json(),
  );
  const signedIn = await login(username, password);
  expect(signedIn.statusCode).toBe(200);
  const cookie = String(signedIn.headers['set-cookie']).split(';')[0] ?? '';
  return { id: created.user.id, username, cookie };
}

describe('creating users', () => {
  it('creates a user (audited, no password in the log) who can then sign in', async () => {
    const admin = await t.as('admin');
    const username = uniqueName('j.smith');
    const response = await t.call(admin, 'POST', '/api/users', {
      username,
      displayName: 'Jo Smith',
      email: `${username}@school.example`,
      role: 'teacher',
      siteId: t.estate.siteId,
      roomIds: [t.estate.roomA],
      password,
    });
    expect(response.statusCode).toBe(201);
    const { user } = userAnswer.parse(response.json());
    expect(user).toMatchObject({
      username,
      displayName: 'Jo Smith',
      role: 'teacher',
      siteId: t.estate.siteId,
      rooms: [{ id: t.estate.roomA, name: 'ICT 1', siteId: t.estate.siteId }],
      totpEnrolled: false,
      disabled: false,
    });
    expect(response.body).not.toContain('argon2');
    const audit = await t.audited('user.create', user.id);
    expect(audit).toMatchObject([{ actorUserId: admin.user.id, detail: { username, role: 'teacher', roomIds: [t.estate.roomA] } }]);
    expect(JSON.stringify(audit)).not.toContain(password);

    const signedIn = await login(username.toUpperCase(), password);
    expect(signedIn.statusCode).toBe(200);
    expect(signedIn.json().user).toMatchObject({ id: user.id, role: 'teacher' });
  });

  it('refuses weak passwords, taken names and e-mails, and rooms off the user’s site', async () => {
    const admin = await t.as('admin');
    const base = { displayName: 'X', role: 'viewer', password };
    const short = await t.call(admin, 'POST', '/api/users', { ...base, username: uniqueName('short'), password: 'eleven chrs' });
    expect(short.statusCode).toBe(400);
    expect(fieldsOf(short.json())).toEqual(['password']);
    const sameAsName = await t.call(admin, 'POST', '/api/users', { ...base, username: 'longusername1', password: 'LongUserName1' });
    expect(fieldsOf(sameAsName.json())).toEqual(['password']);
    // Guessable passwords are refused with the rule named, never the password echoed.
    for (const [weak, rule] of [
      ['password1234', /common password/],
      ['aaaaaaaaaaaa', /repetitive/],
      ['123456789012', /sequence/],
      ['mr.wilkins rocks', /user name/],
    ] as const) {
      const response = await t.call(admin, 'POST', '/api/users', { ...base, username: 'mr.wilkins', password: weak });
      expect(response.statusCode, weak).toBe(400);
      expect(response.json().error.details.fields, weak).toEqual([{ path: 'password', message: expect.stringMatching(rule) }]);
      expect(response.body).not.toContain(weak);
    }

    const username = uniqueName('dup');
    expect((await t.call(admin, 'POST', '/api/users', { ...base, username, email: `${username}@x.example` })).statusCode).toBe(201);
    const taken = await t.call(admin, 'POST', '/api/users', { ...base, username: username.toUpperCase() });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error.code).toBe('username-taken');
    const email = await t.call(admin, 'POST', '/api/users', { ...base, username: uniqueName('other'), email: `${username.toUpperCase()}@x.example` });
    expect(email.statusCode).toBe(409);
    expect(email.json().error.code).toBe('email-taken');

    const offSite = await t.call(admin, 'POST', '/api/users', {
      ...base,
      username: uniqueName('t'),
      role: 'teacher',
      siteId: t.estate.otherSiteId,
      roomIds: [t.estate.roomA],
    });
    expect(offSite.statusCode).toBe(400);
    expect(fieldsOf(offSite.json())).toEqual(['roomIds.0']);
    expect((await t.call(admin, 'POST', '/api/users', { ...base, username: uniqueName('t'), roomIds: ['nope'] })).json().error.code).toBe('room-not-found');
    expect((await t.call(admin, 'POST', '/api/users', { ...base, username: uniqueName('t'), siteId: 'nope' })).json().error.code).toBe('site-not-found');
    const shape = await t.call(admin, 'POST', '/api/users', { username: 'a b', role: 'pupil' });
    expect(fieldsOf(shape.json()).sort()).toEqual(['displayName', 'password', 'role', 'username']);
  });
});

describe('listing users', () => {
  it('gives admins full rows and IT staff the list without rooms, e-mail or sign-in state', async () => {
    const admin = await t.as('admin');
    const username = uniqueName('listed');
    await t.call(admin, 'POST', '/api/users', {
      username,
      displayName: 'Listed',
      email: `${username}@x.example`,
      role: 'teacher',
      roomIds: [t.estate.roomB],
      password,
    });
    await login(username, password);

    const full = usersResponseSchema.parse((await t.call(admin, 'GET', '/api/users')).json()).users.find((user) => user.username === username);
    expect(full).toMatchObject({ email: `${username}@x.example`, rooms: [{ id: t.estate.roomB }] });
    expect(full?.lastLoginAt).not.toBeNull();

    const trimmed = usersResponseSchema
      .parse((await t.call(await t.as('technician'), 'GET', '/api/users')).json())
      .users.find((user) => user.username === username);
    expect(trimmed).toMatchObject({ id: full?.id, displayName: 'Listed', role: 'teacher', email: null, rooms: [], lastLoginAt: null });
  });

  it('shows site staff their site’s accounts and the trust-wide ones only', async () => {
    const admin = await t.as('admin');
    const southUser = userAnswer.parse(
      (
        await t.call(admin, 'POST', '/api/users', { username: uniqueName('south'), displayName: 'S', role: 'viewer', siteId: t.estate.otherSiteId, password })
      ).json(),
    ).user;
    const listed = usersResponseSchema.parse((await t.call(await t.as('dsl', { site: 'north' }), 'GET', '/api/users')).json()).users;
    expect(listed.map((user) => user.id)).not.toContain(southUser.id);
    expect(listed.every((user) => user.siteId === null || user.siteId === t.estate.siteId)).toBe(true);
  });
});

describe('changing users', () => {
  it('resets a password: the user’s sessions end, the old password stops working, the new one works', async () => {
    const teacher = await teacherSignedIn();
    expect(await sessionsOf(teacher.id)).toBe(1);
    const newPassword = 'a much better passphrase';
    const weak = await t.call(await t.as('admin'), 'PATCH', `/api/users/${teacher.id}`, { password: 'Qwertyuiop12' });
    expect(weak.json().error.details.fields).toEqual([{ path: 'password', message: expect.stringMatching(/^the password is a common password/) }]);
    expect(await sessionsOf(teacher.id)).toBe(1);
    const response = await t.call(await t.as('admin'), 'PATCH', `/api/users/${teacher.id}`, { password: newPassword });
    expect(response.statusCode).toBe(200);
    expect(await sessionsOf(teacher.id)).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: teacher.cookie } })).statusCode).toBe(401);
    expect((await login(teacher.username, password)).statusCode).toBe(401);
    expect((await login(teacher.username, newPassword)).statusCode).toBe(200);
    const audit = await t.audited('user.update', teacher.id);
    expect(audit).toMatchObject([{ detail: { fields: ['password'], sessionsEnded: 1 } }]);
    expect(JSON.stringify(audit)).not.toContain(newPassword);
    expect(JSON.stringify(audit)).not.toContain('argon2');
  });

  it('disables a user: sessions end and sign-in is refused; enabling lets them back', async () => {
    const teacher = await teacherSignedIn();
    const admin = await t.as('admin');
    const response = await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, { disabled: true });
    expect(userAnswer.parse(response.json()).user.disabled).toBe(true);
    expect(await sessionsOf(teacher.id)).toBe(0);
    expect((await login(teacher.username, password)).statusCode).toBe(401);
    await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, { disabled: false });
    expect((await login(teacher.username, password)).statusCode).toBe(200);
    expect((await t.audited('user.update', teacher.id)).map((entry) => entry.detail)).toMatchObject([
      { fields: ['disabled'], disabled: true, sessionsEnded: 1 },
      { fields: ['disabled'], disabled: false, sessionsEnded: 0 },
    ]);
  });

  it('unlocks a locked-out account', async () => {
    const teacher = await teacherSignedIn();
    await t.db
      .update(users)
      .set({ failedLoginAttempts: 2, lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(users.id, teacher.id));
    expect((await login(teacher.username, password)).statusCode).toBe(401);
    const response = await t.call(await t.as('admin'), 'PATCH', `/api/users/${teacher.id}`, { unlock: true });
    expect(userAnswer.parse(response.json()).user.lockedUntil).toBeNull();
    const [row] = await t.db.select().from(users).where(eq(users.id, teacher.id));
    expect(row).toMatchObject({ failedLoginAttempts: 0, lockedUntil: null });
    expect((await login(teacher.username, password)).statusCode).toBe(200);
  });

  it('resets TOTP: the secret goes, the user must enrol again, their sessions end', async () => {
    const tech = await t.as('technician');
    await t.db.update(users).set({ totpSecretEncrypted: 'sealed-secret', totpLastStep: 42 }).where(eq(users.id, tech.user.id));
    const response = await t.call(await t.as('admin'), 'PATCH', `/api/users/${tech.user.id}`, { resetTotp: true });
    expect(userAnswer.parse(response.json()).user.totpEnrolled).toBe(false);
    const [row] = await t.db.select().from(users).where(eq(users.id, tech.user.id));
    expect(row).toMatchObject({ totpSecretEncrypted: null, totpEnabledAt: null, totpLastStep: null });
    expect(await sessionsOf(tech.user.id)).toBe(0);
  });

  it('changes role, name, site and rooms, audited field by field; an empty change changes nothing', async () => {
    const teacher = await teacherSignedIn();
    const admin = await t.as('admin');
    const response = await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, {
      role: 'dsl',
      displayName: 'Dr Teacher',
      siteId: t.estate.siteId,
      roomIds: [t.estate.roomA, t.estate.roomB],
    });
    expect(response.statusCode).toBe(200);
    const { user } = userAnswer.parse(response.json());
    expect(user).toMatchObject({ role: 'dsl', displayName: 'Dr Teacher', siteId: t.estate.siteId });
    expect(user.rooms.map((room) => room.id).sort()).toEqual([t.estate.roomA, t.estate.roomB].sort());
    const [entry] = await t.audited('user.update', teacher.id);
    expect(entry?.detail).toMatchObject({ fields: ['displayName', 'role', 'siteId', 'roomIds'], role: { from: 'teacher', to: 'dsl' }, sessionsEnded: 0 });

    // The new role applies to the session at once (it is read on every request): a DSL must enrol TOTP first.
    const asDsl = await t.app.inject({ method: 'GET', url: '/api/devices', headers: { cookie: teacher.cookie } });
    expect(asDsl.statusCode).toBe(403);
    expect(asDsl.json().error.code).toBe('totp-enrolment-required');

    expect((await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, {})).statusCode).toBe(200);
    expect((await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, { role: 'dsl' })).statusCode).toBe(200);
    expect(await t.audited('user.update', teacher.id)).toHaveLength(1);

    const moved = await t.call(admin, 'PATCH', `/api/users/${teacher.id}`, { siteId: t.estate.otherSiteId });
    expect(moved.statusCode).toBe(400);
    expect(fieldsOf(moved.json())).toEqual(['siteId']);
    expect((await t.call(admin, 'PATCH', '/api/users/nope', { role: 'viewer' })).json().error.code).toBe('user-not-found');
  });

  it('keeps a site-limited admin to accounts of their own site', async () => {
    const northAdmin = await t.as('admin', { site: 'north' });
    const trustWide = await t.call(northAdmin, 'POST', '/api/users', { username: uniqueName('tw'), displayName: 'X', role: 'viewer', password });
    expect(trustWide.statusCode).toBe(403);
    const local = await t.call(northAdmin, 'POST', '/api/users', {
      username: uniqueName('local'),
      displayName: 'X',
      role: 'teacher',
      siteId: t.estate.siteId,
      roomIds: [t.estate.roomA],
      password,
    });
    expect(local.statusCode).toBe(201);
    const southUser = userAnswer.parse(
      (
        await t.call(await t.as('admin'), 'POST', '/api/users', {
          username: uniqueName('s'),
          displayName: 'S',
          role: 'viewer',
          siteId: t.estate.otherSiteId,
          password,
        })
      ).json(),
    ).user;
    const touch = await t.call(northAdmin, 'PATCH', `/api/users/${southUser.id}`, { disabled: true });
    expect(touch.statusCode).toBe(403);
    expect(touch.json().error.code).toBe('site-forbidden');
    const escape = await t.call(northAdmin, 'PATCH', `/api/users/${userAnswer.parse(local.json()).user.id}`, { siteId: null });
    expect(escape.statusCode).toBe(403);
  });
});

describe('the last enabled admin', () => {
  it('cannot demote or disable themselves (409); once there is another admin, they can', async () => {
    const me = await t.as('admin');
    // Make `me` the only enabled admin.
    await t.db
      .update(users)
      .set({ disabled: true })
      .where(and(eq(users.role, 'admin'), ne(users.id, me.user.id)));

    const demote = await t.call(me, 'PATCH', `/api/users/${me.user.id}`, { role: 'technician' });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.code).toBe('last-admin');
    const disable = await t.call(me, 'PATCH', `/api/users/${me.user.id}`, { disabled: true });
    expect(disable.statusCode).toBe(409);
    const [row] = await t.db.select().from(users).where(eq(users.id, me.user.id));
    expect(row).toMatchObject({ role: 'admin', disabled: false });
    expect(await t.audited('user.update', me.user.id)).toEqual([]);

    // Other changes to the last admin are fine.
    expect((await t.call(me, 'PATCH', `/api/users/${me.user.id}`, { displayName: 'The Head' })).statusCode).toBe(200);

    const other = userAnswer.parse((await t.call(me, 'PATCH', `/api/users/${(await t.as('technician')).user.id}`, { role: 'admin' })).json()).user;
    expect(other.role).toBe('admin');
    expect((await t.call(me, 'PATCH', `/api/users/${me.user.id}`, { role: 'technician' })).statusCode).toBe(200);
    // The demoted admin's own session now has a technician's rights.
    expect((await t.call(me, 'POST', '/api/users', { username: uniqueName('late'), displayName: 'X', role: 'viewer', password })).statusCode).toBe(403);
  });
});
