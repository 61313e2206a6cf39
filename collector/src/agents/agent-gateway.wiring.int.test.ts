import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEnvelope } from '@vigil/shared';
import { eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../audit/actor.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { alerts } from '../db/schema/index.ts';
import { sha256Hex } from '../evidence/blob-store.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { enrolAgent, seedSchool, type School } from './testing/agent-fixtures.ts';
import { alertMessage, TestAgent } from './testing/test-agent.ts';

// The gateway as `pnpm start` wires it: buildApp with the real word-list, policy and
// lock services (agent-services), not the fakes the other gateway tests use.

let database: TestDatabase;
let school: School;
let dataDir: string;
let app: FastifyInstance;
let agentUrl: string;
let baseUrl: string;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-wiring-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: dataDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  agentUrl = `ws://127.0.0.1:${address.port}/agent/v1`;
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await app.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the agent gateway in the real app', () => {
  it('enrols, gets the real policy and word list, ingests an alert and accepts a screenshot upload', async () => {
    const { agent, deviceId, secret } = await enrolAgent(agentUrl, school, 'wired-1');
    const wordlist = await agent.next('wordlist');
    expect(wordlist.payload.version).toBe(app.wordlists.current().version);
    expect(agent.received[0]?.type === 'welcome' && agent.received[0].payload.policy).toEqual(await app.policies.forDevice(deviceId));

    const alert = alertMessage();
    agent.send(alert);
    await agent.acked([alert.id]);
    expect(await database.db.$count(alerts, eq(alerts.id, alert.payload.id))).toBe(1);

    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 7, 7, 7]);
    const sha256 = sha256Hex(bytes);
    const upload = await fetch(`${baseUrl}/agent/v1/screenshots/${sha256}?width=64&height=64`, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${deviceId}.${secret}` },
      body: bytes,
    });
    expect(upload.status).toBe(201);
    const health = (await (await fetch(`${baseUrl}/health`)).json()) as { checks?: Record<string, { status: string }> };
    expect(health.checks?.agents?.status).toBe('ok');
    agent.send(makeEnvelope('bye', { reason: 'shutdown' }));
    agent.close();
  });

  it('re-sends the stored lock when a locked device reconnects, and pushes a new lock live', async () => {
    const enrolled = await enrolAgent(agentUrl, school, 'wired-2');
    const locked = await app.agentServices.locks.lockDevices([enrolled.deviceId], { message: 'Eyes on the board', by: systemActor });
    expect(locked.ok).toBe(true);
    const pushed = await enrolled.agent.next('lock');
    expect(pushed.payload).toMatchObject({ on: true, message: 'Eyes on the board' });
    enrolled.agent.close();
    await enrolled.agent.closed;

    const { agent } = await TestAgent.login(
      agentUrl,
      { kind: 'device', deviceId: enrolled.deviceId, secret: enrolled.secret },
      { wordlistVersion: app.wordlists.current().version },
    );
    expect((await agent.next('lock')).payload).toMatchObject({ on: true, lockId: pushed.payload.lockId });
    agent.close();
  });
});
