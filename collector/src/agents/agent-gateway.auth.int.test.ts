import { Writable } from 'node:stream';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, devices, enrolmentTokens } from '../db/schema/index.ts';
import { createLogger } from '../logging/logger.ts';
import { hashSecret } from '../security/secrets.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { enrolAgent, seedSchool, type School } from './testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from './testing/gateway-test-app.ts';
import { alertMessage, helloMessage, TestAgent } from './testing/test-agent.ts';

let database: TestDatabase;
let school: School;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
});
afterAll(() => database.drop());

describe('enrolment and device authentication', () => {
  let gateway: GatewayTestApp;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    });
    gateway = await startGatewayApp({
      database: database.database,
      logger: createLogger('info', sink),
      gateway: { helloTimeoutMs: 300 },
      hub: { authLimits: { perDevice: { maxFailures: 3, windowMs: 60_000 }, perIp: { maxFailures: 1_000, windowMs: 60_000 } } },
    });
  });
  afterAll(() => gateway.close());

  it('enrols an agent with a token: welcome carries a device id and a secret, only its hash is stored', async () => {
    const token = await school.token({ uses: 5 });
    const { agent, welcome } = await TestAgent.login(
      gateway.agentUrl,
      { kind: 'enrol', token },
      { hostname: 'ICT-01', os: { platform: 'win32', release: '10.0.22631', arch: 'x64' } },
    );
    const { deviceId, secret, policy, wordlistVersion } = welcome.payload;
    expect(secret).toMatch(/^[\w-]{43}$/);
    expect(policy).toEqual(gateway.services.policy);
    expect(wordlistVersion).toBe(gateway.services.wordlist.version);
    const [row] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
    expect(row).toMatchObject({
      siteId: school.siteId,
      roomId: school.roomId,
      hostname: 'ICT-01',
      os: 'windows',
      osVersion: '10.0.22631',
      agentVersion: '0.1.0-test',
      status: 'online',
    });
    expect(row?.secretHash).toBe(hashSecret(secret ?? ''));
    expect(JSON.stringify(row)).not.toContain(secret);
    const [tokenRow] = await database.db
      .select()
      .from(enrolmentTokens)
      .where(eq(enrolmentTokens.tokenHash, hashSecret(token)));
    expect(tokenRow?.usesLeft).toBe(4);
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'device.enrol'), eq(auditLog.targetId, deviceId)));
    expect(audit).toHaveLength(1);
    agent.close();
  });

  it('an enrolled agent reconnects with its secret and gets no new secret', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    enrolled.agent.close();
    await enrolled.agent.closed;
    const { agent, welcome } = await TestAgent.login(gateway.agentUrl, { kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret });
    expect(welcome.payload.deviceId).toBe(enrolled.deviceId);
    expect(welcome.payload.secret).toBeUndefined();
    agent.close();
  });

  it('sends the word list after welcome only when the agent holds another version, and the lock the device is under', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    // Enrolled without a word list: the current one followed the welcome.
    expect((await enrolled.agent.next('wordlist')).payload).toEqual(gateway.services.wordlist);
    enrolled.agent.close();
    gateway.services.locks.set(enrolled.deviceId, { on: true, lockId: 'lock-1', message: 'Eyes on the board' });
    const auth = { kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret } as const;
    const { agent } = await TestAgent.login(gateway.agentUrl, auth, { wordlistVersion: gateway.services.wordlist.version });
    const lock = await agent.next('lock');
    expect(lock.payload).toEqual({ on: true, lockId: 'lock-1', message: 'Eyes on the board' });
    expect(agent.received.map((message) => message.type)).toEqual(['welcome', 'lock']);
    agent.close();
  });

  it('refuses an expired enrolment token with enrol-token-invalid and creates no device', async () => {
    const before = await database.db.$count(devices);
    const token = await school.token({ expiresAt: new Date(Date.now() - 1_000) });
    const agent = await TestAgent.connect(gateway.agentUrl);
    agent.send(helloMessage({ kind: 'enrol', token }));
    expect(await agent.closed).toEqual({ code: 4401, reason: 'enrol-token-invalid' });
    expect(await database.db.$count(devices)).toBe(before);
  });

  it('refuses a used-up enrolment token', async () => {
    const token = await school.token({ uses: 1 });
    const first = await TestAgent.login(gateway.agentUrl, { kind: 'enrol', token });
    first.agent.close();
    const second = await TestAgent.connect(gateway.agentUrl);
    second.send(helloMessage({ kind: 'enrol', token }));
    expect(await second.closed).toEqual({ code: 4401, reason: 'enrol-token-invalid' });
  });

  it('lets agents racing for a limited token take exactly its uses', async () => {
    const token = await school.token({ uses: 3 });
    const agents = await Promise.all(Array.from({ length: 8 }, () => TestAgent.connect(gateway.agentUrl)));
    for (const agent of agents) agent.send(helloMessage({ kind: 'enrol', token }));
    const outcomes = await Promise.all(
      agents.map((agent) =>
        agent.next('welcome').then(
          () => 'welcome',
          () => 'refused',
        ),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === 'welcome')).toHaveLength(3);
    for (const agent of agents) agent.close();
  });

  it('closes a socket that sends no hello in time with 4401', async () => {
    const agent = await TestAgent.connect(gateway.agentUrl);
    expect(await agent.closed).toEqual({ code: 4401, reason: 'hello-timeout' });
  });

  it('refuses a wrong secret (logged), then rate-limits the device id with 4429 even with the right one', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    enrolled.agent.close();
    for (let attempt = 0; attempt < 3; attempt++) {
      const agent = await TestAgent.connect(gateway.agentUrl);
      agent.send(helloMessage({ kind: 'device', deviceId: enrolled.deviceId, secret: 'w'.repeat(43) }));
      expect(await agent.closed).toEqual({ code: 4401, reason: 'device-auth-failed' });
    }
    const warnings = logLines.filter((line) => line.level === 40 && line.deviceId === enrolled.deviceId);
    expect(warnings.map((line) => line.msg)).toContain('agent authentication failed: wrong device secret');
    expect(JSON.stringify(warnings)).not.toContain('w'.repeat(43));

    const agent = await TestAgent.connect(gateway.agentUrl);
    agent.send(helloMessage({ kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret }));
    expect(await agent.closed).toEqual({ code: 4429, reason: 'auth-rate-limited' });
  });

  it('refuses a retired device with 4403', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    enrolled.agent.close();
    await database.db.update(devices).set({ retired: true }).where(eq(devices.id, enrolled.deviceId));
    const agent = await TestAgent.connect(gateway.agentUrl);
    agent.send(helloMessage({ kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret }));
    expect(await agent.closed).toEqual({ code: 4403, reason: 'device-retired' });
  });

  it('a second connection for the same device replaces the first (4409); the device stays online', async () => {
    const enrolled = await enrolAgent(gateway.agentUrl, school);
    const second = await TestAgent.login(gateway.agentUrl, { kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret });
    expect((await enrolled.agent.closed).code).toBe(4409);
    const alert = alertMessage();
    second.agent.send(alert);
    await second.agent.acked([alert.id]);
    expect(gateway.app.agentHub.connectedDeviceIds()).toContain(enrolled.deviceId);
    const [row] = await database.db.select({ status: devices.status }).from(devices).where(eq(devices.id, enrolled.deviceId));
    expect(row?.status).toBe('online');
    second.agent.close();
  });
});

