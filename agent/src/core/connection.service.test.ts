import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPolicy, makeEnvelope } from '@vigil/shared/protocol';
import { FakeClock } from '@vigil/agent/platform/fake';
import { ConnectionService, type CommandHandlers, type ConnectionOptions } from './connection.service.ts';
import { Outbox } from './outbox/index.ts';
import { binaryRecord, messageRecord } from './outbox-records.ts';
import { PolicyState } from './policy-state.ts';
import type { Clock } from './ports.ts';
import { readDeviceCredentials, type DeviceCredentials } from './state-dir.ts';
import { FakeCollector } from './test-kit/fake-collector.ts';
import { realClock, silentLog, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { waitFor } from '../testing/wait-for.ts';
import { WordlistState } from './wordlist-state.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const TOKEN = 'enrol-token-0123456789';
const HELLO = {
  agentVersion: '0.1.0',
  os: { platform: 'linux', release: '6.1', arch: 'x64' },
  hostname: 'ict-07',
  osUser: 'pupil.jones',
  capabilities: ['keyboard' as const],
  previousExit: 'clean' as const,
};

function alertMessage(n = 1) {
  const env = makeEnvelope('alert', {
    id: '01JGXDFAM0MSETZ78WDYHDT1E8',
    ts: 1,
    source: 'typed',
    term: 'kms',
    category: 'self-harm',
    severity: 4,
    context: 'kms',
    windowTitle: 'w',
    app: 'xterm',
    osUser: 'u',
  });
  const id = env.id.slice(0, 25) + String(n % 10);
  return { ...env, id, payload: { ...env.payload, id } };
}

interface RigOptions {
  collector?: FakeCollector;
  credentials?: DeviceCredentials;
  enrolToken?: string;
  clock?: Clock;
  handlers?: Partial<CommandHandlers>;
  logLines?: string[];
  reconnect?: ConnectionOptions['reconnect'];
}

async function rig(opts: RigOptions = {}) {
  const collector = opts.collector ?? (await FakeCollector.start({ wordlist: TEST_WORDLIST }));
  if (opts.collector === undefined) cleanup.push(() => collector.stop());
  const stateDir = await mkdtemp(join(tmpdir(), 'vigil-conn-'));
  cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  const outbox = await Outbox.open({ dir: join(stateDir, 'outbox') });
  cleanup.push(() => outbox.close());
  const policy = new PolicyState({ cacheDir: stateDir });
  const wordlist = new WordlistState({ cacheDir: stateDir });
  const lines = opts.logLines;
  const log =
    lines === undefined ? silentLog : pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(chunk.toString()), done()) }));
  const calls: string[] = [];
  const handlers: CommandHandlers = {
    lock: async (cmd) => void calls.push(`lock ${String(cmd.on)} ${cmd.lockId}`),
    message: async (msg) => void calls.push(`message ${msg.text}`),
    live: (live) => void calls.push(`live ${String(live.on)} ${live.fps} ${live.width}`),
    screenshotRequest: async (req) => void calls.push(`screenshot ${req.width}`),
    ...opts.handlers,
  };
  const connection = new ConnectionService({
    url: collector.url,
    stateDir,
    credentials: opts.credentials,
    enrolToken: opts.credentials === undefined ? (opts.enrolToken ?? TOKEN) : opts.enrolToken,
    hello: HELLO,
    outbox,
    policy,
    wordlist,
    handlers,
    status: () => ({ uptimeSeconds: 1, locked: false, idleSeconds: 0, keyboard: 'ok' }),
    clock: opts.clock ?? realClock,
    log,
    reconnect: opts.reconnect ?? { baseMs: 20, capMs: 100, refusedMs: 600_000 },
    random: () => 0.5,
  });
  cleanup.push(() => connection.stop());
  return { collector, stateDir, outbox, policy, wordlist, connection, calls };
}

