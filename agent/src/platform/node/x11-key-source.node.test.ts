import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ForeignLock, Key, KeySourceStatus } from '../../core/ports.ts';
import { startXvfb, type Xvfb } from '../../testing/xvfb.harness.ts';
import { ensureTools, X11_TEST_TOOLS as T } from '../../testing/system-tools.ts';
import { waitFor } from '../../testing/wait-for.ts';
import { run } from './exec.ts';
import { NodeKeySource } from './key-source.node.ts';
import { X11KeySource } from './x11-key-source.ts';
import { pressKeycodes } from '../../testing/x11-keys.ts';

const SETXKBMAP = { bin: 'setxkbmap', apt: 'x11-xkb-utils' };

interface Rig {
  source: X11KeySource;
  keys: Key[];
  statuses: KeySourceStatus[];
  locks: (ForeignLock | undefined)[];
  typed(): string;
}

async function started(env: NodeJS.ProcessEnv, opts: { recheckLockMs?: number } = {}): Promise<Rig> {
  const source = new X11KeySource({ env, ...opts });
  const rig: Rig = { source, keys: [], statuses: [], locks: [], typed: () => rig.keys.join('') };
  source.watchForeignLock((lock) => rig.locks.push(lock));
  await source.start(
    (key) => rig.keys.push(key),
    (status) => rig.statuses.push(status),
  );
  await waitFor(() => rig.statuses.at(-1) === 'ok', { message: 'recording started' });
  return rig;
}

