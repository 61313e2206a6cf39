import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { ForeignLock, Key, KeySource, KeySourceStatus } from '../../core/ports.ts';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { decodeHookMessage } from './key-hook.protocol.ts';
import { platformLayoutLoader, type KeyTranslator, type LayoutLoader } from './key-translator.ts';
import { X11KeySource } from './x11-key-source.ts';
import { loadX11Layout } from './x11-layout.ts';

/**
 * - `x11`: the agent's own X connection records key presses with their X keycodes and state, and the keymap
 *   changes and keyboard grabs of other programs in the same order (x11-key-source.ts). Linux default.
 * - `uiohook`: libuiohook in a child process (key-hook.child.mjs), keycodes mapped through the OS layout
 *   (`layout`); Windows and macOS, and Linux when asked for.
 */
export type KeyHookKind = 'x11' | 'uiohook';

export interface NodeKeySourceOptions {
  /** Default `x11` on Linux unless a `layout` is given, else `uiohook`. */
  hook?: KeyHookKind;
  /** `x11`: while another program holds a keyboard grab, check again this often. Default 5 s. */
  recheckLockMs?: number;
  /** Environment of the hook child and the layout tools (DISPLAY). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Report mouse button presses as the key 'Click' (they end a typed word). Default true. */
  clicks?: boolean;
  /** Reads the active keyboard layout. Default: X11 (`xmodmap -pke`) on Linux, ToUnicodeEx on Windows, UCKeyTranslate on macOS. */
  layout?: LayoutLoader;
  /** Restart delays after the hook dies. Default 500 ms doubling to 30 s, with jitter. */
  restart?: BackoffOptions;
  /** A hook that ran this long before dying restarts from the shortest delay again. Default 10 s. */
  stableAfterMs?: number;
  /** Node binary used to run the hook child. Default process.execPath. */
  execPath?: string;
  log?: Logger;
}

const CHILD_PATH = fileURLToPath(new URL('./key-hook.child.mjs', import.meta.url));
/**
 * The hook child forwards a few keycodes a second and holds almost nothing: a small heap
 * and no JIT (interpreter only) cost it no measurable time and save memory on every PC
 * (bench/src/agent-idle.bench.ts, key-source.bench.ts; numbers in the README).
 */
export const HOOK_CHILD_FLAGS: readonly string[] = ['--max-old-space-size=16', '--max-semi-space-size=1', '--jitless'];
const RELOAD_AFTER_MISS_MS = 2_000;

export function defaultLayoutLoader(platform: NodeJS.Platform = process.platform): LayoutLoader {
  return platform === 'linux' ? loadX11Layout : platformLayoutLoader(platform);
}

/**
 * The keyboard hook: on Linux the agent's own X connection (`X11KeySource`), elsewhere libuiohook in a
 * restartable child process. Keys exist only in this process's memory on their way to `onKey`; they are never
 * logged.
 */
export class NodeKeySource implements KeySource {
  readonly #env: NodeJS.ProcessEnv;
  readonly #clicks: boolean;
  readonly #loadLayout: LayoutLoader;
  readonly #backoff: Backoff;
  readonly #stableAfterMs: number;
  readonly #execPath: string;
  readonly #log: Logger;
  #running = false;
  #child: ChildProcess | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #translator: KeyTranslator | undefined;
  #lastReload = 0;
  #status: KeySourceStatus | undefined;
  #onKey: (key: Key) => void = () => {};
  #onStatus: (status: KeySourceStatus, detail?: string) => void = () => {};
  readonly #x11: X11KeySource | undefined;

