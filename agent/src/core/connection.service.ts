import type { Logger } from 'pino';
import { WebSocket, type RawData } from 'ws';
import {
  encode,
  makeEnvelope,
  type ByePayload,
  type CollectorMessage,
  type HeartbeatPayload,
  type HelloPayload,
  type LivePayload,
  type LockPayload,
  type MessagePayload,
  type ScreenshotRequestPayload,
  type WelcomePayload,
} from '@vigil/shared/protocol';
import { decodeFromSocket, heartbeatText, identityFromWelcome, MAX_COLLECTOR_MESSAGE } from './connection-frames.ts';
import { OutboxSender, type Outbox, type OutboxRecord } from './outbox/index.ts';
import { wireData } from './outbox-records.ts';
import type { PolicyState } from './policy-state.ts';
import type { Clock } from './ports.ts';
import { judgeClose, type ReconnectSettings } from './reconnect-policy.ts';
import { SendPacer, type PacerSettings } from './send-pacer.ts';
import type { DeviceCredentials } from './state-dir.ts';
import type { WordlistState } from './wordlist-state.ts';

export interface CommandHandlers {
  lock(cmd: LockPayload): Promise<void>;
  message(msg: MessagePayload): Promise<void>;
  live(live: LivePayload): void;
  screenshotRequest(req: ScreenshotRequestPayload): Promise<void>;
}

export interface ConnectionOptions {
  /** Full socket URL, ws://host:port/agent/v1. */
  url: string;
  stateDir: string;
  credentials?: DeviceCredentials;
  enrolToken?: string;
  hello: Omit<HelloPayload, 'auth' | 'wordlistVersion'>;
  outbox: Pick<Outbox, 'peek' | 'ack' | 'reject' | 'onEnqueue' | 'stats'>;
  policy: PolicyState;
  wordlist: WordlistState;
  handlers: CommandHandlers;
  /** Everything in a heartbeat except the outbox counters, which the connection adds. */
  status: () => Omit<HeartbeatPayload, 'outbox'>;
  clock: Clock;
  log: Logger;
  reconnect?: Partial<ReconnectSettings>;
  /** Outbox records per second (default 150/s, burst 500: under the gateway's 200/s, burst 1,000). */
  pace?: PacerSettings;
  /** A socket that opens but sends no welcome within this long is dropped (default 15 s). */
  welcomeTimeoutMs?: number;
  random?: () => number;
}

/** `error` codes meaning the collector will never accept the record named by `refId`. */
export const PERMANENT_REFUSALS: ReadonlySet<string> = new Set(['ingest-rejected', 'sha256-mismatch']);

export type ConnectionPhase = 'idle' | 'connecting' | 'hello-sent' | 'connected' | 'waiting' | 'stopped';

export interface ConnectionStats {
  /** Welcomes received. */
  connects: number;
  /** Times the collector refused our credentials, token or version. */
  refusals: number;
  lastClose: { code: number; reason: string } | undefined;
}

/**
 * The agent's side of protocol v1: enrol once and keep the credentials, then hello /
 * welcome on every connection, outbox records out and acks back, heartbeats, live policy
 * and word-list updates, teacher commands; reconnects with jittered backoff and never
 * hammers a collector that refused it.
 */
export class ConnectionService {
  readonly #o: ConnectionOptions;
  readonly #reconnect: ReconnectSettings;
  readonly #sender: OutboxSender;
  readonly #pacer: SendPacer;
  readonly #connectedListeners = new Set<(connected: boolean) => void>();
  #creds: DeviceCredentials | undefined;
  #ws: WebSocket | undefined;
  #phase: ConnectionPhase = 'idle';
  #attempt = 0;
  #retryTimer: { cancel(): void } | undefined;
  #welcomeTimer: { cancel(): void } | undefined;
  #heartbeatTimer: { cancel(): void } | undefined;
  #missedPongs = 0;
  /** Collector messages are handled in arrival order: a word list never overtakes its welcome. */
  #inbox: Promise<void> = Promise.resolve();
  readonly stats: ConnectionStats = { connects: 0, refusals: 0, lastClose: undefined };

  constructor(opts: ConnectionOptions) {
    if (opts.credentials === undefined && opts.enrolToken === undefined) throw new Error('no device credentials and no enrolment token');
    this.#o = opts;
    this.#creds = opts.credentials;
    this.#reconnect = { baseMs: 1_000, capMs: 60_000, refusedMs: 600_000, ...opts.reconnect };
    this.#pacer = new SendPacer(opts.pace ?? { perSecond: 150, burst: 500 }, opts.clock);
    this.#sender = new OutboxSender({ outbox: opts.outbox, send: (records) => this.#sendRecords(records), clock: opts.clock, logger: opts.log });
  }

  get phase(): ConnectionPhase {
    return this.#phase;
  }

  get connected(): boolean {
    return this.#phase === 'connected';
  }

