import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnrolmentTokenResponseSchema } from '@vigil/shared/console';
import { pinOfToken } from '@vigil/shared/protocol';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedEstate, type Estate } from '../agent-services/testing/agent-services-fixtures.ts';
import { TestAgent } from '../agents/testing/test-agent.ts';
import { buildApp } from '../app.ts';
import { signInAs } from '../auth/auth-test-kit.ts';
import { loadConfig } from '../config/config.ts';
import { findFreePort } from '../db/free-port.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { loadTlsMaterial, type TlsMaterial } from './tls-material.ts';

// The whole app with TLS on: one Fastify app answering on the plain port and the TLS port,
// tokens from the console API carrying the pin, and `welcome.tls` on both.

let database: TestDatabase;
let dataDir: string;
let app: FastifyInstance;
let material: TlsMaterial;
let estate: Estate;
let plainUrl: string;
let tlsUrl: string;
let ca: string;

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-tls-app-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, TLS_PORT: String(await findFreePort()) });
  if (!loaded.ok) throw new Error(loaded.message);
  const loadedMaterial = await loadTlsMaterial(loaded.config, testLogger());
  if (loadedMaterial === undefined) throw new Error('TLS is on by default');
  material = loadedMaterial;
  ca = await readFile(material.caCertFile ?? '', 'utf8');
  estate = await seedEstate(database.db);
  app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: join(dataDir, 'no-console'), tls: material });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const tlsAddress = await app.agentTls?.listen('127.0.0.1');
  plainUrl = `ws://127.0.0.1:${address.port}/agent/v1`;
  tlsUrl = `wss://127.0.0.1:${tlsAddress?.port ?? 0}/agent/v1`;
});
afterAll(async () => {
  await app.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the collector over TLS', () => {
  it('serves the same app on the TLS port, with a certificate its own CA vouches for', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${tlsUrl.replace('wss:', 'https:').replace('/agent/v1', '')}/health`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(200);
  });

  it('gives tokens with its pin and the wss:// agent address; the token enrols over TLS and welcome names the keys', async () => {
    const tech = await signInAs(app, { role: 'technician', siteId: null });
    const response = await app.inject({
      method: 'POST',
      url: '/api/enrolment-tokens',
      headers: { ...tech.headers, host: 'vigil.school.lan:8080' },
      payload: { siteId: estate.siteId, roomId: estate.roomA },
    });
    expect(response.statusCode).toBe(201);
    const created = createEnrolmentTokenResponseSchema.parse(response.json());
    expect(pinOfToken(created.token)).toBe(material.pin);
    expect(created.agentUrl).toBe(`wss://vigil.school.lan:${material.port}`);

    const { agent, welcome } = await TestAgent.login(tlsUrl, { kind: 'enrol', token: created.token }, { hostname: 'ict1-pc01' }, { ca });
    expect(welcome.payload.tls).toEqual({ url: tlsUrl, pins: [material.pin] });
    agent.close();

    // An agent still on plain ws:// learns where TLS is and which key to pin.
    const secret = welcome.payload.secret ?? '';
    const plain = await TestAgent.login(plainUrl, { kind: 'device', deviceId: welcome.payload.deviceId, secret });
    expect(plain.welcome.payload.tls).toEqual({ url: tlsUrl, pins: [material.pin] });
    plain.agent.close();
  });
});