  constructor(opts: NodeKeySourceOptions = {}) {
    const hook = opts.hook ?? (process.platform === 'linux' && opts.layout === undefined ? 'x11' : 'uiohook');
    this.#x11 =
      hook === 'x11'
        ? new X11KeySource({
            env: opts.env,
            clicks: opts.clicks,
            restart: opts.restart,
            stableAfterMs: opts.stableAfterMs,
            recheckLockMs: opts.recheckLockMs,
            log: opts.log,
          })
        : undefined;
    this.#env = opts.env ?? process.env;
    this.#clicks = opts.clicks ?? true;
    this.#loadLayout = opts.layout ?? defaultLayoutLoader();
    this.#backoff = new Backoff(opts.restart);
    this.#stableAfterMs = opts.stableAfterMs ?? 10_000;
    this.#execPath = opts.execPath ?? process.execPath;
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  /** Which hook reads the keys. */
  get hook(): KeyHookKind {
    return this.#x11 === undefined ? 'uiohook' : 'x11';
  }

  /** The lock screen keys are withheld for (`x11` hook only). */
  get foreignLock(): ForeignLock | undefined {
    return this.#x11?.foreignLock;
  }

  watchForeignLock(listener: (lock: ForeignLock | undefined) => void): () => void {
    return this.#x11?.watchForeignLock(listener) ?? (() => {});
  }

  /** PID of the running hook child, if any (`uiohook` hook only). */
  get hookPid(): number | undefined {
    return this.#child?.pid;
  }

  async start(onKey: (key: Key) => void, onStatus: (status: KeySourceStatus, detail?: string) => void): Promise<void> {
    if (this.#x11 !== undefined) return this.#x11.start(onKey, onStatus);
    if (this.#running) throw new Error('key source already started');
    this.#running = true;
    this.#onKey = onKey;
    this.#onStatus = onStatus;
    await this.#launch();
  }

  async stop(): Promise<void> {
    if (this.#x11 !== undefined) return this.#x11.stop();
    this.#running = false;
    clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    this.#child = undefined;
    this.#status = undefined;
  }

  async #launch(): Promise<void> {
    if (!this.#running) return;
    try {
      if (this.#translator === undefined) this.#translator = await this.#loadLayout(this.#env);
      else await this.#translator.reload();
      this.#lastReload = Date.now();
    } catch (err) {
      this.#failed(`keyboard layout unavailable: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!this.#running) return;
    this.#spawn();
  }

  #spawn(): void {
    const child = fork(CHILD_PATH, this.#clicks ? ['--clicks'] : [], {
      env: this.#env,
      execPath: this.#execPath,
      // Our own flags only: the parent's (a test runner's loaders, inspector ports) do not belong in the hook.
      execArgv: [...HOOK_CHILD_FLAGS],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.#child = child;
    let stderr = '';
    let readyAt: number | undefined;
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-600);
    });
    child.on('message', (raw) => {
      const msg = decodeHookMessage(raw);
      if (msg === undefined) return;
      if (msg.type === 'ready') {
        readyAt = Date.now();
        this.#setStatus('ok');
      } else if (msg.type === 'click') {
        this.#onKey('Click');
      } else {
        this.#key(msg);
      }
    });
    child.on('error', (err) => this.#log.warn({ err }, 'keyboard hook process error'));
    child.on('exit', (code, signal) => {
      if (this.#child === child) this.#child = undefined;
      if (!this.#running) return;
      if (readyAt !== undefined && Date.now() - readyAt >= this.#stableAfterMs) this.#backoff.reset();
      const why = lastLine(stderr) ?? `exit ${signal ?? String(code)}`;
      this.#failed(`keyboard hook ${readyAt === undefined ? 'could not start' : 'stopped'}: ${why}`);
    });
  }

  #key(ev: Parameters<KeyTranslator['translate']>[0]): void {
    const translator = this.#translator;
    if (translator === undefined) return;
    const key = translator.translate(ev);
    if (typeof key === 'string') this.#onKey(key);
    else if (key !== undefined) for (const k of key) this.#onKey(k);
    if (translator.missed && Date.now() - this.#lastReload >= RELOAD_AFTER_MISS_MS) {
      this.#lastReload = Date.now();
      translator.reload().catch((err: unknown) => this.#log.warn({ err }, 'keyboard layout reload failed'));
    }
  }

  #failed(detail: string): void {
    const delayMs = this.#backoff.next();
    this.#log.warn({ detail, retryInMs: delayMs }, 'keyboard hook unavailable');
    this.#setStatus('unavailable', detail);
    clearTimeout(this.#restartTimer);
    this.#restartTimer = setTimeout(() => void this.#launch(), delayMs);
  }

  #setStatus(status: KeySourceStatus, detail?: string): void {
    if (this.#status === status) return;
    this.#status = status;
    this.#onStatus(status, detail);
  }
}

function lastLine(text: string): string | undefined {
  const lines = text
    .trim()
    .split('\n')
    .filter((l) => l.trim() !== '');
  return lines.at(-1)?.trim();
}
