// Agents trust only their own collector (issue #17): the real headless agent and the real
// collector over TLS with the collector's key pinned from the enrolment token; a fake
// collector with another key on the same address and a man-in-the-middle TLS proxy are
// refused before the agent says anything; an agent enrolled before pinning moves to TLS.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startXvfb, type Xvfb } from '@vigil/agent/testing';
import { makeEnvelope } from '@vigil/shared/protocol';
import { createSystemDatabase, type SystemDatabase } from './support/database.ts';
import { AgentProcess, CollectorProcess, type LogLine } from './support/system.ts';

let db: SystemDatabase;
let x: Xvfb;
let collector: CollectorProcess;
let token: string;
let pin: string;
/** Another collector's self-issued key and certificate: what an impostor would present. */
let impostor: { key: string; cert: string };
let impostorDir: string;
const agents: AgentProcess[] = [];
const servers: Server[] = [];

beforeAll(async () => {
  db = await createSystemDatabase();
  x = await startXvfb();
  collector = await CollectorProcess.create(db.url);
  await collector.start();
  token = await collector.createEnrolmentToken();
  pin = (await collector.admin(['tls-pin'])).split('\n')[0] ?? '';
  impostorDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-impostor-'));
  await collector.admin(['tls-pin'], { DATA_DIR: impostorDir });
  impostor = { key: await readFile(join(impostorDir, 'tls', 'server.key'), 'utf8'), cert: await readFile(join(impostorDir, 'tls', 'server.crt'), 'utf8') };
}, 120_000);

afterAll(async () => {
  for (const server of servers) server.close();
  for (const agent of agents) await agent.dispose();
  await collector?.dispose();
  await x?.stop();
  await db?.drop();
  await rm(impostorDir, { recursive: true, force: true });
});

async function newAgent(collectorUrl: string): Promise<AgentProcess> {
  const agent = await AgentProcess.create({ collectorUrl, display: x.display });
  agents.push(agent);
  return agent;
}

/** A TLS server on `port` presenting the impostor's certificate, recording every application byte it receives. */
async function impostorServer(port: number, onSecure: (socket: TLSSocket) => void = () => {}) {
  const received: Buffer[] = [];
  let connections = 0;
  const server = createServer(impostor, (socket) => {
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.on('error', () => {});
    onSecure(socket);
  });
  server.on('connection', () => connections++);
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  servers.push(server);
  return { server, port: (server.address() as AddressInfo).port, received, connections: () => connections };
}

/** A server → client WebSocket text frame (unmasked). */
function wsFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

const mismatch = (l: LogLine) => l.msg === 'collector key does not match the pinned key';
/** Puts a device.json into an agent's (not yet made) state folder. */
async function giveState(agent: AgentProcess, state: Record<string, unknown>): Promise<void> {
  await mkdir(agent.stateDir, { recursive: true, mode: 0o700 });
  await writeFile(join(agent.stateDir, 'device.json'), `${JSON.stringify(state)}\n`, { mode: 0o600 });
}
const deviceJson = async (agent: AgentProcess) => JSON.parse(await readFile(join(agent.stateDir, 'device.json'), 'utf8')) as Record<string, unknown>;

