import type { FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rooms, sites, userRooms, type UserRole } from '../db/schema/index.ts';
import { AppError } from '../errors/app-error.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { assertRole, canAccessRoom, requireRole, requireRoomAccess, roomScope } from './authorization.ts';
import type { AuthUser } from './request-user.ts';
import { insertUser } from './users.repository.ts';

let database: TestDatabase;
const ids = { siteA: '', siteB: '', roomA1: '', roomA2: '', roomB1: '' };
beforeAll(async () => {
  database = await createTestDatabase();
  const [siteA, siteB] = await database.db
    .insert(sites)
    .values([{ name: 'North' }, { name: 'South' }])
    .returning();
  if (siteA === undefined || siteB === undefined) throw new Error('no sites');
  const made = await database.db
    .insert(rooms)
    .values([
      { siteId: siteA.id, name: 'A1' },
      { siteId: siteA.id, name: 'A2' },
      { siteId: siteB.id, name: 'B1' },
    ])
    .returning();
  Object.assign(ids, { siteA: siteA.id, siteB: siteB.id, roomA1: made[0]?.id, roomA2: made[1]?.id, roomB1: made[2]?.id });
});
afterAll(() => database.drop());

async function user(role: UserRole, siteId: string | null, assigned: string[] = []): Promise<AuthUser> {
  const { id } = await insertUser(database.db, {
    username: `${role}-${Math.random().toString(36).slice(2, 10)}`,
    displayName: role,
    role,
    passwordHash: null,
    siteId,
  });
  if (assigned.length > 0) await database.db.insert(userRooms).values(assigned.map((roomId) => ({ userId: id, roomId })));
  return { id, username: role, displayName: role, role, siteId, totpEnrolled: false };
}

async function accessible(subject: AuthUser): Promise<string[]> {
  const names: string[] = [];
  for (const [name, roomId] of [
    ['A1', ids.roomA1],
    ['A2', ids.roomA2],
    ['B1', ids.roomB1],
    ['missing', '01JAAAAAAAAAAAAAAAAAAAAAAA'],
  ] as const) {
    if (await canAccessRoom(database.db, subject, roomId)) names.push(name);
  }
  return names;
}

describe('canAccessRoom', () => {
  it('lets a teacher into assigned rooms only', async () => {
    const teacher = await user('teacher', ids.siteA, [ids.roomA2]);
    expect(await accessible(teacher)).toEqual(['A2']);
    expect(await roomScope(database.db, teacher)).toEqual({ kind: 'rooms', roomIds: [ids.roomA2] });
  });

  it('lets technician, dsl and admin into every room of their site, or of all sites when site is null', async () => {
    for (const role of ['technician', 'dsl', 'admin'] as const) {
      expect(await accessible(await user(role, ids.siteA)), role).toEqual(['A1', 'A2']);
      expect(await accessible(await user(role, null)), role).toEqual(['A1', 'A2', 'B1']);
    }
    expect(await roomScope(database.db, await user('dsl', ids.siteB))).toEqual({ kind: 'site', siteId: ids.siteB });
    expect(await roomScope(database.db, await user('admin', null))).toEqual({ kind: 'all' });
  });

  it('gives a viewer no room, even one assigned by mistake', async () => {
    const viewer = await user('viewer', null, [ids.roomA1]);
    expect(await accessible(viewer)).toEqual([]);
    expect(await roomScope(database.db, viewer)).toEqual({ kind: 'none' });
  });

  it('requireRoomAccess answers 403 room-forbidden alike for other and missing rooms', async () => {
    const teacher = await user('teacher', ids.siteA, [ids.roomA1]);
    const request = { user: teacher } as unknown as FastifyRequest;
    await expect(requireRoomAccess(database.db, request, ids.roomA1)).resolves.toEqual(teacher);
    for (const roomId of [ids.roomB1, '01JAAAAAAAAAAAAAAAAAAAAAAA']) {
      await expect(requireRoomAccess(database.db, request, roomId)).rejects.toMatchObject({ code: 'room-forbidden', status: 403 });
    }
  });
});

describe('requireRole', () => {
  const requestAs = (role: UserRole | null) =>
    ({ user: role === null ? null : { id: 'u', username: 'u', displayName: 'u', role, siteId: null, totpEnrolled: true } }) as unknown as FastifyRequest;

  it('passes listed roles and refuses others with 403 forbidden, or 401 with nobody signed in', async () => {
    const dslOnly = requireRole('dsl', 'admin');
    await expect(dslOnly(requestAs('dsl'))).resolves.toBeUndefined();
    await expect(dslOnly(requestAs('technician'))).rejects.toMatchObject({ code: 'forbidden', status: 403 });
    await expect(dslOnly(requestAs(null))).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(() => assertRole(requestAs('teacher'), 'admin')).toThrow(AppError);
    expect(assertRole(requestAs('admin'), 'admin').role).toBe('admin');
  });
});
