import { makeEnvelope } from '@vigil/shared';
import { LIVE_FOCUS, LIVE_GRID } from '@vigil/shared/console';
import { and, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activityMessage, heartbeatMessage, TestAgent } from '../agents/testing/test-agent.ts';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { deleteUserSessions } from '../auth/session.repository.ts';
import { auditLog, userRooms } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ConsoleClient, RefusedUpgrade } from './testing/console-client.ts';
import { enrolInto, seedTwoRooms, startLiveApp, type LiveAgent, type LiveTestApp, type TwoRooms } from './testing/live-test-app.ts';

// WS /console/live end to end: real console sockets (the `ws` client, a session cookie
// and an Origin) and agents connected over the real /agent/v1 socket.

let database: TestDatabase;
let live: LiveTestApp;
let rooms: TwoRooms;

beforeAll(async () => {
  database = await createTestDatabase();
  live = await startLiveApp(database);
  rooms = await seedTwoRooms(live.app, 'Northfield');
});
afterAll(async () => {
  await live.close();
  await database.drop();
});

const openAs = (session: SignedIn, origin = live.origin) => ConsoleClient.connect(live.liveUrl, { cookie: session.headers.cookie, origin });
const teacherOf = (...roomIds: string[]) => signInAs(live.app, { role: 'teacher', rooms: roomIds });

/**
 * Sends the agent a message it will certainly receive (a teacher message through the
 * HTTP route) and waits for it: everything the collector sent the agent before is then
 * in `agent.received`, so a test can check that something was NOT sent without sleeping.
 */
async function settle(agent: LiveAgent, roomId: string): Promise<void> {
  const admin = await signInAs(live.app, { role: 'admin' });
  const text = `marker ${Math.random()}`;
  const response = await live.app.inject({
    method: 'POST',
    url: `/api/rooms/${roomId}/message`,
    headers: admin.headers,
    payload: { deviceIds: [agent.deviceId], text },
  });
  expect(response.statusCode).toBe(200);
  await agent.agent.next('message', 5_000);
}

const liveCommands = (agent: LiveAgent) => agent.agent.received.filter((message) => message.type === 'live').map((message) => message.payload);

describe('who may use the console socket (every role, every client message)', () => {
  // What each caller gets: the upgrade refused, or for `watch` of room A `room` / `error room-forbidden`.
  const table: Array<[string, () => Promise<SignedIn | undefined>, 'refused-401' | 'refused-403' | 'room' | 'room-forbidden']> = [
    ['anonymous', async () => undefined, 'refused-401'],
    ['viewer', () => signInAs(live.app, { role: 'viewer' }), 'refused-403'],
    ['teacher of room A', () => teacherOf(rooms.roomA), 'room'],
    ['teacher of room B only', () => teacherOf(rooms.roomB), 'room-forbidden'],
    ['technician', () => signInAs(live.app, { role: 'technician' }), 'room'],
    ['dsl', () => signInAs(live.app, { role: 'dsl' }), 'room'],
    ['admin', () => signInAs(live.app, { role: 'admin' }), 'room'],
  ];

  it.each(table)('%s: %s', async (_who, session, expected) => {
    const signedIn = await session();
    if (expected === 'refused-401' || expected === 'refused-403') {
      const connect = signedIn === undefined ? ConsoleClient.connect(live.liveUrl, { origin: live.origin }) : openAs(signedIn);
      await expect(connect).rejects.toMatchObject({ status: expected === 'refused-401' ? 401 : 403 });
      return;
    }
    if (signedIn === undefined) throw new Error('a signed-in caller was expected');
    const viewer = await openAs(signedIn);
    await viewer.next('hello');
    viewer.send({ type: 'visibility', visible: true });
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    if (expected === 'room') expect((await viewer.next('room')).room.id).toBe(rooms.roomA);
    else expect(await viewer.next('error')).toMatchObject({ code: 'room-forbidden' });
    // focus and unwatch are accepted (no error, no close); a second watch is judged again.
    viewer.send({ type: 'focus', deviceId: null });
    viewer.send({ type: 'unwatch' });
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    if (expected === 'room') expect((await viewer.next('room')).room.id).toBe(rooms.roomA);
    else expect(await viewer.next('error')).toMatchObject({ code: 'room-forbidden' });
    expect(viewer.received.filter((message) => message.type === 'error' && message.code !== 'room-forbidden')).toEqual([]);
    viewer.close();
    // An accepted watch is on the record (twice here); a refused one is not.
    const watches = () =>
      database.db.$count(auditLog, and(eq(auditLog.action, 'live.watch'), eq(auditLog.actorUserId, signedIn.user.id), eq(auditLog.targetId, rooms.roomA)));
    await expect.poll(watches, { message: 'the live.watch audit entries', timeout: 5_000 }).toBe(expected === 'room' ? 2 : 0);
  });
});

