import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { AgentStartError, createAgent, type Agent } from './agent.ts';
import { parseAgentConfig } from './agent-config.ts';
import { FakeCollector } from './test-kit/fake-collector.ts';
import { realClock, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { waitFor } from '../testing/wait-for.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function rig(opts: { collector?: FakeCollector; stateDir?: string; agentRestarts?: number; url?: string } = {}) {
  const collector = opts.collector ?? (await FakeCollector.start({ wordlist: TEST_WORDLIST }));
  if (opts.collector === undefined) cleanup.push(() => collector.stop());
  let stateDir = opts.stateDir;
  if (stateDir === undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-agent-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    stateDir = dir;
  }
  // Real time for the socket; the fakes for everything the person at the PC does.
  const platform = { ...createFakePlatform(), clock: realClock };
  const config = parseAgentConfig({
    collector: opts.url ?? collector.url,
    enrolToken: 'enrol-token-0123456789',
    stateDir,
    reconnectBaseMs: 20,
    reconnectCapMs: 200,
    stopFlushMs: 1_000,
  });
  const agent: Agent = await createAgent({ platform, config, agentRestarts: opts.agentRestarts });
  cleanup.push(() => agent.stop());
  return { collector, stateDir, platform, agent };
}

describe('createAgent', () => {
  it('refuses to start without device credentials or an enrolment token, naming the fix', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-agent-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const config = parseAgentConfig({ collector: 'ws://127.0.0.1:9', stateDir: dir });
    await expect(createAgent({ platform: createFakePlatform(), config })).rejects.toThrow(AgentStartError);
    await expect(createAgent({ platform: createFakePlatform(), config })).rejects.toThrow('--enrol-token');
  });

  it('enrols, and delivers an alert for text typed in the focused window with its screenshot', async () => {
    const { collector, platform, agent } = await rig();
    platform.windows.set({ app: 'xterm', title: 'History homework' });
    await agent.start();
    await waitFor(() => agent.wordlist.version === TEST_WORDLIST.version);
    platform.keys.type('i want to kill myself\n');
    await waitFor(() => collector.messages('screenshot').length === 1);
    const [alert] = collector.messages('alert');
    expect(alert?.payload).toMatchObject({ term: 'kill myself', windowTitle: 'History homework', app: 'xterm' });
    expect(collector.messages('screenshot')[0]?.payload.alertId).toBe(alert?.id);
    expect(collector.messages('hello')[0]?.payload.previousExit).toBe('first-run');
    await waitFor(() => agent.outbox.stats().pending === 0);
  });

  it('locks the screen for a teacher, pauses matching while locked and reports the lock', async () => {
    const { collector, platform, agent } = await rig();
    platform.windows.set({ app: 'xterm', title: 'History homework' });
    await agent.start();
    await waitFor(() => agent.connection.connected && agent.wordlist.version !== undefined);
    collector.send('lock', { on: true, lockId: 'L1', message: 'Eyes on the board' });
    await waitFor(() => collector.messages('lock-state').length === 1);
    expect(agent.detector.keyboardState()).toBe('paused');
    platform.keys.type('kms\n');
    collector.send('lock', { on: false, lockId: 'L1' });
    await waitFor(() => collector.messages('lock-state').length === 2);
    expect(collector.messages('lock-state').map((m) => m.payload.locked)).toEqual([true, false]);
    expect(platform.notifier.messages).toEqual([{ title: 'Screen locked by your teacher', body: 'Eyes on the board' }]);
    await agent.detector.drain();
    expect(collector.messages('alert')).toEqual([]);
  });

  it('streams live thumbnails only while asked and shows teacher messages', async () => {
    const { collector, platform, agent } = await rig();
    await agent.start();
    await waitFor(() => agent.connection.connected);
    collector.send('message', { id: '01JGXDFAM0MSETZ78WDYHDT1E8', text: 'Five minutes left', from: 'Ms Khan' });
    collector.send('live', { on: true, fps: 10, width: 320 });
    await waitFor(() => collector.messages('frame').length >= 3);
    collector.send('live', { on: false, fps: 10, width: 320 });
    await waitFor(() => !agent.live.streaming);
    await agent.live.settled();
    const frames = collector.messages('frame').length;
    expect(collector.messages('frame')[0]?.payload.width).toBe(320);
    expect(collector.messages('frame')[1]?.payload.unchanged).toBe(true);
    expect(platform.notifier.messages).toContainEqual({ title: 'Message from Ms Khan', body: 'Five minutes left' });
    await agent.stop();
    expect(collector.messages('frame')).toHaveLength(frames);
  });

  it('keeps an alert made while the collector is away and delivers it once after a restart', async () => {
    const first = await rig();
    first.platform.windows.set({ app: 'xterm', title: 'Chat' });
    await first.agent.start();
    await waitFor(() => first.agent.connection.connected && first.agent.wordlist.version !== undefined);
    const port = first.collector.port;
    const devices = [...first.collector.devices];
    await first.collector.stop();
    first.platform.keys.type('kms\n');
    await waitFor(() => first.agent.outbox.stats().pendingAlerts === 1);
    await first.agent.stop();
    expect((await stat(join(first.stateDir, 'device.json'))).isFile()).toBe(true);

    const collector = await FakeCollector.start({ wordlist: TEST_WORDLIST }, port);
    cleanup.push(() => collector.stop());
    for (const [id, secret] of devices) collector.devices.set(id, secret);
    const second = await rig({ collector, stateDir: first.stateDir });
    await second.agent.start();
    await waitFor(() => second.agent.outbox.stats().pending === 0 && collector.messages('alert').length === 1);
    expect(collector.messages('alert')[0]?.payload.term).toBe('kms');
    expect(collector.messages('hello')[0]?.payload).toMatchObject({ previousExit: 'clean', wordlistVersion: TEST_WORDLIST.version });
    expect(collector.messages('activity').length).toBeGreaterThanOrEqual(1);
  });

  it('re-applies a teacher lock after a restart while the collector is unreachable, and lifts it when the collector says so', async () => {
    const first = await rig();
    await first.agent.start();
    await waitFor(() => first.agent.connection.connected);
    first.collector.send('lock', { on: true, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8', message: 'Eyes front', by: 'Ms Khan' });
    await waitFor(() => first.collector.messages('lock-state').length === 1);
    const { port, url } = first.collector;
    const devices = [...first.collector.devices];
    await first.agent.stop();
    await first.collector.stop();

    // Rebooted: a fresh screen, the collector still down.
    const second = await rig({ collector: first.collector, url, stateDir: first.stateDir });
    await second.agent.start();
    expect(second.platform.locker.calls).toEqual([{ op: 'lock', reason: 'teacher', message: 'Eyes front', by: 'Ms Khan' }]);
    expect(second.agent.lock.locked).toBe(true);
    expect(second.agent.detector.keyboardState()).toBe('paused');

    const collector = await FakeCollector.start({ wordlist: TEST_WORDLIST }, port);
    cleanup.push(() => collector.stop());
    for (const [id, secret] of devices) collector.devices.set(id, secret);
    await second.agent.stop();
    const third = await rig({ collector, stateDir: first.stateDir });
    await third.agent.start();
    await waitFor(() => third.agent.connection.connected);
    collector.send('lock', { on: false, lockId: '01JGXDFAM0MSETZ78WDYHDT1E8' });
    await waitFor(() => !third.agent.lock.locked);
    await waitFor(() => collector.messages('lock-state').some((m) => !m.payload.locked));
    expect(collector.messages('hello')[0]?.payload.previousExit).toBe('clean');
  });

  it('tells an unclean exit once per run: reconnects of the same run carry the same runId and say clean', async () => {
    const first = await rig();
    await first.agent.start();
    await waitFor(() => first.agent.connection.connected);
    await first.agent.stop();
    // As a kill leaves it: the "running" marker of the last run still there.
    await writeFile(join(first.stateDir, 'running'), '');
    const second = await rig({ collector: first.collector, stateDir: first.stateDir });
    await second.agent.start();
    await waitFor(() => second.agent.connection.connected);
    first.collector.closeAll();
    await waitFor(() => first.collector.messages('hello').length === 3 && second.agent.connection.connected);
    const [, unclean, again] = first.collector.messages('hello').map((m) => m.payload);
    expect(unclean).toMatchObject({ previousExit: 'unclean', runId: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{26}$/) });
    expect(again).toMatchObject({ previousExit: 'clean', runId: unclean?.runId });
    expect(first.collector.messages('hello')[0]?.payload.runId).not.toBe(unclean?.runId);
  });

  it('reports keyboard hook restarts and supervisor restarts in its heartbeat', async () => {
    const { collector, platform, agent } = await rig({ agentRestarts: 2 });
    await agent.start();
    await waitFor(() => collector.messages('heartbeat').length === 1);
    expect(collector.messages('heartbeat')[0]?.payload.health).toEqual({ keyboardHookRestarts: 0, agentRestarts: 2 });
    platform.keys.setStatus('unavailable', 'keyboard hook stopped: killed');
    platform.keys.setStatus('ok');
    // The next heartbeat: force one with a reconnect rather than wait the policy's 30 s.
    collector.closeAll(1012, 'restarting');
    await waitFor(() => collector.messages('heartbeat').length === 2);
    expect(collector.messages('heartbeat')[1]?.payload.health).toEqual({ keyboardHookRestarts: 1, agentRestarts: 2 });
  });
});