  get deviceId(): string | undefined {
    return this.#creds?.deviceId;
  }

  /** Called with true after each welcome, false when that connection ends. */
  onConnectedChange(listener: (connected: boolean) => void): () => void {
    this.#connectedListeners.add(listener);
    return () => this.#connectedListeners.delete(listener);
  }

  start(): void {
    if (this.#phase !== 'idle') return;
    this.#sender.start();
    this.#connect();
  }

  /** Orderly stop: give the outbox `flushMs` to drain, say `bye`, close. */
  async stop(opts: { reason?: ByePayload['reason']; flushMs?: number } = {}): Promise<void> {
    if (this.#phase === 'stopped') return;
    const wasConnected = this.connected;
    if (wasConnected && (opts.flushMs ?? 0) > 0) await this.#waitForDrain(opts.flushMs ?? 0);
    this.#phase = 'stopped';
    this.#retryTimer?.cancel();
    this.#clearConnectionTimers();
    const ws = this.#ws;
    if (ws !== undefined && ws.readyState === WebSocket.OPEN) {
      if (wasConnected) ws.send(encode(makeEnvelope('bye', { reason: opts.reason ?? 'shutdown' }, { now: this.#now })));
      const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
      ws.close(1000, 'agent stopping');
      const forced = this.#o.clock.setTimeout(() => ws.terminate(), 2_000);
      await closed;
      forced.cancel();
    } else {
      ws?.terminate();
    }
    // A policy, word list or device.json still being written finishes before we return.
    await this.#inbox;
    await this.#sender.stop();
  }

  /** Sends a binary frame (live thumbnail, requested screenshot) if connected. */
  sendBinary(frame: Uint8Array): boolean {
    const ws = this.#ws;
    if (!this.connected || ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(frame, { binary: true }, (err) => {
      if (err) this.#o.log.debug({ err }, 'binary frame not sent');
    });
    return true;
  }

  readonly #now = () => this.#o.clock.now();

  #connect(): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'connecting';
    const ws = new WebSocket(this.#o.url, { maxPayload: MAX_COLLECTOR_MESSAGE, handshakeTimeout: 10_000, perMessageDeflate: false });
    this.#ws = ws;
    ws.on('open', () => this.#onOpen(ws));
    ws.on('message', (data, isBinary) => {
      if (ws === this.#ws) this.#onMessage(data, isBinary);
    });
    ws.on('pong', () => {
      this.#missedPongs = 0;
    });
    ws.on('error', (err) => this.#o.log.debug({ err }, 'collector socket error'));
    ws.on('close', (code, reason) => this.#onClose(ws, code, reason.toString('utf8')));
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws || this.#phase === 'stopped') return;
    const auth: HelloPayload['auth'] = this.#creds !== undefined ? { kind: 'device', ...this.#creds } : { kind: 'enrol', token: this.#o.enrolToken ?? '' };
    const hello: HelloPayload = { ...this.#o.hello, auth };
    const version = this.#o.wordlist.version;
    if (version !== undefined) hello.wordlistVersion = version;
    ws.send(encode(makeEnvelope('hello', hello, { now: this.#now })));
    this.#phase = 'hello-sent';
    this.#welcomeTimer = this.#o.clock.setTimeout(() => {
      this.#o.log.warn('no welcome from the collector in time; reconnecting');
      ws.terminate();
    }, this.#o.welcomeTimeoutMs ?? 15_000);
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (isBinary) return this.#o.log.debug('ignored a binary frame from the collector');
    const decoded = decodeFromSocket(data);
    if (!decoded.ok) return this.#o.log.warn({ code: decoded.code, detail: decoded.detail }, 'ignored an undecodable message from the collector');
    const msg = decoded.value;
    this.#inbox = this.#inbox
      .then(() => this.#dispatch(msg))
      .catch((err: unknown) => this.#o.log.error({ err, type: msg.type }, 'handling a collector message failed'));
  }

  /** Commands that may take a while (a locker starting, a capture) must not hold up acks behind them. */
  #background(type: string, work: Promise<void>): void {
    work.catch((err: unknown) => this.#o.log.error({ err, type }, 'handling a collector command failed'));
  }

  async #dispatch(msg: CollectorMessage): Promise<void> {
    if (msg.type === 'error') {
      const { code, message, refId } = msg.payload;
      if (refId !== undefined && PERMANENT_REFUSALS.has(code)) {
        // Re-sending a record the collector refuses for good would go on forever: drop it (counted, logged).
        this.#o.log.error({ code, message, refId }, 'the collector refused a record for good; dropped it from the outbox');
        await this.#sender.reject([refId], code);
        return;
      }
      this.#o.log.warn({ code, message, refId }, 'the collector reported an error');
      return;
    }
    if (msg.type === 'welcome') {
      if (this.#phase === 'hello-sent') await this.#onWelcome(msg.payload);
      return;
    }
    if (this.#phase !== 'connected') {
      this.#o.log.debug({ type: msg.type }, 'ignored a message before welcome');
      return;
    }
    const h = this.#o.handlers;
    switch (msg.type) {
      case 'ack':
        return this.#sender.ack(msg.payload.ids);
      case 'policy':
        this.#o.log.info('new policy from the collector');
        return this.#o.policy.apply(msg.payload);
      case 'wordlist':
        return this.#o.wordlist.apply(msg.payload);
      case 'lock':
        return this.#background(msg.type, h.lock(msg.payload));
      case 'message':
        return this.#background(msg.type, h.message(msg.payload));
      case 'live':
        return h.live(msg.payload);
      case 'screenshot-request':
        return this.#background(msg.type, h.screenshotRequest(msg.payload));
    }
  }

  async #onWelcome(welcome: WelcomePayload): Promise<void> {
    const ws = this.#ws;
    this.#welcomeTimer?.cancel();
    const creds = await identityFromWelcome(welcome, this.#creds, this.#o.stateDir, this.#o.log);
    if (creds === undefined) {
      ws?.close(1002, 'welcome without secret');
      return;
    }
    this.#creds = creds;
    await this.#o.policy.apply(welcome.policy);
    if (ws !== this.#ws || this.#phase !== 'hello-sent') return;
    const skewMs = welcome.serverTime - this.#now();
    if (Math.abs(skewMs) > 300_000) this.#o.log.warn({ skewMs }, "this PC's clock differs from the collector's by more than 5 minutes");
    if (welcome.wordlistVersion !== this.#o.wordlist.version) this.#o.log.info({ version: welcome.wordlistVersion.slice(0, 12) }, 'waiting for the word list');
    this.#phase = 'connected';
    this.#attempt = 0;
    this.stats.connects++;
    this.#o.log.info({ deviceId: creds.deviceId, url: this.#o.url }, 'connected to the collector');
    this.#sender.notifyConnected();
    this.#heartbeat();
    for (const listener of this.#connectedListeners) listener(true);
  }

  #heartbeat(): void {
    const ws = this.#ws;
    if (!this.connected || ws === undefined) return;
    if (this.#missedPongs >= 2) {
      // No pong for two heartbeats: the path to the collector died without a FIN.
      this.#o.log.warn('the collector stopped answering; reconnecting');
      ws.terminate();
      return;
    }
    ws.send(heartbeatText(this.#o.status(), this.#o.outbox.stats(), this.#now));
    this.#missedPongs++;
    ws.ping();
    this.#heartbeatTimer = this.#o.clock.setTimeout(() => this.#heartbeat(), this.#o.policy.current.heartbeatSeconds * 1_000);
  }

  async #sendRecords(records: readonly OutboxRecord[]): Promise<void> {
    const ws = this.#ws;
    const written: Promise<void>[] = [];
    for (const record of records) {
      await this.#pacer.take();
      if (!this.connected || ws === undefined || ws !== this.#ws || ws.readyState !== WebSocket.OPEN) throw new Error('not connected');
      const data = wireData(record);
      written.push(new Promise<void>((resolve, reject) => ws.send(data, { binary: typeof data !== 'string' }, (err) => (err ? reject(err) : resolve()))));
    }
    await Promise.all(written);
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    const wasConnected = this.connected;
    const enrolling = this.#creds === undefined;
    this.#clearConnectionTimers();
    this.#sender.notifyDisconnected();
    this.stats.lastClose = { code, reason };
    if (wasConnected) for (const listener of this.#connectedListeners) listener(false);
    if (this.#phase === 'stopped') return;
    const verdict = judgeClose(code, enrolling, this.#attempt, this.#reconnect, this.#o.random);
    this.#attempt++;
    if (verdict.kind === 'refused') {
      this.stats.refusals++;
      this.#o.log.error({ code, reason, retryInMs: verdict.delayMs }, verdict.why);
    } else if (wasConnected) {
      this.#o.log.warn({ code, reason, retryInMs: verdict.delayMs }, 'lost the collector; reconnecting');
    } else {
      this.#o.log.info({ code, reason, attempt: this.#attempt, retryInMs: verdict.delayMs }, 'collector not reachable; retrying');
    }
    this.#phase = 'waiting';
    this.#retryTimer = this.#o.clock.setTimeout(() => this.#connect(), verdict.delayMs);
  }

  #clearConnectionTimers(): void {
    this.#welcomeTimer?.cancel();
    this.#heartbeatTimer?.cancel();
    this.#missedPongs = 0;
  }

  async #waitForDrain(limitMs: number): Promise<void> {
    const deadline = this.#now() + limitMs;
    while (this.#o.outbox.stats().pending > 0 && this.#now() < deadline && this.connected) {
      await new Promise<void>((resolve) => this.#o.clock.setTimeout(resolve, 25));
    }
  }
}
