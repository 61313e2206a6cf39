import { deviceRowSchema, devicesResponseSchema } from '@vigil/shared/console';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { helloMessage, TestAgent } from '../agents/testing/test-agent.ts';
import { devices } from '../db/schema/index.ts';
import type { AdminTestApp } from './testing/admin-test-app.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const deviceAnswer = z.object({ device: deviceRowSchema });

const t = useAdminTestApp();

async function placement(deviceId: string) {
  const [row] = await t.db.select({ siteId: devices.siteId, roomId: devices.roomId, retired: devices.retired }).from(devices).where(eq(devices.id, deviceId));
  return row;
}

describe('GET /api/devices', () => {
  const hostnames = async (who: Parameters<AdminTestApp['call']>[0], query = '') => {
    const response = await t.call(who, 'GET', `/api/devices${query}`);
    expect(response.statusCode).toBe(200);
    return devicesResponseSchema.parse(response.json()).devices.map((device) => device.hostname);
  };

  it('lists every device to trust-wide staff, in contract shape', async () => {
    const response = await t.call(await t.as('dsl'), 'GET', '/api/devices');
    const { devices: rows } = devicesResponseSchema.parse(response.json());
    expect(rows.map((row) => row.hostname).sort()).toEqual(['ict1-pc01', 'ict1-pc02', 'ict2-pc01', 'library-pc', 'south-pc01']);
    expect(rows.find((row) => row.id === t.estate.device.a1)).toMatchObject({
      roomId: t.estate.roomA,
      roomName: 'ICT 1',
      siteId: t.estate.siteId,
      status: 'offline',
      retired: false,
    });
  });

  it("shows site staff their site's devices only, and refuses another site's filter", async () => {
    const north = await t.as('technician', { site: 'north' });
    expect((await hostnames(north)).sort()).toEqual(['ict1-pc01', 'ict1-pc02', 'ict2-pc01', 'library-pc']);
    expect((await t.call(north, 'GET', `/api/devices?siteId=${t.estate.otherSiteId}`)).statusCode).toBe(403);
  });

  it('filters by room, by no room, and by text', async () => {
    const tech = await t.as('technician');
    expect((await hostnames(tech, `?roomId=${t.estate.roomB}`)).sort()).toEqual(['ict2-pc01']);
    expect((await hostnames(tech, '?roomId=none')).sort()).toEqual(['library-pc', 'south-pc01']);
    expect(await hostnames(tech, '?q=LIBRARY')).toEqual(['library-pc']);
    expect(await hostnames(tech, '?q=%25')).toEqual([]);
    expect((await t.call(tech, 'GET', '/api/devices?roomId=nope')).statusCode).toBe(404);
  });
});

