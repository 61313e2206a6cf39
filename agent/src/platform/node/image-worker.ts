import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * What image-worker.child.mjs does. Pixels and bytes travel over the fork channel with the 'advanced'
 * serialization (structured clone), so no base64 and no JSON of buffers.
 */
export type ImageRequest =
  | {
      op: 'jpeg';
      frame: { kind: 'raw'; data: Uint8Array; width: number; height: number; channels: 3 | 4 } | { kind: 'encoded'; data: Uint8Array };
      maxWidth: number;
      quality: number;
    }
  /** The primary screen grabbed with node-screenshots and encoded, both in the child; `env` is the display to grab. */
  | { op: 'screen-jpeg'; maxWidth: number; quality: number; env: { DISPLAY?: string; XAUTHORITY?: string; WAYLAND_DISPLAY?: string } }
  | { op: 'svg-rgba'; svg: string; width: number; height: number }
  /** `svg` drawn over RGBA pixels `width` × `height`. */
  | { op: 'composite'; base: Uint8Array; width: number; height: number; svg: string }
  | { op: 'svg-png'; svg: string };

export interface ImageReplies {
  jpeg: { bytes: Uint8Array; width: number; height: number };
  'screen-jpeg': { bytes: Uint8Array; width: number; height: number };
  'svg-rgba': Uint8Array;
  composite: Uint8Array;
  'svg-png': Uint8Array;
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };

export const IMAGE_WORKER_CHILD = fileURLToPath(new URL('./image-worker.child.mjs', import.meta.url));

export interface ImageWorkerOptions {
  /** The child goes when no request came for this long (default 15 s: a live view asks every 1–3 s). */
  idleMs?: number;
  /** A request not answered in this long fails and the child is killed (default 30 s). */
  requestTimeoutMs?: number;
  /** The node binary (default this process's). */
  execPath?: string;
  script?: string;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * sharp in a child process that lives only while images are being made. The first request starts it;
 * it exits `idleMs` after the last answer; a crash or hang fails the requests in flight with the reason,
 * and the next request starts a fresh one. The agent itself never loads libvips, so its memory after a
 * live view or a lock screen is its idle memory (issue #13: back to idle within a minute).
 */
export class ImageWorker {
  readonly #idleMs: number;
  readonly #timeoutMs: number;
  readonly #execPath: string;
  readonly #script: string;
  #child: ChildProcess | undefined;
  #ready: Promise<ChildProcess> | undefined;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #idleTimer: NodeJS.Timeout | undefined;
  #started = 0;

  constructor(opts: ImageWorkerOptions = {}) {
    this.#idleMs = opts.idleMs ?? 15_000;
    this.#timeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.#execPath = opts.execPath ?? process.execPath;
    this.#script = opts.script ?? IMAGE_WORKER_CHILD;
  }

  /** PID of the child while it runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Children started so far (each idle period ends one). */
  get started(): number {
    return this.#started;
  }

  async run<K extends ImageRequest['op']>(req: Extract<ImageRequest, { op: K }>): Promise<ImageReplies[K]> {
    clearTimeout(this.#idleTimer);
    try {
      return (await this.#send(req)) as ImageReplies[K];
    } catch (err) {
      // A child that died a moment ago still looks connected until its exit is seen: one more try on a fresh
      // one. (An image that kills the child kills the second one too, and then the caller hears why.)
      if (!(err instanceof WorkerGone)) throw err;
      return (await this.#send(req)) as ImageReplies[K];
    } finally {
      this.#armIdle();
    }
  }

  async #send(req: ImageRequest): Promise<unknown> {
    const child = await this.#start();
    const id = this.#nextId++;
    return new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`image worker did not answer ${req.op} within ${this.#timeoutMs} ms`));
        child.kill('SIGKILL');
      }, this.#timeoutMs);
      this.#pending.set(id, { resolve, reject, timer });
      child.send({ id, req }, (err) => {
        if (err === null) return;
        const pending = this.#pending.get(id);
        if (pending === undefined) return;
        this.#pending.delete(id);
        clearTimeout(pending.timer);
        if (this.#child === child) {
          this.#child = undefined;
          this.#ready = undefined;
        }
        child.kill('SIGKILL');
        reject(new WorkerGone(`image worker unreachable: ${err.message}`));
      });
    });
  }

  /** Ends the child and waits (at most `timeoutMs`) until it has exited: for an orderly stop of the agent. */
  async stop(timeoutMs = 2_000): Promise<void> {
    const child = this.#child;
    this.close();
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }

  /** Ends the child now (requests in flight fail). */
  close(): void {
    clearTimeout(this.#idleTimer);
    const child = this.#child;
    if (child?.connected === true) child.disconnect();
  }

  #armIdle(): void {
    clearTimeout(this.#idleTimer);
    if (this.#pending.size > 0) return;
    this.#idleTimer = setTimeout(() => this.close(), this.#idleMs);
    this.#idleTimer.unref();
  }

  #start(): Promise<ChildProcess> {
    if (this.#ready !== undefined && this.#child?.connected === true && this.#child.exitCode === null && this.#child.signalCode === null) return this.#ready;
    // Not the agent's compile cache: a child that comes and goes would write into it at every exit, also
    // while the agent's state folder is being removed (an uninstall, a test's clean-up).
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' };
    delete env.NODE_COMPILE_CACHE;
    const child = fork(this.#script, [], {
      env,
      execPath: this.#execPath,
      // Our own flags only: the agent's (--lite-mode, a test runner's loaders) do not belong here.
      execArgv: ['--max-semi-space-size=1'],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    this.#started++;
    this.#child = child;
    // The agent may exit while the child idles: the child must not keep it alive, nor the reverse.
    child.unref();
    child.channel?.unref();
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-600);
    });
    this.#ready = new Promise<ChildProcess>((resolve, reject) => {
      const fail = (why: string) => {
        if (this.#child === child) {
          this.#child = undefined;
          this.#ready = undefined;
        }
        const err = new WorkerGone(`image worker ${why}${lastError(stderr)}`);
        reject(err);
        for (const [id, pending] of this.#pending) {
          clearTimeout(pending.timer);
          pending.reject(err);
          this.#pending.delete(id);
        }
      };
      child.on('error', (err) => fail(`could not start (${err.message})`));
      child.on('exit', (code, signal) => fail(`exited (${signal ?? `code ${String(code)}`})`));
      child.on('message', (raw: Reply) => {
        if (raw.id === 0) {
          resolve(child);
          return;
        }
        const pending = this.#pending.get(raw.id);
        if (pending === undefined) return;
        this.#pending.delete(raw.id);
        clearTimeout(pending.timer);
        if (raw.ok) pending.resolve(raw.result);
        else pending.reject(new Error(raw.error));
      });
    });
    // Rejections are delivered to the caller that awaited #ready; none may go unhandled.
    this.#ready.catch(() => undefined);
    return this.#ready;
  }
}

/** The line of the child's stderr that says what went wrong (Node ends a crash with its version line). */
function lastError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const line = lines.findLast((l) => /Error\b/.test(l)) ?? lines.at(-1);
  return line === undefined ? '' : `: ${line}`;
}

/** The child went away under a request (crashed, killed, or its channel closed). */
class WorkerGone extends Error {}

let shared: ImageWorker | undefined;

/** The agent's one image worker. */
export function imageWorker(): ImageWorker {
  shared ??= new ImageWorker();
  return shared;
}

/** Stops the agent's image worker if one was ever started (the agent's orderly stop). */
export async function stopImageWorker(): Promise<void> {
  await shared?.stop();
}