describe('X11KeySource under Xvfb (RECORD, keymap changes, lock screens)', { timeout: 60_000 }, () => {
  let x: Xvfb;

  beforeAll(async () => {
    await ensureTools([T.xterm, T.i3lock, T.xset, SETXKBMAP]);
    x = await startXvfb();
    await x.openXterm('Typing test');
  }, 60_000);

  afterAll(async () => {
    await x?.stop();
  });

  it('reads characters that are not on the layout, which xdotool types by binding a spare keycode for a moment', async () => {
    const rig = await started(x.env);
    try {
      // A Cyrillic look-alike "о", a curly apostrophe, a zero-width space, an emoji, Greek and Hebrew letters.
      const text = 'bad wоrd it’s o\u200bk 😀 αβγ שלום';
      await x.xdotoolType(`${text}\n`);
      await waitFor(() => rig.keys.at(-1) === 'Enter', { message: 'the Enter after the text', timeoutMs: 15_000 });
      expect(rig.keys.slice(0, -1).join('')).toBe(text);
      expect(rig.keys.filter((k) => k.length > 2)).toEqual(['Enter']);
    } finally {
      await rig.source.stop();
    }
  });

  it('reads a Cyrillic layout in the group the keyboard is switched to, and follows a layout change while it runs', async () => {
    const rig = await started(x.env);
    try {
      await run('setxkbmap', ['-layout', 'us,ru', '-option', '', '-option', 'grp:caps_toggle'], { env: x.env });
      // The keys g h b d t n, as a physical keyboard presses them: after Caps Lock (the group toggle) in group 2,
      // where the same keys are п р и в е т. The layout was changed after the source started: it reads it again.
      const ghbdtn = [42, 43, 56, 40, 28, 57];
      await pressKeycodes(x.env, [66]);
      await waitFor(
        async () => {
          rig.keys.length = 0;
          await pressKeycodes(x.env, [...ghbdtn, 65]);
          await waitFor(() => rig.keys.at(-1) === ' ', { message: 'the space' });
          return rig.typed() === 'привет ';
        },
        { message: 'the new layout read, in group 2', timeoutMs: 5_000 },
      );
      rig.keys.length = 0;
      await pressKeycodes(x.env, [66, ...ghbdtn, 65]);
      await waitFor(() => rig.keys.at(-1) === ' ', { message: 'the space' });
      expect(rig.typed()).toBe('ghbdtn ');
    } finally {
      await run('setxkbmap', ['-layout', 'us', '-option', ''], { env: x.env });
      await rig.source.stop();
    }
  });

  it('withholds every key while a lock screen it did not start grabs the keyboard, and reads keys again after it', async () => {
    const rig = await started(x.env);
    const locker = spawn('i3lock', ['-n', '-c', '000000'], { env: x.env, stdio: 'ignore' });
    try {
      await waitFor(() => rig.locks.at(-1)?.reason === 'keyboard-grab', { message: 'the grab seen', timeoutMs: 10_000 });
      expect(rig.source.foreignLock).toEqual({ reason: 'keyboard-grab' });
      await x.xdotoolType('my password\n');
      await pressKeycodes(x.env, [38, 39, 36]);
      if (locker.exitCode === null && locker.signalCode === null) {
        const exited = once(locker, 'exit');
        locker.kill('SIGTERM');
        await exited;
      }
      await waitFor(() => rig.locks.at(-1) === undefined && rig.locks.length >= 2, { message: 'the lock seen gone', timeoutMs: 10_000 });
      expect(rig.keys).toEqual([]);
      await x.xdotoolType('after');
      await waitFor(() => rig.typed() === 'after', { message: 'keys after the lock' });
      expect(rig.source.lastProbeMs).toBeLessThan(1_000);
    } finally {
      if (locker.exitCode === null && locker.signalCode === null) locker.kill('SIGKILL');
      await rig.source.stop();
    }
  });

  it('finds a lock screen that was already up when it started', async () => {
    const locker = spawn('i3lock', ['-n', '-c', '000000'], { env: x.env, stdio: 'ignore' });
    try {
      await waitFor(async () => (await run('xwininfo', ['-root', '-children'], { env: x.env })).stdout.includes('"i3lock"'), {
        message: 'i3lock on screen',
        timeoutMs: 10_000,
      });
      const rig = await started(x.env);
      try {
        expect(rig.source.foreignLock).toEqual({ reason: 'keyboard-grab' });
        await x.xdotoolType('secret');
        locker.kill('SIGTERM');
        await waitFor(() => rig.source.foreignLock === undefined, { message: 'the lock seen gone', timeoutMs: 10_000 });
        expect(rig.keys).toEqual([]);
      } finally {
        await rig.source.stop();
      }
    } finally {
      if (locker.exitCode === null && locker.signalCode === null) locker.kill('SIGKILL');
    }
  });

  it('reports the X screen saver as a lock screen while it is on', async () => {
    const rig = await started(x.env);
    try {
      await run('xset', ['s', 'activate'], { env: x.env });
      await waitFor(() => rig.locks.at(-1)?.reason === 'screen-saver', { message: 'the screen saver seen' });
      await run('xset', ['s', 'reset'], { env: x.env });
      await waitFor(() => rig.locks.length >= 2 && rig.locks.at(-1) === undefined, { message: 'the screen saver seen off' });
    } finally {
      await rig.source.stop();
    }
  });

  it('is what NodeKeySource runs on Linux', async () => {
    const source = new NodeKeySource({ env: x.env });
    expect(source.hook).toBe(process.platform === 'linux' ? 'x11' : 'uiohook');
    const keys: Key[] = [];
    const statuses: KeySourceStatus[] = [];
    await source.start(
      (k) => keys.push(k),
      (s) => statuses.push(s),
    );
    try {
      await waitFor(() => statuses.at(-1) === 'ok', { message: 'ready' });
      await x.xdotoolType('ok’');
      await waitFor(() => keys.join('') === 'ok’', { message: 'keys' });
    } finally {
      await source.stop();
    }
  });
});

describe('X11KeySource without RECORD', { timeout: 30_000 }, () => {
  it('reports unavailable with the reason and keeps retrying', async () => {
    const bare = await startXvfb({ record: false, windowManager: false });
    const source = new X11KeySource({ env: bare.env, restart: { initialMs: 50, maxMs: 50 } });
    const statuses: { status: KeySourceStatus; detail?: string }[] = [];
    try {
      await source.start(
        () => {},
        (status, detail) => statuses.push({ status, detail }),
      );
      expect(statuses).toEqual([{ status: 'unavailable', detail: expect.stringMatching(/no RECORD extension/) }]);
    } finally {
      await source.stop();
      await bare.stop();
    }
  });
});
