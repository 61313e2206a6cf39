import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Socket } from 'node:net';
import { pino, type Logger } from 'pino';
import type { ActiveWindow, KeySourceStatus } from '../../core/ports.ts';
import { Backoff, type BackoffOptions } from '../node/backoff.ts';
import { decodeHelperMessage, decodeReplyValue, type HelperMessage, type ReplyValue } from './session.protocol.ts';
import { encodeLine, LineSplitter, MAX_LINE_BYTES, SESSION_PROTOCOL_VERSION, type SessionOp, type SessionRequest } from './session.wire.ts';
import { helperEnv, sameSession, type SessionTarget } from './session-target.ts';

// The service's end of one session helper: starts it as the session's user with a socket
// pair on fd 3 (an anonymous channel no other process can open), answers its events, sends
// it requests, pings it, and starts it again with backoff when it dies — each unasked-for
// death is counted (`restarts`), because a pupil killing their helper is a tamper signal.

export interface SessionLinkEvents {
  onKey(key: string): void;
  onKeyStatus(status: KeySourceStatus, detail?: string): void;
  onWindow(win: ActiveWindow | undefined): void;
  /** The helper said hello (true) or went away (false). */
  onConnected(connected: boolean): void;
}

export interface SessionLinkOptions {
  /** The helper's command for a session: node, its flags and the helper script, then its arguments. */
  command: (target: SessionTarget) => { execPath: string; args: readonly string[] };
  log?: Logger;
  restart?: BackoffOptions;
  /** A helper that ran this long before dying restarts from the shortest delay again. Default 10 s. */
  stableAfterMs?: number;
  /** Ping every `pingMs`; no answer within `pingTimeoutMs` (a stopped or hung helper) → killed and restarted. */
  pingMs?: number;
  pingTimeoutMs?: number;
  /** Time for a stopped helper to exit on SIGTERM before SIGKILL. Default 3 s. */
  stopTimeoutMs?: number;
  /** Longest line accepted from the helper (default MAX_LINE_BYTES); longer → dropped. */
  maxLineBytes?: number;
}