describe('per-IP authentication limit', () => {
  let gateway: GatewayTestApp;
  beforeAll(async () => {
    gateway = await startGatewayApp({
      database: database.database,
      hub: { authLimits: { perDevice: { maxFailures: 100, windowMs: 60_000 }, perIp: { maxFailures: 2, windowMs: 60_000 } } },
    });
  });
  afterAll(() => gateway.close());

  it('refuses further attempts from an address that failed too often, whatever device it claims', async () => {
    const attempt = async (deviceId: string) => {
      const agent = await TestAgent.connect(gateway.agentUrl);
      agent.send(helloMessage({ kind: 'device', deviceId, secret: 'x'.repeat(43) }));
      return agent.closed;
    };
    expect((await attempt('01KDXS0000AAAAAAAAAAAAAAA1')).code).toBe(4401);
    expect((await attempt('01KDXS0000AAAAAAAAAAAAAAA2')).code).toBe(4401);
    expect(await attempt('01KDXS0000AAAAAAAAAAAAAAA3')).toEqual({ code: 4429, reason: 'auth-rate-limited' });
  });
});

describe('a busy collector', () => {
  /** A device enrolled through a gateway that is not busy. */
  async function enrolAgentDirect(): Promise<{ deviceId: string; secret: string }> {
    const open = await startGatewayApp({ database: database.database });
    try {
      const enrolled = await enrolAgent(open.agentUrl, school);
      enrolled.agent.close();
      await enrolled.agent.closed;
      return enrolled;
    } finally {
      await open.close();
    }
  }

  it('turns logins away with 4503 "try again later", never with a refusal, when no turn is free', async () => {
    const gateway = await startGatewayApp({ database: database.database, gateway: { handshakeGate: { maxConcurrent: 0, maxQueued: 0 } } });
    try {
      const enrolled = await enrolAgentDirect();
      const agent = await TestAgent.connect(gateway.agentUrl);
      agent.send(helloMessage({ kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret }));
      const closed = await agent.closed;
      expect(closed.code).toBe(4503);
      // Told when to come back: nothing has finished yet, so the assumed rate, at least a second.
      expect(closed.reason).toMatch(/^collector-busy: retry-after=\d{4,5}$/);
    } finally {
      await gateway.close();
    }
  });

  it('a login still waiting for its turn after handshakeTimeoutMs is told 4503, not 4401 hello-timeout', async () => {
    const gateway = await startGatewayApp({
      database: database.database,
      gateway: { helloTimeoutMs: 200, handshakeTimeoutMs: 400, handshakeGate: { maxConcurrent: 0, maxQueued: 10, maxWaitMs: 60_000 } },
    });
    try {
      const enrolled = await enrolAgentDirect();
      const agent = await TestAgent.connect(gateway.agentUrl);
      agent.send(helloMessage({ kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret }));
      const closed = await agent.closed;
      expect(closed.code).toBe(4503);
      expect(closed.reason).toMatch(/^handshake-timeout: retry-after=\d{4,5}$/);
    } finally {
      await gateway.close();
    }
  });
});
