import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultPolicy } from '@vigil/shared/protocol';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { createAgent, type Agent } from './agent.ts';
import { parseAgentConfig } from './agent-config.ts';
import { diskFault } from './outbox/failing-fs.ts';
import { FakeCollector } from './test-kit/fake-collector.ts';
import { realClock, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { waitFor } from '../testing/wait-for.ts';

// The agent on a state folder that refuses writes (injected ENOSPC at the file system): it
// must run degraded, not exit into a supervisor restart loop. The real-tmpfs version of this
// is test/src/agent-full-disk.test.ts.
vi.mock('node:fs/promises', async (real) => (await import('./outbox/failing-fs.ts')).failingFs(await real()));

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  diskFault.code = undefined;
  diskFault.under = undefined;
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function makeAgent(collector: FakeCollector, stateDir: string) {
  const platform = { ...createFakePlatform(), clock: realClock };
  const config = parseAgentConfig({
    collector: collector.url,
    enrolToken: 'enrol-token-0123456789',
    stateDir,
    reconnectBaseMs: 20,
    reconnectCapMs: 200,
    stopFlushMs: 1_000,
  });
  const agent: Agent = await createAgent({ platform, config });
  cleanup.push(() => agent.stop());
  return { agent, platform };
}

describe('agent on a full disk', () => {
  it('starts degraded, locks, sends alerts straight without a screenshot reference, reports it, and recovers', async () => {
    const collector = await FakeCollector.start({
      wordlist: TEST_WORDLIST,
      policy: { ...defaultPolicy, signInTitlePatterns: [], noCaptureCategories: [], heartbeatSeconds: 5 },
    });
    cleanup.push(() => collector.stop());
    const stateDir = await mkdtemp(join(tmpdir(), 'vigil-agent-full-'));
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));

    // Enrolled on a healthy disk first.
    const first = await makeAgent(collector, stateDir);
    await first.agent.start();
    await waitFor(() => first.agent.connection.connected && first.agent.wordlist.version === TEST_WORDLIST.version);
    await first.agent.stop();

    diskFault.code = 'ENOSPC';
    diskFault.under = stateDir;
    const { agent, platform } = await makeAgent(collector, stateDir);
    await agent.start();
    expect(diskFault.failures).toBeGreaterThan(0);
    expect(agent.outbox.stats().degraded?.reason).toBe('ENOSPC');
    await waitFor(() => agent.connection.connected);

    // The heartbeat says so.
    const degradedBeat = await waitFor(() => collector.messages('heartbeat').find((m) => m.payload.degraded !== undefined));
    expect(degradedBeat?.payload.degraded).toMatchObject({ reason: 'ENOSPC' });

    // A teacher lock still locks.
    collector.send('lock', { on: true, lockId: 'L1', message: 'Eyes on the board' });
    await waitFor(() => collector.messages('lock-state').some((m) => m.payload.locked));
    expect(agent.lock.locked).toBe(true);
    collector.send('lock', { on: false, lockId: 'L1' });
    await waitFor(() => !agent.lock.locked);

    // Matching still works; the alert goes straight over the socket, without a screenshot it could not keep.
    platform.windows.set({ app: 'xterm', title: 'History homework' });
    platform.keys.type('i want to kill myself\n');
    const alert = await waitFor(() => collector.messages('alert')[0]);
    expect(alert?.payload.term).toBe('kill myself');
    expect(alert?.payload.screenshot).toBeUndefined();
    expect(collector.messages('screenshot')).toEqual([]);
    await waitFor(() => agent.outbox.stats().pending === 0);
    expect(agent.outbox.stats()).toMatchObject({ droppedAlerts: 0 });

    // Space returns: the flag clears, and the heartbeat stops saying so.
    diskFault.code = undefined;
    await waitFor(() => agent.outbox.stats().degraded === undefined, { timeoutMs: 10_000 });
    const beats = collector.messages('heartbeat').length;
    await waitFor(() => collector.messages('heartbeat').length > beats, { timeoutMs: 10_000 });
    expect(collector.messages('heartbeat').at(-1)?.payload.degraded).toBeUndefined();

    // And screenshots come back with their alerts.
    platform.windows.set({ app: 'xterm', title: 'Maths' });
    platform.keys.type('i want to kill myself\n');
    await waitFor(() => collector.messages('screenshot').length === 1 && collector.messages('alert').length === 2);
    const withShot = collector.messages('alert').at(-1);
    expect(withShot?.payload.screenshot?.sha256).toBe(collector.messages('screenshot')[0]?.payload.sha256);
  }, 40_000);
});
