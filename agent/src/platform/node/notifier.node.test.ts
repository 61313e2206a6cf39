import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startXvfb, stopProcesses, type Xvfb } from '../../testing/xvfb.harness.ts';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { run } from './exec.ts';
import { chooseNotifyPath, NodeNotifier } from './notifier.node.ts';
import { MESSAGE_WINDOW_NAME, X11LockScreen } from './x11-overlay.ts';

function capturingLogger() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines };
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

describe('chooseNotifyPath', () => {
  it('uses notify-send only when a daemon will show it, else the own window, else nowhere', () => {
    expect(chooseNotifyPath({ notifySend: true, daemon: true, display: true })).toBe('notification');
    expect(chooseNotifyPath({ notifySend: true, daemon: true, display: false })).toBe('notification');
    expect(chooseNotifyPath({ notifySend: true, daemon: false, display: true })).toBe('window');
    expect(chooseNotifyPath({ notifySend: false, daemon: true, display: true })).toBe('window');
    expect(chooseNotifyPath({ notifySend: true, daemon: false, display: false })).toBe('none');
    expect(chooseNotifyPath({ notifySend: false, daemon: false, display: false })).toBe('none');
  });
});

describe('NodeNotifier', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vigil-notify-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function script(name: string, body: string): Promise<void> {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\n${body}\n`);
    await chmod(path, 0o755);
  }

  it('hands title and body to notify-send as separate arguments when a daemon owns the name', async () => {
    await script('notify-send', `printf '%s\\n' "$@" > "${dir}/args"`);
    // The session bus's answer to NameHasOwner (the real bus is exercised below).
    await script('dbus-send', `echo "   boolean true"`);
    const { log, lines } = capturingLogger();
    const via = await new NodeNotifier({ env: { PATH: dir, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' }, log }).notify(
      'From Ms Khan',
      '-- please save your work; $(rm -rf /)',
    );
    expect(via).toBe('notification');
    const args = (await readFile(join(dir, 'args'), 'utf8')).trim().split('\n');
    expect(args).toEqual(['--app-name=Vigil', '--expire-time=15000', '--', 'From Ms Khan', '-- please save your work; $(rm -rf /)']);
    expect(lines).toEqual([]);
  });

  it('does not trust notify-send without a session bus, and with no display says it was shown nowhere', async () => {
    await script('notify-send', `touch "${dir}/called"`);
    const { log, lines } = capturingLogger();
    const via = await new NodeNotifier({ env: { PATH: dir }, log }).notify('Lock in 30 s', 'This computer will lock');
    expect(via).toBe('none');
    expect(await exists(join(dir, 'called'))).toBe(false);
    expect(lines).toEqual([expect.objectContaining({ title: 'Lock in 30 s', body: 'This computer will lock' })]);
  });

  it('logs the message and reports none when notify-send is not installed and there is no display', async () => {
    const { log, lines } = capturingLogger();
    expect(await new NodeNotifier({ env: { PATH: dir }, log }).notify('Hello', 'World')).toBe('none');
    expect(lines).toEqual([expect.objectContaining({ msg: 'message for the person at this computer (nothing could show it)', title: 'Hello' })]);
  });
});

describe('NodeNotifier with a real session bus and X display, no notification daemon', { timeout: 60_000 }, () => {
  let x: Xvfb;
  let bus: ChildProcess | undefined;
  let env: NodeJS.ProcessEnv;
  let dir: string;

  beforeAll(async () => {
    await ensureTools([T.xwininfo, { bin: 'dbus-daemon', apt: 'dbus' }, { bin: 'dbus-send', apt: 'dbus-bin' }]);
    x = await startXvfb({ width: 1024, height: 768 });
    dir = await mkdtemp(join(tmpdir(), 'vigil-notify-bus-'));
    const daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    bus = daemon;
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      daemon.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim());
      });
      daemon.once('exit', (code) => reject(new Error(`dbus-daemon exited (${String(code)})`)));
    });
    // A notify-send that would "work" (exit 0) although no daemon shows anything.
    await writeFile(join(dir, 'notify-send'), `#!/bin/sh\ntouch "${dir}/called"\n`);
    await chmod(join(dir, 'notify-send'), 0o755);
    env = { ...x.env, DBUS_SESSION_BUS_ADDRESS: address, PATH: `${dir}:${process.env.PATH ?? ''}` };
  });

  afterAll(async () => {
    if (bus !== undefined) await stopProcesses([bus]);
    await x?.stop();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  async function messageWindow(): Promise<string | undefined> {
    const { stdout } = await run('xwininfo', ['-root', '-tree'], { env: x.env });
    return stdout.split('\n').find((line) => line.includes(`"${MESSAGE_WINDOW_NAME}"`));
  }

  it('asks the bus, finds no org.freedesktop.Notifications owner, and shows its own window instead', async () => {
    const notifier = new NodeNotifier({ env, windowHideMs: 1_500 });
    expect(await notifier.facts()).toEqual({ notifySend: true, daemon: false, display: true });
    expect(await notifier.notify('Message from Ms Patel', 'Please save your work')).toBe('window');
    expect(await exists(join(dir, 'called'))).toBe(false);
    expect(await messageWindow()).toBeDefined();
    // It hides by itself after windowHideMs.
    await waitFor(async () => (await messageWindow()) === undefined, { timeoutMs: 5_000, message: 'message window hidden' });
  });

  it('holds a message back while the agent lock screen is up, and shows it once the lock lifts', async () => {
    const lock = await X11LockScreen.show({ message: 'Eyes on the board' }, { env });
    const notifier = new NodeNotifier({ env, windowHideMs: 1_000 });
    let settled = false;
    const shown = notifier.notify('Message from Ms Patel', 'After the lock').then((via) => {
      settled = true;
      return via;
    });
    await waitFor(async () => (await run('xwininfo', ['-root', '-tree'], { env: x.env })).stdout.includes('"Vigil lock"'), { message: 'lock up' });
    expect(settled).toBe(false);
    expect(await messageWindow()).toBeUndefined();
    lock.close();
    expect(await shown).toBe('window');
  });
});
