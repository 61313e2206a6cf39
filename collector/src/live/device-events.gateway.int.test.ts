import { makeEnvelope } from '@vigil/shared';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceEvent } from '../agents/agent-hub.contract.ts';
import { enrolAgent, seedSchool, type School } from '../agents/testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from '../agents/testing/gateway-test-app.ts';
import { activityMessage, alertMessage, heartbeatMessage } from '../agents/testing/test-agent.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

// The agent hub's device events, as the real gateway emits them for the live view.

let database: TestDatabase;
let school: School;
let gateway: GatewayTestApp;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
  gateway = await startGatewayApp({ database: database.database });
});
afterAll(async () => {
  await gateway.close();
  await database.drop();
});

describe('AgentHub.onDeviceEvent', () => {
  it('reports connect, heartbeat, activity, lock and idle changes and the goodbye, in order, from the authenticated device', async () => {
    const events: DeviceEvent[] = [];
    const stop = gateway.app.agentHub.onDeviceEvent((event) => events.push(event));
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school, 'events-1');
    agent.send(heartbeatMessage());
    const activity = activityMessage({ url: 'https://example.org/' });
    agent.send(activity);
    agent.send(alertMessage());
    const lockState = makeEnvelope('lock-state', { id: ulid(), locked: true, reason: 'teacher', at: 1_700_000_000_000, lockId: 'L1' });
    agent.send(lockState);
    const idleState = makeEnvelope('idle-state', { id: ulid(), idle: true, at: 1_700_000_001_000, idleSeconds: 300 });
    agent.send(idleState);
    agent.send(makeEnvelope('bye', { reason: 'shutdown' }));
    agent.close();
    await expect.poll(() => events.some((event) => event.kind === 'disconnected'), { message: 'the disconnect', timeout: 5_000 }).toBe(true);
    stop();

    const received = expect.any(Number);
    expect(events).toEqual([
      {
        kind: 'connected',
        deviceId,
        receivedAt: received,
        hostname: 'events-1',
        osUser: 'pupil.jones',
        capabilities: ['keyboard', 'window', 'screenshot'],
        roomId: school.roomId,
      },
      { kind: 'heartbeat', deviceId, receivedAt: received, locked: false, idleSeconds: 0, keyboard: 'ok' },
      {
        kind: 'activity',
        deviceId,
        receivedAt: received,
        id: activity.payload.id,
        app: 'firefox',
        title: 'Photosynthesis — Wikipedia',
        url: 'https://example.org/',
        osUser: 'pupil.jones',
        start: activity.payload.start,
        end: activity.payload.end,
      },
      { kind: 'lock-state', deviceId, receivedAt: received, id: lockState.payload.id, locked: true, reason: 'teacher', at: 1_700_000_000_000, lockId: 'L1' },
      { kind: 'idle-state', deviceId, receivedAt: received, id: idleState.payload.id, idle: true, idleSeconds: 300, at: 1_700_000_001_000 },
      { kind: 'disconnected', deviceId, receivedAt: received, exit: 'bye' },
    ]);
  });

  it('reports a dropped connection as silent', async () => {
    const events: DeviceEvent[] = [];
    const stop = gateway.app.agentHub.onDeviceEvent((event) => events.push(event));
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school, 'events-2');
    agent.drop();
    await expect.poll(() => events.some((event) => event.kind === 'disconnected'), { message: 'the disconnect', timeout: 5_000 }).toBe(true);
    stop();
    expect(events.map((event) => [event.kind, event.deviceId, event.kind === 'disconnected' ? event.exit : ''])).toEqual([
      ['connected', deviceId, ''],
      ['disconnected', deviceId, 'silent'],
    ]);
  });

  it('keeps the socket working when a listener throws', async () => {
    const stop = gateway.app.agentHub.onDeviceEvent(() => {
      throw new Error('listener bug');
    });
    const { agent } = await enrolAgent(gateway.agentUrl, school, 'events-3');
    const activity = activityMessage();
    agent.send(activity);
    await agent.acked([activity.id]);
    stop();
    agent.close();
  });
});
