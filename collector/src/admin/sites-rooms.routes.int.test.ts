import { roomSummarySchema, siteSchema, sitesResponseSchema } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { devices, enrolmentTokens, policies, rooms, userRooms } from '../db/schema/index.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const siteAnswer = z.object({ site: siteSchema });
const roomAnswer = z.object({ room: roomSummarySchema });

const t = useAdminTestApp();

describe('sites', () => {
  it('lists every site to trust-wide staff and only their own to site staff', async () => {
    const all = sitesResponseSchema.parse((await t.call(await t.as('technician'), 'GET', '/api/sites')).json());
    expect(all.sites.map((site) => site.id)).toEqual(expect.arrayContaining([t.estate.siteId, t.estate.otherSiteId]));
    const north = sitesResponseSchema.parse((await t.call(await t.as('dsl', { site: 'north' }), 'GET', '/api/sites')).json());
    expect(north.sites).toEqual([{ id: t.estate.siteId, name: 'Northfield' }]);
  });

  it('lets a trust-wide admin add a site, audited; a second one with the same name is 409', async () => {
    const admin = await t.as('admin');
    const created = await t.call(admin, 'POST', '/api/sites', { name: '  Eastfield ' });
    expect(created.statusCode).toBe(201);
    const { site } = siteAnswer.parse(created.json());
    expect(site.name).toBe('Eastfield');
    expect(await t.audited('site.create', site.id)).toMatchObject([
      { actorUserId: admin.user.id, actorLabel: admin.user.username, detail: { name: 'Eastfield' } },
    ]);

    const again = await t.call(admin, 'POST', '/api/sites', { name: 'Eastfield' });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('site-name-taken');
  });

  it('refuses a site from an admin limited to one site', async () => {
    const response = await t.call(await t.as('admin', { site: 'north' }), 'POST', '/api/sites', { name: 'Westfield' });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('site-forbidden');
  });

  it('names the bad field', async () => {
    const response = await t.call(await t.as('admin'), 'POST', '/api/sites', { name: '', extra: 1 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({
      code: 'validation-failed',
      details: { fields: expect.arrayContaining([expect.objectContaining({ path: 'name' })]) },
    });
    const blank = await t.call(await t.as('admin'), 'POST', '/api/rooms', { siteId: t.estate.siteId, name: '   ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().error.details.fields).toEqual([{ path: 'name', message: 'must not be blank' }]);
  });
});

describe('rooms', () => {
  it('creates, renames and deletes an empty room, each audited', async () => {
    const tech = await t.as('technician', { site: 'north' });
    const created = await t.call(tech, 'POST', '/api/rooms', { siteId: t.estate.siteId, name: 'Science Lab' });
    expect(created.statusCode).toBe(201);
    const { room } = roomAnswer.parse(created.json());
    expect(room).toEqual({ id: room.id, name: 'Science Lab', siteId: t.estate.siteId, siteName: 'Northfield', deviceCount: 0, onlineCount: 0 });
    expect(await t.audited('room.create', room.id)).toHaveLength(1);

    const renamed = await t.call(tech, 'PATCH', `/api/rooms/${room.id}`, { name: 'Lab 2' });
    expect(renamed.statusCode).toBe(200);
    expect(roomAnswer.parse(renamed.json()).room.name).toBe('Lab 2');
    expect(await t.audited('room.rename', room.id)).toMatchObject([{ detail: { from: 'Science Lab', to: 'Lab 2' } }]);

    // The room's policy layer, a teacher's assignment and a token go with it.
    await t.call(tech, 'PUT', `/api/policies/room/${room.id}`, { overrides: { idleLockMinutes: 5 } });
    await t.as('teacher', { rooms: [room.id] });
    const deleted = await t.call(tech, 'DELETE', `/api/rooms/${room.id}`);
    expect(deleted.statusCode).toBe(204);
    expect(await t.db.select().from(rooms).where(eq(rooms.id, room.id))).toEqual([]);
    expect(await t.db.select().from(policies).where(eq(policies.scopeId, room.id))).toEqual([]);
    expect(await t.db.select().from(userRooms).where(eq(userRooms.roomId, room.id))).toEqual([]);
    expect(await t.audited('room.delete', room.id)).toMatchObject([{ detail: { name: 'Lab 2', siteId: t.estate.siteId } }]);
  });

  it('refuses to delete a room with devices in it (409) and keeps it', async () => {
    const response = await t.call(await t.as('admin'), 'DELETE', `/api/rooms/${t.estate.roomA}`);
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'room-not-empty', details: { devices: 2 } });
    expect(await t.db.select({ id: rooms.id }).from(rooms).where(eq(rooms.id, t.estate.roomA))).toHaveLength(1);
    expect(await t.audited('room.delete', t.estate.roomA)).toEqual([]);
  });

  it('counts a retired device as still in the room', async () => {
    const tech = await t.as('technician');
    const { room } = roomAnswer.parse((await t.call(tech, 'POST', '/api/rooms', { siteId: t.estate.siteId, name: 'Store room' })).json());
    const [device] = await t.db
      .insert(devices)
      .values({ hostname: 'old-pc', os: 'windows', siteId: t.estate.siteId, roomId: room.id, secretHash: 'x', retired: true })
      .returning({ id: devices.id });
    expect((await t.call(tech, 'DELETE', `/api/rooms/${room.id}`)).statusCode).toBe(409);
    await t.call(tech, 'PATCH', `/api/devices/${device?.id ?? ''}`, { roomId: null });
    expect((await t.call(tech, 'DELETE', `/api/rooms/${room.id}`)).statusCode).toBe(204);
  });

  it('answers 409 for a name the site already has, and allows it on another site', async () => {
    const admin = await t.as('admin');
    const clash = await t.call(admin, 'POST', '/api/rooms', { siteId: t.estate.siteId, name: 'ICT 1' });
    expect(clash.statusCode).toBe(409);
    expect(clash.json().error.code).toBe('room-name-taken');
    const renameClash = await t.call(admin, 'PATCH', `/api/rooms/${t.estate.roomB}`, { name: 'ICT 1' });
    expect(renameClash.statusCode).toBe(409);
    expect((await t.call(admin, 'POST', '/api/rooms', { siteId: t.estate.otherSiteId, name: 'ICT 1' })).statusCode).toBe(201);
  });

  it("keeps site staff out of another site's rooms: 403, nothing changed", async () => {
    const southTech = await t.as('technician', { site: 'south' });
    const create = await t.call(southTech, 'POST', '/api/rooms', { siteId: t.estate.siteId, name: 'Sneaky' });
    expect(create.statusCode).toBe(403);
    expect(create.json().error.code).toBe('site-forbidden');
    const rename = await t.call(southTech, 'PATCH', `/api/rooms/${t.estate.roomB}`, { name: 'Renamed' });
    expect(rename.statusCode).toBe(403);
    const [roomB] = await t.db.select().from(rooms).where(eq(rooms.id, t.estate.roomB));
    expect(roomB?.name).toBe('ICT 2');
    expect((await t.call(southTech, 'DELETE', `/api/rooms/${t.estate.roomB}`)).statusCode).toBe(403);
  });

  it('answers 404 for unknown rooms and sites', async () => {
    const admin = await t.as('admin');
    expect((await t.call(admin, 'POST', '/api/rooms', { siteId: 'nope', name: 'X' })).json().error.code).toBe('site-not-found');
    expect((await t.call(admin, 'PATCH', '/api/rooms/nope', { name: 'X' })).json().error.code).toBe('room-not-found');
    expect((await t.call(admin, 'DELETE', '/api/rooms/nope')).statusCode).toBe(404);
  });

  it('cascades the enrolment tokens of a deleted room', async () => {
    const admin = await t.as('admin');
    const { room } = roomAnswer.parse((await t.call(admin, 'POST', '/api/rooms', { siteId: t.estate.otherSiteId, name: 'Library' })).json());
    const token = await t.call(admin, 'POST', '/api/enrolment-tokens', { siteId: t.estate.otherSiteId, roomId: room.id });
    expect(token.statusCode).toBe(201);
    expect((await t.call(admin, 'DELETE', `/api/rooms/${room.id}`)).statusCode).toBe(204);
    expect(await t.db.select().from(enrolmentTokens).where(eq(enrolmentTokens.roomId, room.id))).toEqual([]);
  });
});
