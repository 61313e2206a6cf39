import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { pino, type Logger } from 'pino';
import type { LockRequest, ScreenLocker } from '../../core/ports.ts';
import { run } from './exec.ts';
import { LockerPidFile, stopProcess } from './locker-pid-file.ts';
import { LockerWatch } from './locker-watch.ts';
import { X11LockScreen } from './x11-overlay.ts';

/**
 * - `command`: runs a locker that stays in the foreground while locked (default `i3lock -n -c 000000`); we hold
 *   its PID, so a teacher unlock kills exactly that process.
 * - `loginctl`: asks logind to lock this session (the desktop's own locker); unlock via `loginctl unlock-session`.
 * - `windows` / `macos`: OS lock commands (LockWorkStation, `pmset displaysleepnow`); these cannot be undone
 *   remotely and their state cannot be read back — seams, not run in CI.
 * - `auto`: Linux → `loginctl` when this process belongs to a logind session (XDG_SESSION_ID), else `command`.
 */
export type LockerMode = 'auto' | 'command' | 'loginctl' | 'windows' | 'macos';

export interface NodeScreenLockerOptions {
  mode?: LockerMode;
  /** `command` mode: the locker and its arguments. Default `['i3lock', '-n', '-c', '000000']`. */
  command?: readonly string[];
  /**
   * `command` mode: the X window the locker maps; lock() resolves once it is on screen. Default 'i3lock' for
   * i3lock, else none (lock() resolves once the process has started).
   */
  windowName?: string;
  /** logind session to lock. Default env.XDG_SESSION_ID. */
  sessionId?: string;
  /** Environment for the locker (DISPLAY). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /**
   * `command` mode on Linux: a teacher lock shows the agent's own fullscreen lock screen (x11-overlay.ts: the
   * message, the teacher, a countdown; keyboard and pointer grabbed), with the locker command as the fallback
   * when it cannot be made. Idle locks always use the locker / OS lock (the pupil's password). Needs DISPLAY.
   * Default false (the headless agent turns it on when no locker command is configured).
   */
  overlay?: boolean;
  /** How long lock() waits for the lock to be in place. Default 5 s. */
  readyTimeoutMs?: number;
  /**
   * `command` mode: a file (in the state folder) holding the running locker's PID, so an agent restarted after
   * it was killed takes over the locker still on screen instead of starting a second one. Default none.
   */
  pidFile?: string;
  platform?: NodeJS.Platform;
  log?: Logger;
}

export const DEFAULT_LOCK_COMMAND: readonly string[] = ['i3lock', '-n', '-c', '000000'];

export class NodeScreenLocker implements ScreenLocker {
  readonly #mode: LockerMode;
  readonly #command: readonly string[];
  readonly #windowName: string | undefined;
  readonly #env: NodeJS.ProcessEnv;
  readonly #sessionId: string | undefined;
  readonly #readyTimeoutMs: number;
  readonly #platform: NodeJS.Platform;
  readonly #log: Logger;
  #resolved: Promise<Exclude<LockerMode, 'auto'>> | undefined;
  #locker: ChildProcess | undefined;
  /** An idle lock is part of the lock in force: a teacher unlock must not lift it. */
  #idleHeld = false;
  readonly #pidFile: LockerPidFile | undefined;
  /** A locker a previous run of the agent started and left on screen. */
  #adopted: number | undefined;
  #pidFileRead = false;
  /** Tells LockService the moment a locker ends without unlock(), so the lock goes back up at once. */
  readonly #watch = new LockerWatch();
  readonly #overlayEnabled: boolean;
  /** The agent's own teacher lock screen, while it shows. */
  #overlay: X11LockScreen | undefined;