describe('PATCH /api/devices/:deviceId', () => {
  it('moves a device to another room, audited, and its effective policy follows the room', async () => {
    const tech = await t.as('technician', { site: 'north' });
    expect((await t.call(tech, 'PUT', `/api/policies/room/${t.estate.roomB}`, { overrides: { idleLockMinutes: 17 } })).statusCode).toBe(200);
    expect((await t.app.policies.forDevice(t.estate.device.a2)).idleLockMinutes).toBe(0);

    const response = await t.call(tech, 'PATCH', `/api/devices/${t.estate.device.a2}`, { roomId: t.estate.roomB });
    expect(response.statusCode).toBe(200);
    expect(deviceAnswer.parse(response.json()).device).toMatchObject({ id: t.estate.device.a2, roomId: t.estate.roomB, roomName: 'ICT 2' });
    expect((await t.app.policies.forDevice(t.estate.device.a2)).idleLockMinutes).toBe(17);
    expect(await t.audited('device.move', t.estate.device.a2)).toMatchObject([
      { actorUserId: tech.user.id, detail: { fromRoomId: t.estate.roomA, toRoomId: t.estate.roomB } },
    ]);
  });

  it("stops a technician of one site moving another site's device, or moving theirs into another site", async () => {
    const north = await t.as('technician', { site: 'north' });
    const theirs = await t.call(north, 'PATCH', `/api/devices/${t.estate.device.c1}`, { roomId: t.estate.roomA });
    expect(theirs.statusCode).toBe(403);
    expect(theirs.json().error.code).toBe('site-forbidden');
    expect(await placement(t.estate.device.c1)).toEqual({ siteId: t.estate.otherSiteId, roomId: null, retired: false });

    const admin = await t.as('admin');
    const southRoom = z
      .object({ room: z.object({ id: z.string() }) })
      .parse((await t.call(admin, 'POST', '/api/rooms', { siteId: t.estate.otherSiteId, name: 'South ICT' })).json()).room.id;
    const away = await t.call(north, 'PATCH', `/api/devices/${t.estate.device.b1}`, { roomId: southRoom });
    expect(away.statusCode).toBe(403);
    expect(await placement(t.estate.device.b1)).toMatchObject({ siteId: t.estate.siteId, roomId: t.estate.roomB });
    expect((await t.call(north, 'PATCH', `/api/devices/${t.estate.device.c1}`, { retired: true })).statusCode).toBe(403);
    expect(await t.audited('device.move', t.estate.device.c1)).toEqual([]);

    // A trust-wide admin may: the device's site follows the room.
    const moved = await t.call(admin, 'PATCH', `/api/devices/${t.estate.device.loose}`, { roomId: southRoom });
    expect(moved.statusCode).toBe(200);
    expect(await placement(t.estate.device.loose)).toEqual({ siteId: t.estate.otherSiteId, roomId: southRoom, retired: false });
    expect(await t.audited('device.move', t.estate.device.loose)).toMatchObject([{ detail: { fromSiteId: t.estate.siteId, toSiteId: t.estate.otherSiteId } }]);
  });

  it('retires a device (audited) and the gateway then refuses it', async () => {
    const tech = await t.as('technician');
    const token = await t.call(tech, 'POST', '/api/enrolment-tokens', { siteId: t.estate.siteId, roomId: t.estate.roomA, uses: 1 });
    const { agent, welcome } = await TestAgent.login(t.agentUrl, { kind: 'enrol', token: token.json().token }, { hostname: 'to-retire' });
    const { deviceId, secret } = welcome.payload;
    agent.close();
    await agent.closed;

    const response = await t.call(tech, 'PATCH', `/api/devices/${deviceId}`, { retired: true });
    expect(response.statusCode).toBe(200);
    expect(deviceAnswer.parse(response.json()).device.retired).toBe(true);
    expect(await t.audited('device.retire', deviceId)).toHaveLength(1);

    const again = await TestAgent.connect(t.agentUrl);
    again.send(helloMessage({ kind: 'device', deviceId, secret: secret ?? '' }, { hostname: 'to-retire' }));
    expect(await again.closed).toEqual({ code: 4403, reason: 'device-retired' });

    const reinstated = await t.call(tech, 'PATCH', `/api/devices/${deviceId}`, { retired: false });
    expect(deviceAnswer.parse(reinstated.json()).device.retired).toBe(false);
    expect(await t.audited('device.reinstate', deviceId)).toHaveLength(1);
  });

  it('changes nothing and audits nothing when the device is already so', async () => {
    const tech = await t.as('technician');
    const response = await t.call(tech, 'PATCH', `/api/devices/${t.estate.device.b1}`, { roomId: t.estate.roomB, retired: false });
    expect(response.statusCode).toBe(200);
    expect(await t.audited('device.move', t.estate.device.b1)).toEqual([]);
    expect(await t.audited('device.retire', t.estate.device.b1)).toEqual([]);
  });

  it('answers 400 naming the field, 404 for an unknown device or room', async () => {
    const tech = await t.as('technician');
    const bad = await t.call(tech, 'PATCH', `/api/devices/${t.estate.device.b1}`, { roomId: 5, colour: 'red' });
    expect(bad.statusCode).toBe(400);
    const paths = bad.json().error.details.fields.map((field: { path: string }) => field.path);
    expect(paths).toEqual(expect.arrayContaining(['roomId']));
    expect((await t.call(tech, 'PATCH', '/api/devices/nope', { retired: true })).json().error.code).toBe('device-not-found');
    expect((await t.call(tech, 'PATCH', `/api/devices/${t.estate.device.b1}`, { roomId: 'nope' })).json().error.code).toBe('room-not-found');
  });
});