interface Pending {
  op: SessionOp;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

export class SessionLink {
  readonly #o: Required<Omit<SessionLinkOptions, 'restart' | 'log'>>;
  readonly #log: Logger;
  readonly #backoff: Backoff;
  readonly #pending = new Map<number, Pending>();
  #events: Partial<SessionLinkEvents> = {};
  #target: SessionTarget | undefined;
  #child: ChildProcess | undefined;
  #socket: Socket | undefined;
  #connected = false;
  #startedAt = 0;
  #nextId = 1;
  #restarts = 0;
  #timer: NodeJS.Timeout | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(opts: SessionLinkOptions) {
    this.#o = {
      command: opts.command,
      stableAfterMs: opts.stableAfterMs ?? 10_000,
      pingMs: opts.pingMs ?? 15_000,
      pingTimeoutMs: opts.pingTimeoutMs ?? 10_000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 3_000,
      maxLineBytes: opts.maxLineBytes ?? MAX_LINE_BYTES,
    };
    this.#log = opts.log ?? pino({ level: 'silent' });
    this.#backoff = new Backoff({ initialMs: 500, maxMs: 30_000, ...opts.restart });
  }

  /** Times a helper died without being asked to (killed, crashed, hung) and was started again. */
  get restarts(): number {
    return this.#restarts;
  }

  get connected(): boolean {
    return this.#connected;
  }

  get helperPid(): number | undefined {
    return this.#child?.pid;
  }

  get target(): SessionTarget | undefined {
    return this.#target;
  }

  /** Adds listeners (each port adds its own; several for one event are all called). */
  on(events: Partial<SessionLinkEvents>): void {
    const merged: Record<string, (...args: never[]) => void> = { ...this.#events };
    for (const [name, listener] of Object.entries(events) as [keyof SessionLinkEvents, (...args: never[]) => void][]) {
      const before = merged[name];
      merged[name] = before === undefined ? listener : (...args) => (before(...args), listener(...args));
    }
    this.#events = merged as Partial<SessionLinkEvents>;
  }

  /** Serve this session (or none): the helper of a different session is stopped first, not counted. */
  async setTarget(target: SessionTarget | undefined): Promise<void> {
    if (this.#stopped || sameSession(this.#target, target)) return;
    this.#target = target;
    clearTimeout(this.#timer);
    this.#backoff.reset();
    await this.#stopChild();
    if (target !== undefined && this.#target === target) this.#spawn(target);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#stopChild();
  }

  /** Asks the helper; rejects when it is not connected, does not answer in `timeoutMs`, or answers out of shape. */
  request<R extends SessionRequest>(req: R, timeoutMs = 5_000): Promise<ReplyValue<R['op']>> {
    const socket = this.#socket;
    if (!this.#connected || socket === undefined) return Promise.reject(new Error('the session helper is not running'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new Error(`the session helper did not answer ${req.op} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#pending.set(id, { op: req.op, resolve: resolve as (v: unknown) => void, reject, timer });
      socket.write(encodeLine({ t: 'request', id, req }));
    });
  }

  #spawn(target: SessionTarget): void {
    const command = this.#o.command(target);
    const child = spawn(command.execPath, [...command.args], {
      uid: target.uid,
      gid: target.gid,
      cwd: '/',
      env: helperEnv(target),
      // fd 3: the channel (a socket pair). stderr: its log lines, next to ours. Its own process
      // group, so a Ctrl-C at a terminal reaches the service alone, which stops it in order.
      stdio: ['ignore', 'ignore', 'inherit', 'pipe'],
      detached: true,
    });
    this.#child = child;
    this.#startedAt = Date.now();
    const socket = child.stdio[3] as Socket | null;
    if (socket === null) throw new Error('session helper: no channel on fd 3');
    const splitter = new LineSplitter(this.#o.maxLineBytes);
    socket.on('data', (chunk: Buffer) => {
      if (this.#child !== child) return;
      const { lines, overflow } = splitter.push(chunk);
      for (const line of lines) if (!this.#onLine(child, socket, line)) return;
      if (overflow) this.#drop(child, 'line-too-long');
    });
    socket.on('error', () => undefined);
    child.once('error', (err) => {
      this.#log.error({ err: err.message, user: target.user }, 'could not start the session helper');
      // A spawn that failed outright emits no 'exit': retry it like a death.
      if (child.pid === undefined) this.#onExit(child, target, null, null);
    });
    child.once('exit', (code, signal) => this.#onExit(child, target, code, signal));
    this.#log.info({ helperPid: child.pid, user: target.user, display: target.display, restarts: this.#restarts }, 'session helper started');
  }

  /** False when the helper was dropped for this line. */
  #onLine(child: ChildProcess, socket: Socket, line: string): boolean {
    const decoded = decodeHelperMessage(line);
    // The line itself is never logged: it may hold a key.
    if (!decoded.ok) return this.#drop(child, decoded.code);
    const msg: HelperMessage = decoded.value;
    if (!this.#connected) {
      if (msg.t !== 'hello') return this.#drop(child, 'no-hello');
      if (msg.v !== SESSION_PROTOCOL_VERSION) return this.#drop(child, `protocol-v${msg.v}`);
      this.#connected = true;
      this.#socket = socket;
      this.#schedulePing();
      this.#events.onConnected?.(true);
      return true;
    }
    switch (msg.t) {
      case 'key':
        this.#events.onKey?.(msg.k);
        return true;
      case 'key-status':
        this.#events.onKeyStatus?.(msg.status, msg.detail);
        return true;
      case 'window':
        this.#events.onWindow?.(msg.win ?? undefined);
        return true;
      case 'reply': {
        const pending = this.#pending.get(msg.id);
        if (pending === undefined) return true;
        this.#pending.delete(msg.id);
        clearTimeout(pending.timer);
        if (!msg.ok) {
          pending.reject(new Error(`session helper: ${msg.error}`));
          return true;
        }
        const value = decodeReplyValue(pending.op, msg.value);
        if (value === undefined) {
          pending.reject(new Error(`session helper: malformed ${pending.op} reply`));
          return this.#drop(child, 'malformed-reply');
        }
        pending.resolve(value);
        return true;
      }
      case 'hello':
        return this.#drop(child, 'second-hello');
    }
  }

  /** A helper that breaks the protocol is not trusted further: killed, and restarted as a death. */
  #drop(child: ChildProcess, code: string): false {
    this.#log.warn({ code, helperPid: child.pid }, 'session helper broke the protocol; killing it');
    child.kill('SIGKILL');
    return false;
  }

  #schedulePing(): void {
    clearTimeout(this.#pingTimer);
    this.#pingTimer = setTimeout(() => {
      const child = this.#child;
      this.request({ op: 'ping' }, this.#o.pingTimeoutMs).then(
        () => this.#schedulePing(),
        (err: unknown) => {
          if (child === undefined || this.#child !== child || !this.#connected) return;
          this.#log.warn({ helperPid: child.pid, err: err instanceof Error ? err.message : String(err) }, 'session helper stopped answering; killing it');
          child.kill('SIGKILL');
        },
      );
    }, this.#o.pingMs);
  }

  #onExit(child: ChildProcess, target: SessionTarget, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#detach();
    if (this.#stopped || this.#target !== target) return;
    if (Date.now() - this.#startedAt >= this.#o.stableAfterMs) this.#backoff.reset();
    const delayMs = this.#backoff.next();
    this.#restarts++;
    this.#log.warn({ code, signal, user: target.user, restarts: this.#restarts, retryInMs: delayMs }, 'the session helper died; restarting it');
    this.#timer = setTimeout(() => {
      if (!this.#stopped && this.#target === target && this.#child === undefined) this.#spawn(target);
    }, delayMs);
  }

  /** Forgets the current helper: pending requests fail, the ports hear it is gone. */
  #detach(): void {
    this.#child = undefined;
    this.#socket = undefined;
    clearTimeout(this.#pingTimer);
    const wasConnected = this.#connected;
    this.#connected = false;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the session helper exited'));
      this.#pending.delete(id);
    }
    if (wasConnected) this.#events.onConnected?.(false);
  }

  /** Stops the helper we asked to stop (SIGTERM, then SIGKILL): not a death, not counted. */
  async #stopChild(): Promise<void> {
    const child = this.#child;
    if (child === undefined) return;
    this.#detach();
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), this.#o.stopTimeoutMs);
    await exited;
    clearTimeout(force);
  }
}
