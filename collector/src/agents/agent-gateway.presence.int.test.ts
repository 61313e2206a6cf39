import { makeEnvelope } from '@vigil/shared';
import { and, eq } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, devices } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import type { AgentFrame } from './agent-hub.contract.ts';
import { enrolAgent, seedSchool, type School } from './testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from './testing/gateway-test-app.ts';
import { heartbeatMessage, TestAgent } from './testing/test-agent.ts';

let database: TestDatabase;
let school: School;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
});
afterAll(() => database.drop());

async function deviceRow(deviceId: string) {
  const [row] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
  return row;
}

async function auditActions(deviceId: string): Promise<string[]> {
  const rows = await database.db.select({ action: auditLog.action }).from(auditLog).where(eq(auditLog.targetId, deviceId));
  return rows.map((row) => row.action);
}

describe('presence', () => {
  let gateway: GatewayTestApp;
  beforeAll(async () => {
    gateway = await startGatewayApp({ database: database.database, gateway: { heartbeatTimeoutMs: 1_000, sweepIntervalMs: 50, touchIntervalMs: 50 } });
  });
  afterAll(() => gateway.close());

  it('a device that stops sending is marked offline and closed with 4408', async () => {
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school);
    expect((await deviceRow(deviceId))?.status).toBe('online');
    expect(await agent.closed).toEqual({ code: 4408, reason: 'heartbeat-timeout' });
    await expect.poll(async () => (await deviceRow(deviceId))?.status === 'offline', { message: 'status offline', timeout: 5_000 }).toBe(true);
    expect(await auditActions(deviceId)).not.toContain('agent.silent');
  });

  it('heartbeats keep a device connected and move its last-seen time', async () => {
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school);
    const firstSeen = (await deviceRow(deviceId))?.lastSeenAt?.getTime() ?? 0;
    const beats = setInterval(() => agent.send(heartbeatMessage()), 100);
    try {
      // Well past the timeout on heartbeats alone: still connected, and last_seen moved on.
      await expect
        .poll(async () => ((await deviceRow(deviceId))?.lastSeenAt?.getTime() ?? 0) > firstSeen + 2_500, {
          message: 'last seen to move well past the timeout',
          timeout: 8_000,
        })
        .toBe(true);
      expect(agent.socket.readyState).toBe(agent.socket.OPEN);
      expect((await deviceRow(deviceId))?.status).toBe('online');
    } finally {
      clearInterval(beats);
      agent.close();
    }
  });

  it('a socket that drops without bye marks the device silent and audits agent.silent', async () => {
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school);
    agent.drop();
    await expect.poll(async () => (await deviceRow(deviceId))?.status === 'silent', { message: 'status silent', timeout: 5_000 }).toBe(true);
    expect((await deviceRow(deviceId))?.previousExit).toBe('silent');
    const rows = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, deviceId), eq(auditLog.action, 'agent.silent')));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.detail).toMatchObject({ event: 'agent went silent' });
  });

  it('bye before closing marks the device offline cleanly, with no tamper signal', async () => {
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school);
    agent.send(makeEnvelope('bye', { reason: 'shutdown' }));
    agent.close();
    await expect.poll(async () => (await deviceRow(deviceId))?.status === 'offline', { message: 'status offline', timeout: 5_000 }).toBe(true);
    expect((await deviceRow(deviceId))?.previousExit).toBe('bye');
    expect(await auditActions(deviceId)).not.toContain('agent.silent');
  });

  it('a hello reporting an unclean previous exit is audited', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    enrolled.agent.send(makeEnvelope('bye', { reason: 'restart' }));
    enrolled.agent.close();
    const { agent } = await TestAgent.login(
      gateway.agentUrl,
      { kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret },
      { previousExit: 'unclean' },
    );
    await expect
      .poll(async () => (await auditActions(enrolled.deviceId)).includes('agent.unclean-exit'), { message: 'agent.unclean-exit audited', timeout: 5_000 })
      .toBe(true);
    agent.close();
  });

  it('an unclean exit is audited once per agent run (runId), however often that run reconnects, across a collector restart too', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    enrolled.agent.close();
    const auth = { kind: 'device' as const, deviceId: enrolled.deviceId, secret: enrolled.secret };
    const uncleanExits = async () => (await auditActions(enrolled.deviceId)).filter((action) => action === 'agent.unclean-exit').length;
    const run = ulid();
    // welcome comes after presence is recorded: each login below has been audited (or not) when it returns.
    const reconnect = async (url: string, runId: string) => {
      const { agent } = await TestAgent.login(url, auth, { previousExit: 'unclean', runId });
      agent.drop();
    };
    await reconnect(gateway.agentUrl, run);
    expect(await uncleanExits()).toBe(1);
    // The same run reconnects (as an agent that keeps saying unclean would): no new entry.
    await reconnect(gateway.agentUrl, run);
    await reconnect(gateway.agentUrl, run);
    expect(await uncleanExits()).toBe(1);
    // Another collector process on the same database: still the same run.
    const restarted = await startGatewayApp({ database: database.database });
    try {
      await reconnect(restarted.agentUrl, run);
      expect(await uncleanExits()).toBe(1);
      // A new run after another unclean exit is a new entry, carrying its run id.
      const next = ulid();
      await reconnect(restarted.agentUrl, next);
      expect(await uncleanExits()).toBe(2);
      const rows = await database.db
        .select({ detail: auditLog.detail })
        .from(auditLog)
        .where(and(eq(auditLog.targetId, enrolled.deviceId), eq(auditLog.action, 'agent.unclean-exit')));
      expect(rows.map((row) => row.detail?.runId).sort()).toEqual([run, next].sort());
    } finally {
      await restarted.close();
    }
  });
});