describe('agent ↔ collector TLS with the collector pinned', () => {
  let enrolled: AgentProcess;

  it('the CLI token carries the pin; the agent enrols over wss:// and connects pinned', async () => {
    expect(token.split('.')[1]).toBe(pin);
    expect(collector.logs().find((l) => typeof l.pin === 'string')).toMatchObject({ pin, agentUrl: `wss://127.0.0.1:${collector.tlsPort}` });
    enrolled = await newAgent(collector.tlsUrl);
    await enrolled.start(token);
    const connected = await enrolled.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the pinned connection');
    expect(connected).toMatchObject({ pinned: true, url: `${collector.tlsUrl}/agent/v1` });
    expect(await deviceJson(enrolled)).toMatchObject({ collectorPins: [pin] });
    await enrolled.stop();
  });

  it('refuses a man-in-the-middle TLS proxy before hello: the proxy gets not one application byte', async () => {
    const proxy = await impostorServer(0, (client) => {
      // A working relay to the real collector, as an attacker on the path would run.
      const upstream = connect({ host: '127.0.0.1', port: collector.tlsPort, rejectUnauthorized: false });
      upstream.on('error', () => client.destroy());
      client.pipe(upstream).pipe(client);
    });
    const { secret } = (await deviceJson(enrolled)) as { secret: string };
    const state = await deviceJson(enrolled);
    const viaProxy = await newAgent(`wss://127.0.0.1:${proxy.port}`);
    await giveState(viaProxy, state);
    await viaProxy.start();
    const refused = await viaProxy.waitForLog(mismatch, 15_000, 'the pin refusal');
    expect(refused.pinned).toEqual([pin]);
    expect(viaProxy.logs().some((l) => l.msg === 'connected to the collector')).toBe(false);
    expect(proxy.connections()).toBeGreaterThanOrEqual(1);
    const seen = Buffer.concat(proxy.received);
    expect(seen.length).toBe(0);
    expect(seen.toString('latin1')).not.toContain(secret);
    await viaProxy.stop();
  });

  it("refuses a fake collector with another key on the collector's own address: no hello, no command obeyed", async () => {
    await collector.stop();
    const commands = [
      makeEnvelope('lock', { on: true, lockId: 'L-FAKE', message: 'fake' }),
      makeEnvelope('screenshot-request', { requestId: 'R-FAKE', width: 640 }),
    ];
    // It does not even wait for a request: 101 and two commands as soon as TLS is up.
    const fake = await impostorServer(collector.tlsPort, (socket) => {
      socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n');
      for (const command of commands) socket.write(wsFrame(JSON.stringify(command)));
    });
    await enrolled.start();
    await enrolled.waitForLog(mismatch, 15_000, 'the pin refusal');
    expect(fake.connections()).toBeGreaterThanOrEqual(1);
    expect(Buffer.concat(fake.received).length).toBe(0);
    const logs = enrolled.logs();
    expect(logs.some((l) => l.msg === 'connected to the collector' || l.msg === 'screen locked by a teacher')).toBe(false);
    expect(logs.some((l) => l.lockId === 'L-FAKE' || l.requestId === 'R-FAKE')).toBe(false);
    await enrolled.stop();
    await new Promise<void>((resolve) => fake.server.close(() => resolve()));
    await collector.start();
  });

  it('moves an agent enrolled before pinning (device.json without pins, ws:// URL) to pinned wss:// at its next connection', async () => {
    const { deviceId, secret } = (await deviceJson(enrolled)) as { deviceId: string; secret: string };
    const legacy = await newAgent(collector.url);
    await giveState(legacy, { deviceId, secret });
    await legacy.start();
    await legacy.waitForLog((l) => l.msg === 'moved to TLS; plain ws:// to this collector is no longer used', 15_000, 'the move to TLS');
    const connected = await legacy.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the pinned connection');
    expect(connected).toMatchObject({ pinned: true, url: `${collector.tlsUrl}/agent/v1` });
    expect(await deviceJson(legacy)).toEqual({
      deviceId,
      secret,
      collectorPins: [pin],
      collectorUrl: `${collector.tlsUrl}/agent/v1`,
      upgradedFrom: `${collector.url}/agent/v1`,
    });
    await legacy.stop();

    // From now on straight to TLS, though its configuration still names ws://.
    await legacy.start();
    const again = await legacy.waitForLog((l) => l.msg === 'connected to the collector', 15_000, 'the reconnection');
    expect(again).toMatchObject({ pinned: true, url: `${collector.tlsUrl}/agent/v1` });
    expect(legacy.logs().some((l) => l.msg === 'the collector speaks TLS: moving to it')).toBe(false);
  });
});