describe('the console socket', () => {
  it('says hello, answers watch with the room, then sends device changes from the agent', async () => {
    const agent = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomA, 'sock-a1');
    const teacher = await teacherOf(rooms.roomA);
    const viewer = await openAs(teacher);
    expect(await viewer.next('hello')).toEqual({ type: 'hello', user: 'Test teacher', role: 'teacher' });
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    const room = await viewer.next('room');
    expect(room.room).toMatchObject({ id: rooms.roomA, name: 'Room A', siteName: 'Northfield' });
    expect(room.devices.find((tile) => tile.id === agent.deviceId)).toMatchObject({ hostname: 'sock-a1', connection: 'online' });

    agent.agent.send(activityMessage({ app: 'code', title: 'homework.py — VS Code' }));
    const changed = await viewer.next('device', 5_000, (message) => message.device.id === agent.deviceId && message.device.app === 'code');
    expect(changed.device).toMatchObject({ title: 'homework.py — VS Code', osUser: 'pupil.jones', roomId: rooms.roomA });

    const heartbeat = heartbeatMessage();
    agent.agent.send({ ...heartbeat, payload: { ...heartbeat.payload, locked: true, keyboard: 'paused' } });
    expect((await viewer.next('device', 5_000, (message) => message.device.keyboard === 'paused')).device).toMatchObject({
      id: agent.deviceId,
      screenLocked: true,
    });

    agent.agent.close();
    expect((await viewer.next('device', 5_000, (message) => message.device.connection === 'offline')).device.id).toBe(agent.deviceId);
    viewer.close();
    expect(viewer.undecodable).toEqual([]);
  });

  it('shows a lock made through the API (by anyone) on the watchers’ tiles', async () => {
    const agent = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomA, 'sock-lock');
    const viewer = await openAs(await teacherOf(rooms.roomA));
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    await viewer.next('room');
    const other = await signInAs(live.app, { role: 'technician' });
    const locked = await live.app.inject({
      method: 'POST',
      url: `/api/rooms/${rooms.roomA}/lock`,
      headers: other.headers,
      payload: { deviceIds: [agent.deviceId], message: 'Stop' },
    });
    const { lockId } = locked.json<{ lockId: string }>();
    const tile = await viewer.next('device', 5_000, (message) => message.device.id === agent.deviceId && message.device.lock !== null);
    expect(tile.device.lock).toMatchObject({ lockId, message: 'Stop', confirmed: false });
    // The agent puts its lock screen up and says so: the lock is confirmed.
    await agent.agent.next('lock');
    agent.agent.send(makeEnvelope('lock-state', { id: ulid(), locked: true, reason: 'teacher', at: Date.now(), lockId }));
    expect((await viewer.next('device', 5_000, (message) => message.device.lock?.confirmed === true)).device).toMatchObject({
      id: agent.deviceId,
      screenLocked: true,
    });
    await live.app.inject({ method: 'POST', url: `/api/rooms/${rooms.roomA}/unlock`, headers: other.headers, payload: { deviceIds: [agent.deviceId] } });
    await viewer.next('device', 5_000, (message) => message.device.id === agent.deviceId && message.device.lock === null);
    viewer.close();
    agent.agent.close();
  });

  it('a locked PC whose agent is gone shows as gone with its lock waiting, never as locked', async () => {
    const agent = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomA, 'sock-gone');
    const viewer = await openAs(await teacherOf(rooms.roomA));
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    await viewer.next('room');
    const admin = await signInAs(live.app, { role: 'admin' });
    const locked = await live.app.inject({
      method: 'POST',
      url: `/api/rooms/${rooms.roomA}/lock`,
      headers: admin.headers,
      payload: { deviceIds: [agent.deviceId], message: 'Pens down' },
    });
    const { lockId } = locked.json<{ lockId: string }>();
    await agent.agent.next('lock');
    // The heartbeat names the teacher lock on screen (as after a collector restart, with no lock-state): confirmed.
    const heartbeat = heartbeatMessage();
    agent.agent.send({ ...heartbeat, payload: { ...heartbeat.payload, locked: true, keyboard: 'paused', teacherLockId: lockId } });
    const confirmed = await viewer.next('device', 5_000, (message) => message.device.id === agent.deviceId && message.device.lock?.confirmed === true);
    expect(confirmed.device).toMatchObject({ screenLocked: true, keyboard: 'paused', connection: 'online' });

    // Killed (no bye): the tile says the agent is gone; the lock is still the teacher's, waiting, not on screen.
    agent.agent.drop();
    const gone = await viewer.next('device', 5_000, (message) => message.device.id === agent.deviceId && message.device.connection === 'offline');
    expect(gone.device).toMatchObject({ agentGone: true, screenLocked: false, lockReason: null, lock: { lockId, confirmed: false } });
    // A fresh look at the room (a console opened later) says the same.
    const later = await openAs(await teacherOf(rooms.roomA));
    later.send({ type: 'watch', roomId: rooms.roomA });
    expect((await later.next('room')).devices.find((tile) => tile.id === agent.deviceId)).toMatchObject({
      agentGone: true,
      screenLocked: false,
      lock: { confirmed: false },
    });
    later.close();
    viewer.close();
  });

  it('refuses a teacher another room’s watch, and a room they were taken off since', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const viewer = await openAs(teacher);
    viewer.send({ type: 'watch', roomId: rooms.roomB });
    expect(await viewer.next('error')).toMatchObject({ code: 'room-forbidden' });
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    await viewer.next('room');

    await database.db.delete(userRooms).where(and(eq(userRooms.userId, teacher.user.id), eq(userRooms.roomId, rooms.roomA)));
    viewer.send({ type: 'watch', roomId: rooms.roomA });
    expect(await viewer.next('error')).toMatchObject({ code: 'room-forbidden' });
    expect(viewer.received.filter((message) => message.type === 'room')).toHaveLength(1);
    viewer.close();
  });

  it('refuses an upgrade from another origin (403), without an origin, and without a session (401)', async () => {
    const teacher = await teacherOf(rooms.roomA);
    for (const origin of ['http://evil.example', 'http://127.0.0.1.evil.example', 'null']) {
      const refused = await openAs(teacher, origin).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(refused, origin).toBeInstanceOf(RefusedUpgrade);
      expect((refused as RefusedUpgrade).status).toBe(403);
      expect(JSON.parse((refused as RefusedUpgrade).body).error.code).toBe('origin-forbidden');
    }
    await expect(ConsoleClient.connect(live.liveUrl, { cookie: teacher.headers.cookie })).rejects.toMatchObject({ status: 403 });
    await expect(ConsoleClient.connect(live.liveUrl, { origin: live.origin })).rejects.toMatchObject({ status: 401 });
    await expect(openAs(await signInAs(live.app, { role: 'viewer' }))).rejects.toMatchObject({ status: 403 });
  });

  it.each([
    ['not JSON', 'watch room A please', 'not-json'],
    ['an unknown type', JSON.stringify({ type: 'dance' }), 'bad-message'],
    ['a watch without a room', JSON.stringify({ type: 'watch' }), 'bad-message'],
    ['an extra field', JSON.stringify({ type: 'unwatch', please: true }), 'bad-message'],
  ])('answers %s with an error, then closes 4400 with a reason', async (_what, raw, code) => {
    const viewer = await openAs(await teacherOf(rooms.roomA));
    await viewer.next('hello');
    viewer.sendRaw(raw);
    expect(await viewer.next('error')).toMatchObject({ code });
    const closed = await viewer.closed;
    expect(closed.code).toBe(4400);
    expect(closed.reason).toMatch(new RegExp(`^${code}: .+`));
    // The collector carries on.
    expect((await live.app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });

  it('closes 4401 once the session has ended', async () => {
    const teacher = await teacherOf(rooms.roomA);
    const viewer = await openAs(teacher);
    await viewer.next('hello');
    await deleteUserSessions(database.db, teacher.user.id);
    viewer.send({ type: 'visibility', visible: false });
    expect(await viewer.next('error')).toMatchObject({ code: 'session-expired' });
    expect(await viewer.closed).toEqual({ code: 4401, reason: 'session-expired' });
  });
});

