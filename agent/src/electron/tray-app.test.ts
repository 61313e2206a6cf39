// The tray app end to end in one process: the real agent core and a FakeCollector speaking
// protocol v1 over a real WebSocket, with a fake `electron` standing in for the OS and the
// person at the PC.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ulid } from 'ulid';
import { writeFile } from 'node:fs/promises';
import { FakeClock, FakeKeySource, FakeScreenLocker, FakeWindowSource } from '@vigil/agent/platform/fake';
import { defaultPolicy } from '@vigil/shared/protocol';
import { parseAgentConfig } from '../core/agent-config.ts';
import type { Clock } from '../core/ports.ts';
import { realClock, TEST_WORDLIST } from '../core/test-kit/core-test-kit.ts';
import { waitFor } from '../testing/wait-for.ts';
import { FakeCollector } from '../core/test-kit/fake-collector.ts';
import { IPC } from './ipc-channels.ts';
import { builtShellPaths } from './shell-paths.ts';
import { createFakeElectron, type FakeElectron } from './testing/fake-electron.ts';
import { startTrayApp, type TrayApp, type TrayAppOptions } from './tray-app.ts';
import { MONITORED_NOTICE } from './tray.controller.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-tray-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function startCollector(): Promise<FakeCollector> {
  const collector = await FakeCollector.start({ wordlist: TEST_WORDLIST });
  cleanup.push(() => collector.stop());
  return collector;
}

interface Rig {
  app: TrayApp;
  electron: FakeElectron;
  osLocker: FakeScreenLocker;
  stateDir: string;
}

async function launch(
  opts: { collectorUrl: string; stateDir?: string; user?: string; electron?: FakeElectron; clock?: Clock } & Partial<TrayAppOptions>,
): Promise<Rig> {
  const stateDir = opts.stateDir ?? (await tempDir());
  const electron =
    opts.electron ??
    createFakeElectron({
      displays: [
        { id: 1, bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 1 },
        { id: 2, bounds: { x: 1280, y: 0, width: 1024, height: 768 }, scaleFactor: 1 },
      ],
      paths: { userData: stateDir },
    });
  const osLocker = new FakeScreenLocker();
  const config = parseAgentConfig({
    collector: opts.collectorUrl,
    enrolToken: 'enrol-token-0123456789',
    stateDir,
    reconnectBaseMs: 20,
    reconnectCapMs: 200,
    stopFlushMs: 500,
    lockPollMs: 100,
  });
  const app = await startTrayApp(electron, {
    config: { ok: true, config },
    paths: builtShellPaths('/app/dist/electron'),
    clock: opts.clock ?? realClock,
    platform: 'linux',
    osUser: opts.user ?? 'pupil01',
    argv: ['/opt/Vigil/vigil-agent'],
    adapters: { windows: new FakeWindowSource(), keys: new FakeKeySource(), osLocker },
    ...opts,
  });
  if (app === undefined) throw new Error('tray app did not start');
  cleanup.push(() => app.shutdown('test over'));
  return { app, electron, osLocker, stateDir };
}