describe('the agent hub', () => {
  let gateway: GatewayTestApp;
  beforeAll(async () => {
    gateway = await startGatewayApp({ database: database.database });
  });
  afterAll(() => gateway.close());

  it('sends to one device, broadcasts to all, lists and announces connected devices', async () => {
    const announced: string[] = [];
    const stop = gateway.app.agentHub.onDeviceConnected((deviceId) => announced.push(deviceId));
    const a = await enrolAgent(gateway.agentUrl, school, 'hub-a');
    const b = await enrolAgent(gateway.agentUrl, school, 'hub-b');
    stop();
    expect(announced).toEqual([a.deviceId, b.deviceId]);
    expect(gateway.app.agentHub.connectedDeviceIds()).toEqual(expect.arrayContaining([a.deviceId, b.deviceId]));

    const message = makeEnvelope('message', { id: ulid(), text: 'Five minutes left', from: 'Ms Smith' });
    expect(gateway.app.agentHub.send(a.deviceId, message)).toBe(true);
    expect((await a.agent.next('message')).payload.text).toBe('Five minutes left');
    expect(gateway.app.agentHub.send('01KDXS0000NOTCONNECTED0000', message)).toBe(false);

    const live = makeEnvelope('live', { on: true, fps: 1, width: 320 });
    expect(gateway.app.agentHub.broadcast(live)).toBeGreaterThanOrEqual(2);
    await a.agent.next('live');
    await b.agent.next('live');

    b.agent.close();
    await expect.poll(() => !gateway.app.agentHub.connectedDeviceIds().includes(b.deviceId), { message: 'b to leave the hub', timeout: 5_000 }).toBe(true);
    a.agent.close();
  });

  it('hands live frames to onFrame listeners and stores nothing', async () => {
    const { agent, deviceId } = await enrolAgent(gateway.agentUrl, school, 'live-1');
    const frames: AgentFrame[] = [];
    const stop = gateway.app.agentHub.onFrame((frame) => frames.push(frame));
    const image = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
    agent.sendBinary(makeEnvelope('frame', { seq: 7, width: 160, height: 90, mime: 'image/jpeg' }), image);
    await expect.poll(() => frames.length, { message: 'a frame', timeout: 5_000 }).toBeGreaterThan(0);
    const frame = frames[0] as AgentFrame;
    expect(frame).toMatchObject({ deviceId, seq: 7, width: 160, height: 90, mime: 'image/jpeg' });
    expect([...frame.bytes]).toEqual([...image]);
    stop();
    // Without a listener the frame is dropped; the socket carries on.
    agent.sendBinary(makeEnvelope('frame', { seq: 8, width: 160, height: 90, mime: 'image/jpeg', unchanged: true }), new Uint8Array());
    agent.send(heartbeatMessage());
    expect(frames).toHaveLength(1);
    expect(agent.socket.readyState).toBe(agent.socket.OPEN);
    agent.close();
  });

  it('marks its connected devices offline, not silent, when the collector shuts down', async () => {
    const own = await startGatewayApp({ database: database.database });
    const { agent, deviceId } = await enrolAgent(own.agentUrl, school, 'shutdown-1');
    await own.close();
    await agent.closed;
    expect((await deviceRow(deviceId))?.status).toBe('offline');
    expect(await auditActions(deviceId)).not.toContain('agent.silent');
  });
});
