import { makeEnvelope } from '@vigil/shared';
import { commandResponseSchema, messageReceiptsResponseSchema, roomDevicesResponseSchema, roomsResponseSchema, type DeviceTile } from '@vigil/shared/console';
import { and, eq } from 'drizzle-orm';
import type { HTTPMethods } from 'fastify';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityMessage, heartbeatMessage } from '../agents/testing/test-agent.ts';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { activitySpans, auditLog, deviceLocks, devices, sites, users, type UserRole } from '../db/schema/index.ts';
import { hashSecret } from '../security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { enrolInto, seedTwoRooms, startLiveApp, type LiveAgent, type LiveTestApp, type TwoRooms } from './testing/live-test-app.ts';

// The live view's HTTP side on the whole app: who may call what, what a teacher of one
// room can and cannot reach, the tiles (database + what agents said), and the commands.

let database: TestDatabase;
let live: LiveTestApp;
let rooms: TwoRooms;
let a1: LiveAgent;
let a2: string;
let b1: string;
let retired: string;

async function insertDevice(hostname: string, roomId: string, extra: Partial<typeof devices.$inferInsert> = {}): Promise<string> {
  const [row] = await database.db
    .insert(devices)
    .values({ hostname, os: 'windows', siteId: rooms.siteId, roomId, secretHash: hashSecret(hostname), ...extra })
    .returning({ id: devices.id });
  if (row === undefined) throw new Error('no device');
  return row.id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  live = await startLiveApp(database);
  rooms = await seedTwoRooms(live.app, 'Northfield');
  a1 = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomA, 'ict-a1');
  a2 = await insertDevice('ict-a2', rooms.roomA, { lastOsUser: 'pupil.brown', lastSeenAt: new Date('2030-01-06T08:00:00Z') });
  b1 = await insertDevice('ict-b1', rooms.roomB);
  retired = await insertDevice('ict-a-old', rooms.roomA, { retired: true });
  // Stored spans: the newest is the tile's app and title until the device says something.
  await database.db.insert(activitySpans).values([
    {
      id: ulid(),
      deviceId: a2,
      app: 'word',
      title: 'Essay draft',
      osUser: 'pupil.brown',
      startedAt: new Date('2030-01-06T07:00:00Z'),
      endedAt: new Date('2030-01-06T07:10:00Z'),
    },
    {
      id: ulid(),
      deviceId: a2,
      app: 'chrome',
      title: 'BBC Bitesize',
      osUser: 'pupil.brown',
      startedAt: new Date('2030-01-06T07:10:00Z'),
      endedAt: new Date('2030-01-06T07:20:00Z'),
    },
  ]);
});
afterAll(async () => {
  a1.agent.close();
  await live.close();
  await database.drop();
});

