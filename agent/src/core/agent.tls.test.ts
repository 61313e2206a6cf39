import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { makeEnvelope, tokenWithPin } from '@vigil/shared/protocol';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { createAgent, type Agent } from './agent.ts';
import { parseAgentConfig } from './agent-config.ts';
import { FakeCollector } from './test-kit/fake-collector.ts';
import { realClock, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { selfSignedIdentity, type TestIdentity } from './test-kit/test-certificates.ts';
import { waitFor } from '../testing/wait-for.ts';

// The agent against collectors over real TLS sockets: the one it enrolled with, an impostor on
// the same address, and the move of an agent enrolled before pinning from ws:// to wss://.

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const TOKEN = 'vigil-enrol-0123456789abcdefghijklmnopqrstuv';
/** What a collector would command at once: a lock and a screenshot. */
const COMMANDS = [
  makeEnvelope('lock', { on: true, lockId: 'L-FAKE', message: 'gotcha' }),
  makeEnvelope('screenshot-request', { requestId: 'R-FAKE', width: 640 }),
];

async function stateFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-agent-tls-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function tlsCollector(identity: TestIdentity, port = 0, welcomePins?: string[]): Promise<FakeCollector> {
  const collector = await FakeCollector.start({ wordlist: TEST_WORDLIST, tls: identity }, port);
  if (welcomePins !== undefined) collector.welcomeTls = { url: collector.url, pins: welcomePins };
  cleanup.push(() => collector.stop());
  return collector;
}

async function startAgent(config: Record<string, unknown>) {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const platform = { ...createFakePlatform(), clock: realClock };
  const agent: Agent = await createAgent({
    platform,
    config: parseAgentConfig({ reconnectBaseMs: 20, reconnectCapMs: 200, stopFlushMs: 200, ...config }),
    log,
  });
  cleanup.push(() => agent.stop());
  await agent.start();
  return { agent, platform, lines, logged: (msg: string) => lines.some((line) => (JSON.parse(line) as { msg: string }).msg === msg) };
}

const deviceFile = async (dir: string) => JSON.parse(await readFile(join(dir, 'device.json'), 'utf8')) as Record<string, unknown>;

describe('agent ↔ collector over pinned TLS', () => {
  it("enrols over wss:// with the token's pin, keeps it in device.json, and refuses an impostor on the same address", async () => {
    const real = await selfSignedIdentity();
    const collector = await tlsCollector(real);
    const stateDir = await stateFolder();
    const first = await startAgent({ collector: collector.url, enrolToken: tokenWithPin(TOKEN, real.pin), stateDir });
    await waitFor(() => first.agent.connection.connected);
    expect(collector.messages('hello')[0]?.payload.auth).toEqual({ kind: 'enrol', token: tokenWithPin(TOKEN, real.pin) });
    expect(await deviceFile(stateDir)).toMatchObject({ collectorPins: [real.pin] });
    await first.agent.stop();
    const port = collector.port;
    await collector.stop();

    // Same host and port, a self-issued certificate of its own, a collector that commands at once.
    const impostor = await tlsCollector(await selfSignedIdentity(), port);
    impostor.afterWelcome = COMMANDS;
    const second = await startAgent({ collector: `wss://127.0.0.1:${port}`, stateDir, authRetryMs: 600_000 });
    await waitFor(() => second.agent.connection.stats.pinMismatches === 1);
    expect(second.logged('collector key does not match the pinned key')).toBe(true);
    expect(impostor.upgradeRequests).toBe(0);
    expect(impostor.received).toEqual([]);
    expect(second.platform.locker.calls).toEqual([]);
    expect(second.platform.capture.calls).toEqual([]);
    expect(second.agent.connection.connected).toBe(false);
  });

  it('moves to the keys a pinned welcome announces (rotation) and then accepts the new key', async () => {
    const current = await selfSignedIdentity();
    const next = await selfSignedIdentity();
    const collector = await tlsCollector(current, 0, [current.pin, next.pin]);
    const stateDir = await stateFolder();
    const first = await startAgent({ collector: collector.url, enrolToken: tokenWithPin(TOKEN, current.pin), stateDir });
    await waitFor(async () => ((await deviceFile(stateDir)).collectorPins as string[] | undefined)?.length === 2);
    expect((await deviceFile(stateDir)).collectorPins).toEqual([current.pin, next.pin]);
    await first.agent.stop();
    const port = collector.port;
    const devices = [...collector.devices];
    await collector.stop();

    const rotated = await tlsCollector(next, port, [next.pin]);
    for (const [id, secret] of devices) rotated.devices.set(id, secret);
    const second = await startAgent({ collector: `wss://127.0.0.1:${port}`, stateDir });
    await waitFor(() => second.agent.connection.connected);
    // The old key is dropped once the collector stops announcing it.
    await waitFor(async () => JSON.stringify((await deviceFile(stateDir)).collectorPins) === JSON.stringify([next.pin]), { message: 'the old pin dropped' });
  });

  it('moves an agent enrolled before pinning from ws:// to pinned wss://, obeying nothing on the plain connection', async () => {
    const identity = await selfSignedIdentity();
    const tls = await tlsCollector(identity);
    const plain = await FakeCollector.start({ wordlist: TEST_WORDLIST, welcomeTls: { url: tls.url, pins: [identity.pin] } });
    cleanup.push(() => plain.stop());
    plain.afterWelcome = COMMANDS;
    const deviceId = '01JGXDFAM0MSETZ78WDYHDT1E8';
    const secret = 's'.repeat(43);
    for (const collector of [tls, plain]) collector.devices.set(deviceId, secret);
    const stateDir = await stateFolder();
    // device.json as agents wrote it before pinning: credentials only.
    await writeFile(join(stateDir, 'device.json'), `${JSON.stringify({ deviceId, secret })}\n`, { mode: 0o600 });

    const first = await startAgent({ collector: plain.url, stateDir });
    await waitFor(() => first.agent.connection.connected);
    expect(plain.messages('hello')).toHaveLength(1);
    // It said bye there: the collector must not take the move for a vanished agent.
    expect(plain.messages('bye').map((m) => m.payload.reason)).toEqual(['restart']);
    expect(tls.messages('hello')[0]?.payload.auth).toEqual({ kind: 'device', deviceId, secret });
    expect(first.platform.locker.calls).toEqual([]);
    expect(first.platform.capture.calls).toEqual([]);
    expect(await deviceFile(stateDir)).toEqual({ deviceId, secret, collectorPins: [identity.pin], collectorUrl: tls.url, upgradedFrom: plain.url });
    await first.agent.stop();

    // Next start: straight to wss://, though the configuration still says ws://.
    const second = await startAgent({ collector: plain.url, stateDir });
    await waitFor(() => second.agent.connection.connected);
    expect(plain.messages('hello')).toHaveLength(1);
    expect(tls.messages('hello')).toHaveLength(2);
  });
});