describe('thumbnails', () => {
  it('stream only while a visible viewer watches, reach it intact, and stop when it leaves', async () => {
    const agent = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomB, 'thumb-b1');
    const teacher = await teacherOf(rooms.roomB);

    // A hidden page watching the room: state, but no demand.
    const hidden = await openAs(teacher);
    hidden.send({ type: 'visibility', visible: false });
    hidden.send({ type: 'watch', roomId: rooms.roomB });
    await hidden.next('room');
    await settle(agent, rooms.roomB);
    expect(liveCommands(agent)).toEqual([]);

    // Visible: the agent is asked for grid thumbnails, once.
    hidden.send({ type: 'visibility', visible: true });
    expect((await agent.agent.next('live')).payload).toEqual({ on: true, ...LIVE_GRID });

    // A second visible viewer adds demand but no second command.
    const second = await openAs(await signInAs(live.app, { role: 'dsl' }));
    second.send({ type: 'watch', roomId: rooms.roomB });
    await second.next('room');

    const image = Uint8Array.from({ length: 8_000 }, (_, i) => (i * 31) % 256);
    agent.agent.sendBinary(makeEnvelope('frame', { seq: 1, width: 320, height: 180, mime: 'image/jpeg' }), image);
    for (const viewer of [hidden, second]) {
      const frame = await viewer.nextFrame();
      expect(frame.header).toMatchObject({ deviceId: agent.deviceId, seq: 1, width: 320, height: 180, mime: 'image/jpeg' });
      expect(Buffer.from(frame.bytes).equals(Buffer.from(image))).toBe(true);
    }
    // An unchanged screen is not forwarded; the next real frame is.
    agent.agent.sendBinary(makeEnvelope('frame', { seq: 2, width: 320, height: 180, mime: 'image/jpeg', unchanged: true }), new Uint8Array());
    agent.agent.sendBinary(makeEnvelope('frame', { seq: 3, width: 320, height: 180, mime: 'image/jpeg' }), image.subarray(0, 100));
    for (const viewer of [hidden, second]) expect((await viewer.nextFrame()).header.seq).toBe(3);

    // Focus: the larger stream; back to the grid when unfocused.
    second.send({ type: 'focus', deviceId: agent.deviceId });
    expect((await agent.agent.next('live')).payload).toEqual({ on: true, ...LIVE_FOCUS });
    second.send({ type: 'focus', deviceId: null });
    expect((await agent.agent.next('live')).payload).toEqual({ on: true, ...LIVE_GRID });

    // A hidden page gets no frames.
    second.send({ type: 'visibility', visible: false });
    second.close();
    await second.closed;
    agent.agent.sendBinary(makeEnvelope('frame', { seq: 4, width: 320, height: 180, mime: 'image/jpeg' }), image.subarray(0, 10));
    expect((await hidden.nextFrame()).header.seq).toBe(4);

    await settle(agent, rooms.roomB);
    expect(liveCommands(agent)).toHaveLength(3);
    hidden.close();
    expect((await agent.agent.next('live')).payload).toMatchObject({ on: false });
    agent.agent.close();
  });

  it('drops frames for a viewer that stops reading instead of queueing them', async () => {
    const agent = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomB, 'thumb-slow');
    const slow = await openAs(await teacherOf(rooms.roomB));
    slow.send({ type: 'watch', roomId: rooms.roomB });
    await slow.next('room');
    await agent.agent.next('live');
    slow.socket.pause();
    // 30 MB of frames while the viewer reads nothing: more than the kernel buffers hold.
    const image = new Uint8Array(256 * 1024).fill(7);
    const sent = 120;
    for (let seq = 1; seq <= sent; seq++) agent.agent.sendBinary(makeEnvelope('frame', { seq, width: 320, height: 180, mime: 'image/jpeg' }), image);
    // Acked after every frame before it was handled (one socket, in order).
    const marker = activityMessage();
    agent.agent.send(marker);
    await agent.agent.acked([marker.id], 10_000);
    slow.socket.resume();
    // Once the backlog drained, new frames flow again.
    let seq = sent;
    await expect
      .poll(
        () => {
          agent.agent.sendBinary(makeEnvelope('frame', { seq: ++seq, width: 320, height: 180, mime: 'image/jpeg' }), image.subarray(0, 64));
          return slow.frames.some((frame) => frame.header.seq > sent);
        },
        { message: 'a frame after the backlog', timeout: 10_000 },
      )
      .toBe(true);
    const backlog = slow.frames.filter((frame) => frame.header.seq <= sent).length;
    expect(backlog).toBeGreaterThan(0);
    expect(backlog).toBeLessThan(sent);
    slow.close();
    agent.agent.close();
  });

  it('asks a watched device to stream again when it reconnects', async () => {
    const enrolled = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomB, 'thumb-b2');
    const secret = enrolled.agent.received.find((message) => message.type === 'welcome')?.payload.secret;
    if (secret === undefined) throw new Error('no secret in the welcome');
    const viewer = await openAs(await teacherOf(rooms.roomB));
    viewer.send({ type: 'watch', roomId: rooms.roomB });
    await viewer.next('room');
    expect((await enrolled.agent.next('live')).payload.on).toBe(true);

    enrolled.agent.drop();
    await viewer.next('device', 5_000, (message) => message.device.id === enrolled.deviceId && message.device.connection === 'offline');
    const { agent } = await TestAgent.login(live.agentUrl, { kind: 'device', deviceId: enrolled.deviceId, secret });
    expect((await agent.next('live')).payload).toEqual({ on: true, ...LIVE_GRID });
    await viewer.next('device', 5_000, (message) => message.device.id === enrolled.deviceId && message.device.connection === 'online');
    viewer.close();
    expect((await agent.next('live')).payload.on).toBe(false);
    agent.close();
  });

  it('a device enrolled into a watched room joins the wall and is asked to stream', async () => {
    const viewer = await openAs(await teacherOf(rooms.roomB));
    viewer.send({ type: 'watch', roomId: rooms.roomB });
    await viewer.next('room');
    const late = await enrolInto(live.app, live.agentUrl, rooms.siteId, rooms.roomB, 'thumb-late');
    expect((await late.agent.next('live')).payload.on).toBe(true);
    expect((await viewer.next('device', 5_000, (message) => message.device.id === late.deviceId)).device).toMatchObject({
      hostname: 'thumb-late',
      connection: 'online',
    });
    viewer.close();
    late.agent.close();
  });
});