async function call(session: SignedIn | undefined, method: HTTPMethods, url: string, payload?: unknown) {
  return live.app.inject({ method, url, headers: session?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
}

const teacherOf = (...roomIds: string[]) => signInAs(live.app, { role: 'teacher', rooms: roomIds });

describe('who may call the live routes', () => {
  // Room A's routes, each with a body that succeeds for an allowed caller.
  const routes = (): Array<{ name: string; method: HTTPMethods; url: string; payload?: unknown }> => [
    { name: 'GET /api/rooms', method: 'GET', url: '/api/rooms' },
    { name: 'GET devices', method: 'GET', url: `/api/rooms/${rooms.roomA}/devices` },
    { name: 'POST lock', method: 'POST', url: `/api/rooms/${rooms.roomA}/lock`, payload: { deviceIds: [a2] } },
    { name: 'POST unlock', method: 'POST', url: `/api/rooms/${rooms.roomA}/unlock`, payload: { deviceIds: [a2] } },
    { name: 'POST message', method: 'POST', url: `/api/rooms/${rooms.roomA}/message`, payload: { deviceIds: [a2], text: 'Eyes on the board' } },
  ];
  const table: Array<[string, () => Promise<SignedIn | undefined>, number]> = [
    ['anonymous', async () => undefined, 401],
    ['viewer', () => signInAs(live.app, { role: 'viewer' }), 403],
    ['teacher of room A', () => teacherOf(rooms.roomA), 200],
    ...(['technician', 'dsl', 'admin'] as const).map((role: UserRole): [string, () => Promise<SignedIn>, number] => [
      role,
      () => signInAs(live.app, { role }),
      200,
    ]),
    ['technician of this site', () => signInAs(live.app, { role: 'technician', siteId: rooms.siteId }), 200],
  ];

  it.each(table)('%s gets %i on every route of room A', async (_who, session, status) => {
    const signedIn = await session();
    const answers = [];
    for (const route of routes()) answers.push(`${route.name} ${(await call(signedIn, route.method, route.url, route.payload)).statusCode}`);
    expect(answers).toEqual(routes().map((route) => `${route.name} ${status}`));
  });

  it('a teacher of room A gets 403 room-forbidden on every route of room B, and no lock is stored', async () => {
    const teacher = await teacherOf(rooms.roomA);
    for (const [method, url, payload] of [
      ['GET', `/api/rooms/${rooms.roomB}/devices`, undefined],
      ['POST', `/api/rooms/${rooms.roomB}/lock`, {}],
      ['POST', `/api/rooms/${rooms.roomB}/unlock`, {}],
      ['POST', `/api/rooms/${rooms.roomB}/message`, { text: 'hello' }],
    ] as const) {
      const response = await call(teacher, method, url, payload);
      expect(`${method} ${url} ${response.statusCode} ${response.json().error?.code}`).toBe(`${method} ${url} 403 room-forbidden`);
    }
    expect(await database.db.$count(deviceLocks, eq(deviceLocks.deviceId, b1))).toBe(0);
  });

  it('a teacher cannot reach room B devices by naming them in a room A command', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const response = await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/lock`, { deviceIds: [a1.deviceId, b1] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'device-not-in-room', message: expect.stringContaining(b1) });
    expect(await database.db.$count(deviceLocks, eq(deviceLocks.deviceId, b1))).toBe(0);
  });

  it('staff of another site see none of this site’s rooms', async () => {
    const [other] = await database.db.insert(sites).values({ name: 'Southfield' }).returning();
    const technician = await signInAs(live.app, { role: 'technician', siteId: other?.id ?? null });
    expect(roomsResponseSchema.parse((await call(technician, 'GET', '/api/rooms')).json()).rooms).toEqual([]);
    expect((await call(technician, 'GET', `/api/rooms/${rooms.roomA}/devices`)).json().error.code).toBe('room-forbidden');
  });
});

describe('GET /api/rooms', () => {
  it('lists a teacher’s own rooms only, with device and online counts (retired devices left out)', async () => {
    const body = roomsResponseSchema.parse((await call(await teacherOf(rooms.roomA), 'GET', '/api/rooms')).json());
    expect(body.rooms).toEqual([{ id: rooms.roomA, name: 'Room A', siteId: rooms.siteId, siteName: 'Northfield', deviceCount: 2, onlineCount: 1 }]);
  });

  it('lists every room of the site for an admin', async () => {
    const body = roomsResponseSchema.parse((await call(await signInAs(live.app, { role: 'admin' }), 'GET', '/api/rooms')).json());
    expect(body.rooms.filter((room) => room.siteId === rooms.siteId).map((room) => [room.name, room.deviceCount])).toEqual([
      ['Room A', 2],
      ['Room B', 1],
    ]);
  });

  it('lists nothing for a teacher with no rooms', async () => {
    expect((await call(await teacherOf(), 'GET', '/api/rooms')).json()).toEqual({ rooms: [] });
  });
});

describe('GET /api/rooms/:roomId/devices', () => {
  const tiles = async (): Promise<Map<string, DeviceTile>> => {
    const body = roomDevicesResponseSchema.parse((await call(await teacherOf(rooms.roomA), 'GET', `/api/rooms/${rooms.roomA}/devices`)).json());
    expect(body.room).toMatchObject({ id: rooms.roomA, deviceCount: 2, onlineCount: 1 });
    return new Map(body.devices.map((tile) => [tile.id, tile]));
  };

  it('shows each device of the room: connection, last user, capabilities, and the newest stored span', async () => {
    const byId = await tiles();
    expect([...byId.keys()].sort()).toEqual([a1.deviceId, a2].sort());
    expect(byId.has(retired)).toBe(false);
    expect(byId.get(a1.deviceId)).toMatchObject({
      hostname: 'ict-a1',
      connection: 'online',
      osUser: 'pupil.jones',
      capabilities: ['live', 'lock', 'message', 'window'],
    });
    expect(byId.get(a2)).toMatchObject({
      hostname: 'ict-a2',
      os: 'windows',
      connection: 'offline',
      osUser: 'pupil.brown',
      app: 'chrome',
      title: 'BBC Bitesize',
      lastSeenAt: '2030-01-06T08:00:00.000Z',
      lock: null,
      screenLocked: false,
      keyboard: null,
    });
  });

  it('overlays what the agent said since: its newest window, heartbeat state', async () => {
    a1.agent.send(activityMessage({ app: 'firefox', title: 'Photosynthesis — Wikipedia' }));
    a1.agent.send(activityMessage({ app: 'older', title: 'A replayed older span', start: Date.now() - 600_000, end: Date.now() - 500_000 }));
    const heartbeat = heartbeatMessage();
    a1.agent.send({ ...heartbeat, payload: { ...heartbeat.payload, locked: true, idleSeconds: 42, keyboard: 'paused' } });
    await expect
      .poll(async () => (await tiles()).get(a1.deviceId), { message: 'the heartbeat on the tile', timeout: 5_000 })
      .toMatchObject({ app: 'firefox', title: 'Photosynthesis — Wikipedia', screenLocked: true, idleSeconds: 42, keyboard: 'paused', connection: 'online' });
  });

  it('shows the lock in force; an expired timed lock is not in force', async () => {
    const [teacherRow] = await database.db
      .insert(users)
      .values({ username: `t-${ulid()}`, displayName: 'Ms Patel', role: 'teacher' })
      .returning();
    const until = new Date(Date.now() + 600_000);
    await database.db.delete(deviceLocks).where(eq(deviceLocks.deviceId, a2));
    await database.db
      .insert(deviceLocks)
      .values({ deviceId: a2, locked: true, lockId: 'L-active', message: 'Eyes front', until, byUserId: teacherRow?.id ?? null });
    expect((await tiles()).get(a2)?.lock).toEqual({ lockId: 'L-active', message: 'Eyes front', until: until.toISOString(), by: 'Ms Patel', confirmed: false });
    await database.db
      .update(deviceLocks)
      .set({ until: new Date(Date.now() - 1_000) })
      .where(eq(deviceLocks.deviceId, a2));
    expect((await tiles()).get(a2)?.lock).toBeNull();
    await database.db.delete(deviceLocks).where(eq(deviceLocks.deviceId, a2));
  });
});

describe('room commands', () => {
  const audits = (deviceId: string, action: string) =>
    database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, deviceId), eq(auditLog.action, action)));

  it('locks every device of the room: stored, audited, pushed to the connected agent', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const response = await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/lock`, { message: 'Eyes on me', minutes: 5 });
    expect(response.statusCode).toBe(200);
    const body = commandResponseSchema.parse(response.json());
    expect(body.deviceIds.sort()).toEqual([a1.deviceId, a2].sort());
    expect(body.delivered).toBe(1);
    const lock = await a1.agent.next('lock', 5_000);
    expect(lock.payload).toMatchObject({ on: true, lockId: body.lockId, message: 'Eyes on me', by: 'Test teacher' });
    expect(lock.payload.until).toBeGreaterThan(Date.now() + 4 * 60_000);
    expect((await audits(a2, 'lock.on')).filter((entry) => entry.detail?.lockId === body.lockId)).toHaveLength(1);

    const unlocked = commandResponseSchema.parse((await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/unlock`, { deviceIds: [a1.deviceId] })).json());
    expect(unlocked).toMatchObject({ deviceIds: [a1.deviceId], delivered: 1 });
    expect((await a1.agent.next('lock', 5_000)).payload).toMatchObject({ on: false, lockId: unlocked.lockId });
    await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/unlock`, {});
  });

  it('sends a message to the connected devices and audits it for every device named', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const body = commandResponseSchema.parse((await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/message`, { text: 'Five minutes left' })).json());
    expect(body).toEqual({ deviceIds: expect.arrayContaining([a1.deviceId, a2]), delivered: 1, messageId: expect.any(String) });
    const message = await a1.agent.next('message');
    expect(message.payload).toMatchObject({ id: body.messageId, text: 'Five minutes left', from: 'Test teacher', reportShown: true });
    const ofThisMessage = async (deviceId: string) =>
      (await audits(deviceId, 'device.message')).filter((entry) => entry.detail?.messageId === message.payload.id);
    expect(await ofThisMessage(a2)).toEqual([
      expect.objectContaining({
        actorUserId: teacher.user.id,
        detail: { text: 'Five minutes left', connected: false, roomId: rooms.roomA, messageId: message.payload.id },
      }),
    ]);
    expect(await ofThisMessage(a1.deviceId)).toEqual([expect.objectContaining({ detail: expect.objectContaining({ connected: true }) })]);
  });

  it('records what each PC showed (message-shown, once) and tells the room staff, delivered vs shown', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const body = commandResponseSchema.parse((await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/message`, { text: 'Save your work' })).json());
    const message = await a1.agent.next('message');
    const url = `/api/rooms/${rooms.roomA}/messages/${message.payload.id}`;
    const receipts = async (session: SignedIn = teacher) => call(session, 'GET', url);
    expect(messageReceiptsResponseSchema.parse((await receipts()).json())).toEqual({
      messageId: body.messageId,
      deviceIds: expect.arrayContaining([a1.deviceId, a2]),
      shown: [],
    });
    const shown = makeEnvelope('message-shown', { id: ulid(), messageId: message.payload.id, via: 'window', at: 1_900_000_000_000 });
    a1.agent.send(shown);
    await a1.agent.acked([shown.id]);
    // An outbox replay of the same report adds nothing.
    const again = makeEnvelope('message-shown', { id: ulid(), messageId: message.payload.id, via: 'window', at: 1_900_000_000_001 });
    a1.agent.send(again);
    await a1.agent.acked([again.id]);
    expect(messageReceiptsResponseSchema.parse((await receipts()).json()).shown).toEqual([{ deviceId: a1.deviceId, via: 'window', at: 1_900_000_000_000 }]);
    expect((await audits(a1.deviceId, 'device.message-shown')).filter((e) => e.detail?.messageId === message.payload.id)).toHaveLength(1);
    // A report for a message this PC was never sent is not recorded.
    const stray = makeEnvelope('message-shown', { id: ulid(), messageId: ulid(), via: 'window', at: 1 });
    a1.agent.send(stray);
    await a1.agent.acked([stray.id]);
    expect((await audits(a1.deviceId, 'device.message-shown')).filter((e) => e.detail?.messageId === stray.payload.messageId)).toEqual([]);
    // Another room's teacher cannot ask; an unknown message is 404.
    expect((await receipts(await teacherOf(rooms.roomB))).statusCode).toBe(403);
    expect((await call(teacher, 'GET', `/api/rooms/${rooms.roomA}/messages/${ulid()}`)).statusCode).toBe(404);
    expect((await call(teacher, 'GET', `/api/rooms/${rooms.roomB}/messages/${message.payload.id}`)).statusCode).toBe(403);
  });

  it('refuses bad bodies with validation-failed and names the fields', async () => {
    const teacher = await teacherOf(rooms.roomA);
    for (const [path, payload, field] of [
      ['lock', { minutes: 0 }, 'minutes'],
      ['lock', { message: 'x'.repeat(501) }, 'message'],
      ['lock', { deviceIds: [] }, 'deviceIds'],
      ['unlock', { everything: true }, ''],
      ['message', { text: '' }, 'text'],
    ] as const) {
      const response = await call(teacher, 'POST', `/api/rooms/${rooms.roomA}/${path}`, payload);
      expect(response.statusCode, `${path} ${JSON.stringify(payload)}`).toBe(400);
      expect(response.json().error.code).toBe('validation-failed');
      expect(response.json().error.details.fields.map((entry: { path: string }) => entry.path)).toContain(field);
    }
  });

  it('answers 400 room-empty for a command to a room with no devices', async () => {
    const empty = await seedTwoRooms(live.app);
    const admin = await signInAs(live.app, { role: 'admin' });
    const response = await call(admin, 'POST', `/api/rooms/${empty.roomA}/lock`, {});
    expect([response.statusCode, response.json().error.code]).toEqual([400, 'room-empty']);
  });
});
