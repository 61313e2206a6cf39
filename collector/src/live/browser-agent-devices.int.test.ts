import { devicesResponseSchema, roomDevicesResponseSchema, type DeviceRow, type DeviceTile } from '@vigil/shared/console';
import type { HelloPayload } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEnrolmentToken } from '../admin/enrolment-tokens.repository.ts';
import { TestAgent } from '../agents/testing/test-agent.ts';
import { signInAs } from '../auth/auth-test-kit.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { seedTwoRooms, startLiveApp, type LiveTestApp, type TwoRooms } from './testing/live-test-app.ts';

// Browser agents (the Chrome/Edge extension, Chromebooks) enrol over the same socket as
// PCs and must show up in the room view and the devices list like them, with the
// browser, the agent kind and the signed-in profile on the device.

let database: TestDatabase;
let live: LiveTestApp;
let rooms: TwoRooms;
const agents: TestAgent[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  live = await startLiveApp(database);
  rooms = await seedTwoRooms(live.app, 'Browser Academy');
});
afterAll(async () => {
  for (const agent of agents) agent.close();
  await live.close();
  await database.drop();
});

const chromebookHello = {
  agentKind: 'browser',
  browser: { name: 'Chrome', version: '131.0' },
  profileEmail: 'pupil.one@school.example',
  os: { platform: 'cros', release: '15917.0.0', arch: 'x86-64' },
  hostname: 'Chromebook',
  osUser: '',
  capabilities: ['url', 'window', 'lock', 'message'],
} satisfies Partial<HelloPayload>;

async function enrol(hello: Partial<HelloPayload>): Promise<{ deviceId: string; secret: string }> {
  const { token } = await createEnrolmentToken(live.app.database.db, {
    siteId: rooms.siteId,
    roomId: rooms.roomA,
    uses: 1,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  const { agent, welcome } = await TestAgent.login(live.agentUrl, { kind: 'enrol', token }, { previousExit: 'first-run', ...hello });
  agents.push(agent);
  if (welcome.payload.secret === undefined) throw new Error('no secret in welcome');
  return { deviceId: welcome.payload.deviceId, secret: welcome.payload.secret };
}

async function tileOf(deviceId: string): Promise<DeviceTile | undefined> {
  const teacher = await signInAs(live.app, { role: 'teacher', rooms: [rooms.roomA] });
  const response = await live.app.inject({ method: 'GET', url: `/api/rooms/${rooms.roomA}/devices`, headers: teacher.headers });
  expect(response.statusCode).toBe(200);
  return roomDevicesResponseSchema.parse(response.json()).devices.find((tile) => tile.id === deviceId);
}

async function rowOf(deviceId: string): Promise<DeviceRow | undefined> {
  const technician = await signInAs(live.app, { role: 'technician' });
  const response = await live.app.inject({ method: 'GET', url: '/api/devices', headers: technician.headers });
  expect(response.statusCode).toBe(200);
  return devicesResponseSchema.parse(response.json()).devices.find((row) => row.id === deviceId);
}

describe('browser agents in rooms and the devices list', () => {
  it('enrols a Chromebook whose tile and device row say browser, Chrome and the pupil', async () => {
    const { deviceId } = await enrol(chromebookHello);
    expect(await tileOf(deviceId)).toMatchObject({
      hostname: 'Chromebook',
      os: 'chromeos',
      agentKind: 'browser',
      browser: 'Chrome 131.0',
      profileEmail: 'pupil.one@school.example',
      // No OS user on a Chromebook: the profile is who is using it.
      osUser: 'pupil.one@school.example',
      connection: 'online',
    });
    expect(await rowOf(deviceId)).toMatchObject({
      os: 'chromeos',
      osVersion: '15917.0.0',
      agentKind: 'browser',
      browser: 'Chrome 131.0',
      profileEmail: 'pupil.one@school.example',
      lastOsUser: 'pupil.one@school.example',
      roomId: rooms.roomA,
    });
  });

  it('keeps the OS user of Chrome on Windows and maps the browser platform name', async () => {
    const { deviceId } = await enrol({
      ...chromebookHello,
      os: { platform: 'win', release: '10.0.22631', arch: 'x86-64' },
      hostname: 'Chrome on Windows',
      osUser: 'pupil.two',
    });
    expect(await rowOf(deviceId)).toMatchObject({ os: 'windows', agentKind: 'browser', lastOsUser: 'pupil.two', profileEmail: 'pupil.one@school.example' });
    expect(await tileOf(deviceId)).toMatchObject({ osUser: 'pupil.two', profileEmail: 'pupil.one@school.example' });
  });

  it('records a desktop agent that predates the fields as desktop, with no browser or profile', async () => {
    const { deviceId } = await enrol({ hostname: 'ict-a-desk' });
    const expected = { os: 'linux', agentKind: 'desktop', browser: null, profileEmail: null };
    expect(await tileOf(deviceId)).toMatchObject({ ...expected, osUser: 'pupil.jones' });
    expect(await rowOf(deviceId)).toMatchObject({ ...expected, lastOsUser: 'pupil.jones' });
  });

  it('updates the profile e-mail on every connect, and clears it when the profile signs out', async () => {
    const { deviceId, secret } = await enrol({ ...chromebookHello, hostname: 'Chromebook 7' });
    agents.at(-1)?.close();
    await agents.at(-1)?.closed;
    const auth = { kind: 'device', deviceId, secret } as const;
    const second = await TestAgent.login(live.agentUrl, auth, {
      ...chromebookHello,
      hostname: 'Chromebook 7',
      profileEmail: 'pupil.three@school.example',
      browser: { name: 'Chrome', version: '132.0' },
    });
    agents.push(second.agent);
    await expect
      .poll(async () => (await rowOf(deviceId))?.profileEmail, { message: 'the new profile on the row', timeout: 5_000 })
      .toBe('pupil.three@school.example');
    expect(await rowOf(deviceId)).toMatchObject({ browser: 'Chrome 132.0', lastOsUser: 'pupil.three@school.example' });
    expect(await tileOf(deviceId)).toMatchObject({ profileEmail: 'pupil.three@school.example', osUser: 'pupil.three@school.example' });

    second.agent.close();
    await second.agent.closed;
    const { profileEmail: _signedOut, ...withoutProfile } = chromebookHello;
    const third = await TestAgent.login(live.agentUrl, auth, { ...withoutProfile, hostname: 'Chromebook 7' });
    agents.push(third.agent);
    await expect.poll(async () => (await rowOf(deviceId))?.profileEmail, { message: 'the profile cleared', timeout: 5_000 }).toBeNull();
    expect(await rowOf(deviceId)).toMatchObject({ agentKind: 'browser', lastOsUser: null });
    expect(await tileOf(deviceId)).toMatchObject({ profileEmail: null, osUser: null });
  });
});