  constructor(opts: NodeScreenLockerOptions = {}) {
    this.#mode = opts.mode ?? 'auto';
    this.#command = opts.command ?? DEFAULT_LOCK_COMMAND;
    if (this.#command.length === 0) throw new Error('locker command is empty');
    this.#windowName = opts.windowName ?? (this.#command[0]?.endsWith('i3lock') ? 'i3lock' : undefined);
    this.#env = opts.env ?? process.env;
    this.#sessionId = opts.sessionId ?? this.#env.XDG_SESSION_ID;
    this.#readyTimeoutMs = opts.readyTimeoutMs ?? 5_000;
    this.#pidFile = opts.pidFile === undefined ? undefined : new LockerPidFile(opts.pidFile, this.#command[0] ?? '');
    this.#platform = opts.platform ?? process.platform;
    this.#log = opts.log ?? pino({ level: 'silent' });
    this.#overlayEnabled = (opts.overlay ?? false) && this.#platform === 'linux' && (this.#env.DISPLAY ?? '') !== '';
  }

  /** True while the agent's own lock screen shows the teacher's message (LockService then sends no notification). */
  get showsMessage(): boolean {
    return this.#overlay?.showing === true;
  }

  /** PID of the locker process this agent started (or took over from its previous run), while it runs. */
  get lockerPid(): number | undefined {
    return running(this.#locker) ? this.#locker?.pid : this.#adopted;
  }

  onLost(listener: () => void): () => void {
    return this.#watch.onLost(listener);
  }

  resolveMode(): Promise<Exclude<LockerMode, 'auto'>> {
    this.#resolved ??= this.#detectMode();
    return this.#resolved;
  }

  async lock(opts?: LockRequest): Promise<void> {
    // The message is shown by the Notifier / Electron overlay; OS lockers have nowhere to put it.
    const mode = await this.resolveMode();
    if (opts?.reason !== 'idle' && this.#overlayEnabled && (await this.#lockWithOverlay(opts ?? {}))) return;
    await this.#lockWith(mode);
    // In place: from now on its exit (kill -9, closed) is a lost lock, told at once.
    if (this.#locker !== undefined && running(this.#locker)) this.#watch.supervise(this.#locker);
    if (opts?.reason === 'idle') this.#idleHeld = true;
  }

  async #lockWith(mode: Exclude<LockerMode, 'auto'>): Promise<void> {
    switch (mode) {
      case 'command':
        return this.#lockWithCommand();
      case 'loginctl': {
        await run('loginctl', ['lock-session', this.#session()], { env: this.#env });
        const deadline = Date.now() + this.#readyTimeoutMs;
        while (!(await this.#lockedHint())) {
          if (Date.now() > deadline) throw new Error('loginctl lock-session had no effect (is a screen locker listening?)');
          await delay(100);
        }
        return;
      }
      case 'windows':
        await run('rundll32.exe', ['user32.dll,LockWorkStation'], { env: this.#env });
        return;
      case 'macos':
        await run('pmset', ['displaysleepnow'], { env: this.#env });
        return;
    }
  }

  /** Lifts a teacher lock. An idle lock stays: the person at the PC signs in themselves. */
  async unlock(): Promise<void> {
    const mode = await this.resolveMode();
    const overlay = this.#overlay;
    this.#overlay = undefined;
    overlay?.close();
    if (this.#idleHeld && (await this.isLocked())) {
      this.#log.info('teacher lock lifted; the idle lock stays until the person signs in');
      return;
    }
    this.#idleHeld = false;
    if (mode === 'loginctl') {
      await run('loginctl', ['unlock-session', this.#session()], { env: this.#env });
      return;
    }
    const locker = this.#locker;
    if (locker === undefined || !running(locker)) {
      const adopted = await this.#adoptedLocker();
      if (adopted !== undefined) {
        this.#watch.stopPid();
        await stopProcess(adopted);
        this.#adopted = undefined;
        await this.#pidFile?.clear(adopted);
        return;
      }
      if (mode !== 'command') this.#log.info({ mode }, 'an OS lock cannot be removed remotely');
      return;
    }
    const exited = once(locker, 'exit');
    this.#watch.release(locker);
    locker.kill('SIGTERM');
    const force = setTimeout(() => locker.kill('SIGKILL'), 3_000);
    await exited;
    clearTimeout(force);
  }

  async isLocked(): Promise<boolean> {
    if (running(this.#locker) || this.#overlay?.showing === true) return true;
    const mode = await this.resolveMode();
    const locked = mode === 'loginctl' ? await this.#lockedHint() : mode === 'command' && (await this.#adoptedLocker()) !== undefined;
    if (!locked) this.#idleHeld = false;
    return locked;
  }

  /** The locker a previous run left on screen, while it runs (the PID file is read once, at the first need). */
  async #adoptedLocker(): Promise<number | undefined> {
    const pidFile = this.#pidFile;
    if (pidFile === undefined) return undefined;
    if (!this.#pidFileRead) {
      this.#pidFileRead = true;
      this.#adopted = await pidFile.find();
      if (this.#adopted !== undefined) {
        this.#log.info({ pid: this.#adopted }, 'found the locker a previous run left on screen; taking it over');
        // Not our child: no exit event; its PID is watched instead.
        this.#watch.watchPid(this.#adopted, (pid) => pidFile.isLocker(pid));
      }
    }
    if (this.#adopted !== undefined && !(await pidFile.isLocker(this.#adopted))) {
      this.#watch.stopPid();
      await pidFile.clear(this.#adopted);
      this.#adopted = undefined;
    }
    return this.#adopted;
  }

  /** The agent's own lock screen; false (logged) when it cannot be made, so the locker command takes over. */
  async #lockWithOverlay(request: LockRequest): Promise<boolean> {
    const current = this.#overlay;
    if (current?.showing === true) {
      await current.update(request);
      return true;
    }
    try {
      const overlay = await X11LockScreen.show(request, { env: this.#env, log: this.#log, grabTimeoutMs: this.#readyTimeoutMs });
      this.#overlay = overlay;
      overlay.onGone((err) => {
        if (this.#overlay !== overlay) return;
        // Closed from outside (xkill): put it back at once; the next lock-state poll retries if this fails.
        this.#log.warn({ err }, 'lock screen window went away; showing it again');
        this.#overlay = undefined;
        this.#lockWithOverlay(request)
          .then(
            (ok) => (ok ? undefined : this.#lockWithCommand()),
            () => undefined,
          )
          .catch((e: unknown) => this.#log.error({ err: e }, 'could not lock the screen again'));
      });
      return true;
    } catch (err) {
      this.#log.warn({ err }, 'cannot show the lock screen window; using the locker command');
      return false;
    }
  }

  async #lockWithCommand(): Promise<void> {
    if (running(this.#locker) || (await this.#adoptedLocker()) !== undefined) return;
    const [cmd = '', ...args] = this.#command;
    const locker = spawn(cmd, args, { env: this.#env, stdio: ['ignore', 'ignore', 'pipe'] });
    this.#locker = locker;
    // Watched from the start, not from when its window is seen: a locker killed in between is a lost lock too.
    this.#watch.supervise(locker);
    const pidFile = this.#pidFile;
    if (pidFile !== undefined) {
      locker.once('spawn', () => {
        if (locker.pid !== undefined) pidFile.write(locker.pid).catch((err: unknown) => this.#log.warn({ err }, 'could not record the locker PID'));
      });
      locker.once('exit', () => {
        if (locker.pid !== undefined) pidFile.clear(locker.pid).catch(() => undefined);
      });
    }
    let stderr = '';
    locker.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-500);
    });
    const failed = new Promise<never>((_, reject) => {
      locker.once('error', (err) => reject(new Error(`locker ${cmd} failed to start: ${err.message}`)));
      locker.once('exit', (code, signal) => reject(new Error(`locker ${cmd} exited (${signal ?? String(code)}): ${stderr.trim()}`)));
    });
    failed.catch(() => {});
    await Promise.race([once(locker, 'spawn'), failed]);
    if (this.#windowName === undefined) return;
    const deadline = Date.now() + this.#readyTimeoutMs;
    const windowName = this.#windowName;
    await Promise.race([
      failed,
      (async () => {
        while (!(await this.#windowMapped(windowName))) {
          if (Date.now() > deadline) {
            // The locker runs but we cannot see its window (no xwininfo, another name): keep it, say so.
            this.#log.warn({ windowName }, 'locker is running but its window was not seen');
            return;
          }
          await delay(50);
        }
      })(),
    ]);
  }

  async #windowMapped(name: string): Promise<boolean> {
    try {
      const { stdout } = await run('xwininfo', ['-root', '-children'], { env: this.#env, timeoutMs: 2_000 });
      return stdout.includes(`"${name}"`);
    } catch {
      return false;
    }
  }

  async #detectMode(): Promise<Exclude<LockerMode, 'auto'>> {
    if (this.#mode !== 'auto') return this.#mode;
    if (this.#platform === 'win32') return 'windows';
    if (this.#platform === 'darwin') return 'macos';
    if (this.#sessionId !== undefined && this.#sessionId !== '') {
      try {
        await run('loginctl', ['show-session', this.#sessionId, '-p', 'Id'], { env: this.#env, timeoutMs: 3_000 });
        return 'loginctl';
      } catch {
        // No logind (containers, minimal installs): fall through to the configured locker.
      }
    }
    return 'command';
  }

  #session(): string {
    if (this.#sessionId === undefined || this.#sessionId === '') throw new Error('loginctl mode needs a session id (XDG_SESSION_ID)');
    return this.#sessionId;
  }

  async #lockedHint(): Promise<boolean> {
    const { stdout } = await run('loginctl', ['show-session', this.#session(), '-p', 'LockedHint', '--value'], { env: this.#env });
    return stdout.trim() === 'yes';
  }
}

function running(proc: ChildProcess | undefined): boolean {
  return proc !== undefined && proc.pid !== undefined && proc.exitCode === null && proc.signalCode === null;
}