describe('tray app', () => {
  it('quits at once when another copy already runs for this user', async () => {
    const electron = createFakeElectron({ singleInstanceLock: false });
    const app = await startTrayApp(electron, { config: { ok: false, message: 'unused' }, paths: builtShellPaths('/app') });
    expect(app).toBeUndefined();
    expect(electron.app.quitCalls).toBe(1);
    expect(electron.trays).toEqual([]);
    expect(electron.windows).toEqual([]);
  });

  it('opens no window while idle, and its tray shows connected, then offline when the collector goes', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => app.tray.status === 'connected');
    const [tray] = electron.trays;
    expect(tray?.menu?.labels).toEqual([MONITORED_NOTICE, 'Status: connected to the school']);
    expect(electron.app.dockHidden).toBe(true);
    // The acceptable-use notice is the only window, and only until acknowledged.
    expect(electron.windows.filter((w) => !w.destroyed).map((w) => w.loadedFile)).toEqual(['/app/dist/electron/renderer/aup.html']);
    await collector.stop();
    await waitFor(() => app.tray.status === 'offline');
    expect(tray?.image).toBe('/app/dist/electron/assets/tray-offline.png');
  });

  it('covers every display for a teacher lock from the collector, reports it, and removes it on unlock', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => app.supervisor.agent?.connection.connected);
    const lockId = ulid();
    collector.send('lock', { on: true, lockId, message: 'Eyes on the board', by: 'Ms Patel' });
    await waitFor(() => electron.pageWindows('lock').length === 2);
    expect(app.overlay.state).toEqual({ message: 'Eyes on the board', by: 'Ms Patel' });
    await waitFor(() => app.tray.status === 'locked');
    await waitFor(() => collector.messages('lock-state').some((m) => m.payload.locked && m.payload.lockId === lockId));
    collector.send('lock', { on: false, lockId });
    await waitFor(() => electron.pageWindows('lock').length === 0);
    await waitFor(() => app.tray.status === 'connected');
    await waitFor(() => collector.messages('lock-state').some((m) => !m.payload.locked));
  });

  it('ends a timed lock by itself', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => app.supervisor.agent?.connection.connected);
    collector.send('lock', { on: true, lockId: ulid(), message: 'Two minutes', until: Date.now() + 600 });
    await waitFor(() => electron.pageWindows('lock').length === 2);
    expect(app.overlay.state?.until).toBeTypeOf('number');
    await waitFor(() => electron.pageWindows('lock').length === 0);
    await waitFor(() => app.tray.status === 'connected');
  });

  it('shows a teacher message in the message window', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => app.supervisor.agent?.connection.connected);
    collector.send('message', { id: ulid(), text: 'Save your work, we finish in 5 minutes', from: 'Mr Jones' });
    await waitFor(() => electron.pageWindows('message').length === 1);
    expect(app.messages.queue).toEqual([{ title: 'Message from Mr Jones', body: 'Save your work, we finish in 5 minutes' }]);
  });

  it('puts a teacher lock back on screen after a restart, before the collector is reachable', async () => {
    const collector = await startCollector();
    const first = await launch({ collectorUrl: collector.url });
    await waitFor(() => first.app.supervisor.agent?.connection.connected);
    collector.send('lock', { on: true, lockId: ulid(), message: 'Stay locked', by: 'Ms Patel' });
    await waitFor(() => first.app.overlay.shown);
    await first.app.shutdown('restart');
    const url = collector.url;
    await collector.stop();

    const second = await launch({ collectorUrl: url, stateDir: first.stateDir });
    await waitFor(() => second.electron.pageWindows('lock').length === 2);
    expect(second.app.overlay.state).toMatchObject({ message: 'Stay locked', by: 'Ms Patel' });
    expect(second.app.tray.status).toBe('locked');
  });

  it('warns before the idle lock and then locks through the OS, not the overlay (fake clock)', async () => {
    const collector = await startCollector();
    const url = collector.url;
    await collector.stop();
    const stateDir = await tempDir();
    // The policy the collector last sent, cached: idle lock after 1 minute, warning 30 s before.
    await writeFile(join(stateDir, 'policy.json'), JSON.stringify({ ...defaultPolicy, idleLockMinutes: 1, idleWarningSeconds: 30 }));
    const clock = new FakeClock(Date.now());
    const { app, electron, osLocker } = await launch({ collectorUrl: url, stateDir, clock });
    await waitFor(() => app.supervisor.state === 'running');
    const idleFor = async (from: number, to: number) => {
      for (let s = from; s <= to; s++) {
        electron.powerMonitor.idleSeconds = s;
        await clock.advanceAsync(1_000);
      }
    };
    await idleFor(1, 25);
    expect(app.messages.queue).toEqual([]);
    await idleFor(26, 35);
    await waitFor(() => app.messages.queue.some((m) => m.title === 'Screen lock'));
    expect(osLocker.calls).toEqual([]);
    await idleFor(36, 55);
    expect(osLocker.calls).toEqual([]);
    await idleFor(56, 62);
    await waitFor(() => osLocker.calls.some((c) => c.op === 'lock' && c.reason === 'idle'));
    expect(app.overlay.shown).toBe(false);
    expect(electron.pageWindows('lock')).toEqual([]);
    await waitFor(() => app.tray.status === 'locked');
  });

  it('sends bye and quits when asked to quit; while locked only an OS shutdown may end it', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => app.supervisor.agent?.connection.connected);
    collector.send('lock', { on: true, lockId: ulid() });
    await waitFor(() => app.overlay.shown);
    electron.app.quit();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.app.hasQuit).toBe(false);
    expect(collector.messages('bye')).toEqual([]);
    expect(electron.pageWindows('lock')).toHaveLength(2);

    const event = electron.powerMonitor.shutdown();
    expect(event.defaultPrevented).toBe(true);
    await waitFor(() => electron.app.hasQuit);
    expect(collector.messages('bye').map((m) => m.payload.reason)).toEqual(['shutdown']);
    expect(electron.trays[0]?.destroyed).toBe(true);
  });

  it('sends bye at Windows log-off, heard through a hidden window', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url, platform: 'win32' });
    await waitFor(() => app.supervisor.agent?.connection.connected);
    const watcher = electron.windows.find((w) => w.loadedFile === undefined);
    expect(watcher?.options).toMatchObject({ show: false, skipTaskbar: true });
    expect(watcher?.visible).toBe(false);
    watcher?.emit('query-session-end');
    await waitFor(() => electron.app.hasQuit);
    expect(collector.messages('bye')).toHaveLength(1);
  });

  it('shows the acceptable-use notice once per user and policy version', async () => {
    const collector = await startCollector();
    const first = await launch({ collectorUrl: collector.url, user: 'pupil01' });
    await waitFor(() => first.electron.pageWindows('aup').length === 1);
    const [notice] = first.electron.pageWindows('aup');
    await first.electron.ipcMain.invoke(IPC.aupAcknowledge, notice?.webContents);
    await first.app.shutdown('logout');

    const again = await launch({ collectorUrl: collector.url, stateDir: first.stateDir, user: 'pupil01' });
    await waitFor(() => again.app.supervisor.agent?.connection.connected);
    expect(again.electron.pageWindows('aup')).toEqual([]);
    // The school publishes a new version: shown again at once.
    collector.send('policy', { ...collector.policy, aupVersion: '2', aupText: 'New rules' });
    await waitFor(() => again.electron.pageWindows('aup').length === 1);
    expect(again.app.aup.view).toEqual({ text: 'New rules', version: '2' });
    await again.app.shutdown('logout');

    const other = await launch({ collectorUrl: collector.url, stateDir: first.stateDir, user: 'pupil02' });
    await waitFor(() => other.electron.pageWindows('aup').length === 1);
  });

  it('still says the computer is monitored, and why the agent is not running, without a configuration', async () => {
    const dir = await tempDir();
    const electron = createFakeElectron({ paths: { userData: dir } });
    const app = await startTrayApp(electron, {
      config: { ok: false, message: '--config /etc/vigil/agent.json: ENOENT' },
      paths: builtShellPaths('/app'),
      clock: realClock,
      osUser: 'pupil01',
    });
    if (app === undefined) throw new Error('not started');
    cleanup.push(() => app.shutdown('test over'));
    expect(app.tray.statusText).toBe('Status: not running — not set up, ask IT');
    expect(electron.trays[0]?.menu?.labels[0]).toBe(MONITORED_NOTICE);
    expect(electron.pageWindows('aup')).toHaveLength(1);
  });

  it('shows the notice when started a second time, and refuses every permission a page asks for', async () => {
    const collector = await startCollector();
    const { app, electron } = await launch({ collectorUrl: collector.url });
    await waitFor(() => electron.pageWindows('aup').length === 1);
    await electron.ipcMain.invoke(IPC.aupAcknowledge, electron.pageWindows('aup')[0]?.webContents);
    electron.app.emit('second-instance');
    expect(electron.pageWindows('aup')).toHaveLength(1);
    expect(app.aup.view?.version).toBe('1');
    let granted: boolean | undefined;
    electron.session.defaultSession.permissionHandler?.({}, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
  });
});