describe('ConnectionService', () => {
  it('enrols with the token, keeps device.json owner-only, and later connects with the stored secret', async () => {
    const first = await rig();
    first.connection.start();
    await waitFor(() => first.connection.connected);
    const stored = await readDeviceCredentials(first.stateDir);
    if (!stored.ok) throw new Error(stored.detail);
    expect(first.collector.devices.get(stored.value.deviceId)).toBe(stored.value.secret);
    expect((await stat(join(first.stateDir, 'device.json'))).mode & 0o777).toBe(0o600);
    expect(first.collector.messages('hello')[0]?.payload.auth).toEqual({ kind: 'enrol', token: TOKEN });
    await first.connection.stop();
    expect(first.collector.messages('bye').map((m) => m.payload.reason)).toEqual(['shutdown']);

    const second = await rig({ collector: first.collector, credentials: stored.value });
    second.connection.start();
    await waitFor(() => second.connection.connected);
    expect(first.collector.messages('hello')[1]?.payload.auth).toEqual({ kind: 'device', ...stored.value });
    expect(first.collector.messages('hello')[1]?.payload.wordlistVersion).toBeUndefined();
  });

  it('delivers queued records, images as binary frames, and removes them once acked', async () => {
    const { collector, outbox, connection } = await rig();
    const alert = alertMessage();
    await outbox.enqueue(messageRecord(alert));
    const shot = makeEnvelope('screenshot', { sha256: 'ab'.repeat(32), width: 2, height: 1, mime: 'image/jpeg', alertId: alert.id });
    await outbox.enqueue(binaryRecord(shot, new Uint8Array([1, 2, 3])));
    connection.start();
    await waitFor(() => outbox.stats().pending === 0);
    expect(collector.received.filter((r) => r.message.type !== 'hello' && r.message.type !== 'heartbeat').map((r) => [r.message.id, r.bytes?.length])).toEqual([
      [alert.id, undefined],
      [shot.id, 3],
    ]);
  });

  it('keeps records the collector did not ack and sends them again after reconnecting', async () => {
    const collector = await FakeCollector.start({ autoAck: false });
    cleanup.push(() => collector.stop());
    const { outbox, connection } = await rig({ collector });
    const alert = alertMessage();
    await outbox.enqueue(messageRecord(alert));
    connection.start();
    await waitFor(() => collector.messages('alert').length === 1);
    expect(outbox.stats().pending).toBe(1);
    collector.autoAck = true;
    collector.closeAll(1012, 'restarting');
    await waitFor(() => outbox.stats().pending === 0);
    expect(collector.messages('alert').map((m) => m.id)).toEqual([alert.id, alert.id]);
    expect(connection.stats.connects).toBe(2);
  });

  it('applies the policy and word list the collector pushes, and caches both', async () => {
    const { collector, stateDir, policy, wordlist, connection } = await rig();
    connection.start();
    await waitFor(() => wordlist.version === TEST_WORDLIST.version);
    collector.send('policy', { ...defaultPolicy, signInTitlePatterns: ['^Secret$'], alertCooldownSeconds: 5 });
    await waitFor(() => policy.current.alertCooldownSeconds === 5);
    expect(policy.isSignInTitle('secret')).toBe(true);
    // The caches are written just after the new state applies.
    await vi.waitFor(async () => {
      const cachedPolicy = new PolicyState({ cacheDir: stateDir });
      const cachedList = new WordlistState({ cacheDir: stateDir });
      await cachedPolicy.load();
      await cachedList.load();
      expect(cachedPolicy.current.alertCooldownSeconds).toBe(5);
      expect(cachedList.version).toBe(TEST_WORDLIST.version);
    });
  });

  it('sends a heartbeat with the outbox counters on welcome and every heartbeatSeconds', async () => {
    const clock = new FakeClock(Date.now());
    const collector = await FakeCollector.start({ policy: { ...defaultPolicy, signInTitlePatterns: [], noCaptureCategories: [], heartbeatSeconds: 10 } });
    cleanup.push(() => collector.stop());
    const { connection } = await rig({ collector, clock });
    connection.start();
    await waitFor(() => collector.messages('heartbeat').length === 1);
    clock.advance(9_000);
    clock.advance(1_000);
    await waitFor(() => collector.messages('heartbeat').length === 2);
    expect(collector.messages('heartbeat')[1]?.payload).toEqual({
      uptimeSeconds: 1,
      locked: false,
      idleSeconds: 0,
      keyboard: 'ok',
      outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0, damaged: 0, rejected: 0 },
    });
  });

  it('drops a record the collector refuses for good (an error naming it), counts it, and never sends it again', async () => {
    const collector = await FakeCollector.start({ autoAck: false });
    cleanup.push(() => collector.stop());
    const lines: string[] = [];
    const { outbox, connection } = await rig({ collector, logLines: lines });
    const refused = alertMessage(1);
    const kept = alertMessage(2);
    await outbox.enqueue(messageRecord(refused));
    await outbox.enqueue(messageRecord(kept));
    connection.start();
    await waitFor(() => collector.messages('alert').length === 2);
    collector.send('error', { code: 'ingest-rejected', message: `alert ${refused.id} was refused by the database`, refId: refused.id });
    // Without refId, or with a code that may heal, nothing is dropped.
    collector.send('error', { code: 'ingest-rejected', message: 'no id' });
    collector.send('error', { code: 'rate-limited', message: 'slow down', refId: kept.id });
    await waitFor(() => outbox.stats().rejected === 1);
    expect(outbox.stats()).toMatchObject({ pending: 1, rejected: 1, droppedAlerts: 1 });
    // A reconnect re-sends what is still pending: only the record that was not refused.
    collector.autoAck = true;
    collector.closeAll(1012, 'restarting');
    await waitFor(() => outbox.stats().pending === 0);
    expect(collector.messages('alert').map((m) => m.id)).toEqual([refused.id, kept.id, kept.id]);
    await waitFor(() => collector.messages('heartbeat').some((m) => m.payload.outbox.rejected === 1));
    const logged = lines
      .map((l) => JSON.parse(l) as { msg: string; refId?: string })
      .find((l) => l.msg === 'the collector refused a record for good; dropped it from the outbox');
    expect(logged?.refId).toBe(refused.id);
  });

  it('reconnects when the collector comes back on the same address', async () => {
    const collector = await FakeCollector.start();
    const { connection } = await rig({ collector });
    connection.start();
    await waitFor(() => connection.connected);
    const port = collector.port;
    const devices = [...collector.devices];
    await collector.stop();
    await waitFor(() => !connection.connected);
    const again = await FakeCollector.start({}, port);
    cleanup.push(() => again.stop());
    for (const [id, secret] of devices) again.devices.set(id, secret);
    await waitFor(() => connection.connected);
    expect(again.messages('hello')[0]?.payload.auth.kind).toBe('device');
  });

  it('after a 4401 on stored credentials, logs why and waits the long delay instead of retrying', async () => {
    const clock = new FakeClock(Date.now());
    const collector = await FakeCollector.start();
    cleanup.push(() => collector.stop());
    collector.refuseAll = true;
    const lines: string[] = [];
    const { connection } = await rig({
      collector,
      clock,
      logLines: lines,
      credentials: { deviceId: '01JGXDFAM0MSETZ78WDYHDT1E8', secret: 's'.repeat(43) },
      reconnect: { baseMs: 20, capMs: 100, refusedMs: 600_000 },
    });
    connection.start();
    await waitFor(() => connection.phase === 'waiting');
    expect(lines.join('')).toContain("refused this device's stored credentials");
    clock.advance(599_000);
    expect(collector.messages('hello')).toHaveLength(1);
    collector.refuseAll = false;
    collector.devices.set('01JGXDFAM0MSETZ78WDYHDT1E8', 's'.repeat(43));
    clock.advance(1_000);
    await waitFor(() => connection.connected);
    expect(collector.messages('hello')).toHaveLength(2);
    expect(connection.stats.refusals).toBe(1);
  });

  it('hands lock, message, live and screenshot requests to their handlers', async () => {
    const { collector, connection, calls } = await rig();
    connection.start();
    await waitFor(() => connection.connected);
    collector.send('lock', { on: true, lockId: 'L1', message: 'Eyes front' });
    collector.send('message', { id: '01JGXDFAM0MSETZ78WDYHDT1E8', text: 'Five minutes left', from: 'Ms Khan' });
    collector.send('live', { on: true, fps: 1, width: 320 });
    collector.send('screenshot-request', { requestId: 'r1', width: 800 });
    await waitFor(() => calls.length === 4);
    expect(calls).toEqual(['lock true L1', 'message Five minutes left', 'live true 1 320', 'screenshot 800']);
  });
});
