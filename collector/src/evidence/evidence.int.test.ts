import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { makeEnvelope } from '@vigil/shared';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, seedSchool, type EnrolledAgent } from '../agents/testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from '../agents/testing/gateway-test-app.ts';
import { alertMessage } from '../agents/testing/test-agent.ts';
import { screenshots } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { sha256Hex } from './blob-store.ts';

let database: TestDatabase;
let gateway: GatewayTestApp;
let agent: EnrolledAgent;
beforeAll(async () => {
  database = await createTestDatabase();
  const school = await seedSchool(database.db);
  gateway = await startGatewayApp({ database: database.database });
  agent = await enrolAgent(gateway.agentUrl, school, 'evidence-1');
});
afterAll(async () => {
  agent.agent.close();
  await gateway.close();
  await database.drop();
});

/** Distinct fake JPEG bytes (content is opaque to the collector). */
function jpeg(seed: string, size = 4_096): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0]);
  bytes.set(new TextEncoder().encode(seed), 4);
  return bytes;
}

const blobPath = (sha256: string) => join(gateway.dataDir, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
const screenshotRow = async (sha256: string) => (await database.db.select().from(screenshots).where(eq(screenshots.sha256, sha256)))[0];

describe('screenshots over the agent socket', () => {
  it('stores the blob content-addressed and a screenshots row for the device, then acks', async () => {
    const bytes = jpeg('socket-1', 150_000);
    const sha256 = sha256Hex(bytes);
    const envelope = makeEnvelope('screenshot', { sha256, width: 320, height: 180, mime: 'image/jpeg' });
    agent.agent.sendBinary(envelope, bytes);
    await agent.agent.acked([envelope.id]);
    expect(existsSync(blobPath(sha256))).toBe(true);
    expect(await screenshotRow(sha256)).toMatchObject({ bytes: 150_000, width: 320, height: 180, mime: 'image/jpeg', deviceId: agent.deviceId });
  });

  it('rejects bytes that do not match the sha256 (error sha256-mismatch, no ack, nothing stored); the socket carries on', async () => {
    const claimed = sha256Hex(jpeg('what the agent hashed'));
    const envelope = makeEnvelope('screenshot', { sha256: claimed, width: 320, height: 180, mime: 'image/jpeg' });
    agent.agent.sendBinary(envelope, jpeg('what arrived'));
    const error = await agent.agent.next('error');
    expect(error.payload.code).toBe('sha256-mismatch');
    expect(error.payload.message).toContain(envelope.id);
    const acked = agent.agent.received.some((message) => message.type === 'ack' && message.payload.ids.includes(envelope.id));
    expect(acked).toBe(false);
    expect(existsSync(blobPath(claimed))).toBe(false);
    expect(await screenshotRow(claimed)).toBeUndefined();
    const alert = alertMessage();
    agent.agent.send(alert);
    await agent.agent.acked([alert.id]);
  });

  it('accepts a screenshot near the 10 MiB limit', async () => {
    const bytes = jpeg('large', 9 * 1024 * 1024);
    const sha256 = sha256Hex(bytes);
    const envelope = makeEnvelope('screenshot', { sha256, width: 3840, height: 2160, mime: 'image/jpeg' });
    agent.agent.sendBinary(envelope, bytes);
    await agent.agent.acked([envelope.id], 15_000);
    expect((await screenshotRow(sha256))?.bytes).toBe(9 * 1024 * 1024);
  });
});

describe('PUT /agent/v1/screenshots/:sha256', () => {
  const put = (sha256: string, body: Uint8Array, headers: Record<string, string> = {}, query = '?width=320&height=180') =>
    fetch(`${gateway.baseUrl}/agent/v1/screenshots/${sha256}${query}`, {
      method: 'PUT',
      headers: { 'content-type': 'image/jpeg', authorization: `Bearer ${agent.deviceId}.${agent.secret}`, ...headers },
      body: body.slice().buffer,
    });

  it('stores a verified upload (201), and a repeat is a no-op (200)', async () => {
    const bytes = jpeg('http-1');
    const sha256 = sha256Hex(bytes);
    const first = await put(sha256, bytes);
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({ sha256, created: true });
    expect((await put(sha256, bytes)).status).toBe(200);
    expect(existsSync(blobPath(sha256))).toBe(true);
    expect((await screenshotRow(sha256))?.deviceId).toBe(agent.deviceId);
  });

  it('rejects bytes that do not match the sha256 in the URL with 422 sha256-mismatch', async () => {
    const claimed = sha256Hex(jpeg('claimed'));
    const response = await put(claimed, jpeg('sent'));
    expect(response.status).toBe(422);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('sha256-mismatch');
    expect(existsSync(blobPath(claimed))).toBe(false);
    expect(await screenshotRow(claimed)).toBeUndefined();
  });

  it('requires the device credentials', async () => {
    const bytes = jpeg('anonymous');
    const sha256 = sha256Hex(bytes);
    const missing = await put(sha256, bytes, { authorization: '' });
    expect(missing.status).toBe(401);
    const wrong = await put(sha256, bytes, { authorization: `Bearer ${agent.deviceId}.${'x'.repeat(43)}` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('device-auth-failed');
    expect(await screenshotRow(sha256)).toBeUndefined();
  });

  it('refuses a missing size, a non-image type and a malformed sha256', async () => {
    const bytes = jpeg('odd');
    const sha256 = sha256Hex(bytes);
    expect((await put(sha256, bytes, {}, '')).status).toBe(400);
    expect((await put(sha256, bytes, { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await put('not-a-sha', bytes)).status).toBe(400);
  });
});
