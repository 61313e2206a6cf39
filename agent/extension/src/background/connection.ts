// The browser agent's WebSocket to its collector: hello (enrolment token the first time,
// the device secret after), welcome, the outbox drained through the desktop agent's
// OutboxSender, heartbeats, and reconnects with jittered backoff. An open socket that
// exchanges messages keeps an MV3 service worker alive (Chrome 116+); when the worker is
// stopped anyway, the alarm in service-worker.ts starts it and this connection again.
import { OutboxSender, type SenderOutbox } from '@vigil/agent/outbox-sender';
import type { OutboxRecord } from '@vigil/agent/outbox-types';
import {
  backoffAttempt,
  judgeClose,
  decodeCollectorMessage,
  encode,
  makeEnvelope,
  type CollectorMessage,
  type HeartbeatPayload,
  type HelloPayload,
  type WelcomePayload,
} from '@vigil/shared/protocol';
import type { ExtensionLogger } from './log.ts';
import { browserClock } from './clock.ts';

export interface DeviceCredentials {
  deviceId: string;
  secret: string;
}

export interface ConnectionHooks {
  /** Stores a new identity before anything else happens (the token is used up by now). */
  saveCredentials(creds: DeviceCredentials): Promise<void>;
  onWelcome(welcome: WelcomePayload): Promise<void>;
  /** Every collector message after welcome but ack and error. */
  onMessage(message: CollectorMessage): Promise<void> | void;
  onPhase(phase: 'connecting' | 'connected' | 'offline' | 'refused', detail: string): void;
  heartbeat(): Omit<HeartbeatPayload, 'outbox'> & { outbox: HeartbeatPayload['outbox'] };
  heartbeatSeconds(): number;
  wordlistVersion(): string | undefined;
}

export interface ConnectionOptions {
  url: string;
  enrolmentToken: string;
  credentials: DeviceCredentials | undefined;
  hello: Omit<HelloPayload, 'auth' | 'wordlistVersion'>;
  outbox: SenderOutbox & { stats(): { pending: number } };
  hooks: ConnectionHooks;
  log: ExtensionLogger;
}

const PERMANENT_REFUSALS = new Set(['ingest-rejected', 'sha256-mismatch']);
const BASE_MS = 1_000;
const CAP_MS = 30_000;
const REFUSED_MS = 600_000;
const KEEPALIVE_BEAT_S = 20;

type ExtensionRecord = OutboxRecord & { bytes?: Uint8Array };

export class CollectorConnection {
  readonly #o: ConnectionOptions;
  readonly #sender: OutboxSender;
  #creds: DeviceCredentials | undefined;
  #ws: WebSocket | undefined;
  #phase: 'idle' | 'connecting' | 'hello-sent' | 'connected' | 'waiting' | 'stopped' = 'idle';
  #attempt = 0;
  /** When the last live connection was lost: retries stay quick for a while after (backoffAttempt). */
  #lostAt: number | undefined;
  #retry: ReturnType<typeof setTimeout> | undefined;
  #heartbeat: ReturnType<typeof setTimeout> | undefined;
  #welcomeTimer: ReturnType<typeof setTimeout> | undefined;
  #inbox: Promise<void> = Promise.resolve();

  constructor(opts: ConnectionOptions) {
    this.#o = opts;
    this.#creds = opts.credentials;
    this.#sender = new OutboxSender({
      outbox: opts.outbox,
      send: (records) => this.#sendRecords(records),
      clock: browserClock,
      logger: opts.log,
    });
  }

  get connected(): boolean {
    return this.#phase === 'connected';
  }

  get deviceId(): string | undefined {
    return this.#creds?.deviceId;
  }

  start(): void {
    if (this.#phase !== 'idle') return;
    this.#sender.start();
    this.#connect();
  }

  /** Reconnects now if waiting for a retry (the worker woke from an alarm or went online). */
  nudge(): void {
    if (this.#phase !== 'waiting' || this.#retryRefused) return;
    clearTimeout(this.#retry);
    this.#connect();
  }

  async stop(): Promise<void> {
    this.#phase = 'stopped';
    clearTimeout(this.#retry);
    this.#clearTimers();
    this.#ws?.close(1000, 'agent stopping');
    await this.#sender.stop();
  }

  /** A binary frame (live thumbnail, requested screenshot) on the open connection. */
  sendBinary(frame: Uint8Array): boolean {
    const ws = this.#ws;
    if (!this.connected || ws === undefined || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(frame);
    return true;
  }

  #retryRefused = false;

  #connect(): void {
    if (this.#phase === 'stopped') return;
    this.#phase = 'connecting';
    this.#retryRefused = false;
    this.#o.hooks.onPhase('connecting', `Connecting to ${this.#o.url}`);
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.#o.url);
    } catch (err) {
      this.#o.log.error({ err, url: this.#o.url }, 'cannot open a socket to the collector');
      this.#scheduleRetry(BASE_MS * 10);
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.#ws = ws;
    ws.onopen = () => this.#onOpen(ws);
    ws.onmessage = (event: MessageEvent) => {
      if (ws === this.#ws) this.#onMessage(event.data);
    };
    ws.onclose = (event) => this.#onClose(ws, event.code, event.reason);
  }

  #onOpen(ws: WebSocket): void {
    if (ws !== this.#ws || this.#phase === 'stopped') return;
    const auth: HelloPayload['auth'] = this.#creds !== undefined ? { kind: 'device', ...this.#creds } : { kind: 'enrol', token: this.#o.enrolmentToken };
    const hello: HelloPayload = { ...this.#o.hello, auth };
    const version = this.#o.hooks.wordlistVersion();
    if (version !== undefined) hello.wordlistVersion = version;
    ws.send(encode(makeEnvelope('hello', hello)));
    this.#phase = 'hello-sent';
    this.#welcomeTimer = setTimeout(() => {
      this.#o.log.warn('no welcome from the collector in time; reconnecting');
      ws.close(4000, 'no welcome');
    }, 15_000);
  }

  #onMessage(data: unknown): void {
    if (typeof data !== 'string') return this.#o.log.debug('ignored a binary frame from the collector');
    const decoded = decodeCollectorMessage(data);
    if (!decoded.ok) return this.#o.log.warn({ code: decoded.code, detail: decoded.detail }, 'ignored an undecodable message from the collector');
    const msg = decoded.value;
    this.#inbox = this.#inbox
      .then(() => this.#dispatch(msg))
      .catch((err: unknown) => this.#o.log.error({ err, type: msg.type }, 'handling a collector message failed'));
  }

  async #dispatch(msg: CollectorMessage): Promise<void> {
    if (msg.type === 'error') {
      const { code, message, refId } = msg.payload;
      if (refId !== undefined && PERMANENT_REFUSALS.has(code)) {
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
    if (this.#phase !== 'connected') return;
    if (msg.type === 'ack') return this.#sender.ack(msg.payload.ids);
    await this.#o.hooks.onMessage(msg);
  }

  async #onWelcome(welcome: WelcomePayload): Promise<void> {
    clearTimeout(this.#welcomeTimer);
    if (this.#creds === undefined) {
      if (welcome.secret === undefined) {
        this.#o.log.error('the collector accepted the enrolment but sent no secret; retrying');
        this.#ws?.close(1002, 'welcome without secret');
        return;
      }
      const creds = { deviceId: welcome.deviceId, secret: welcome.secret };
      await this.#o.hooks.saveCredentials(creds);
      this.#creds = creds;
      this.#o.log.info({ deviceId: creds.deviceId }, 'enrolled with the collector');
    }
    await this.#o.hooks.onWelcome(welcome);
    if (this.#phase !== 'hello-sent') return;
    this.#phase = 'connected';
    this.#attempt = 0;
    this.#o.log.info({ deviceId: this.#creds.deviceId, url: this.#o.url }, 'connected to the collector');
    this.#o.hooks.onPhase('connected', 'Connected');
    this.#sender.notifyConnected();
    this.#beat();
  }

  #beat(): void {
    const ws = this.#ws;
    if (!this.connected || ws === undefined) return;
    ws.send(encode(makeEnvelope('heartbeat', this.#o.hooks.heartbeat())));
    // Chrome stops a service worker after 30 s without events; traffic on an open WebSocket
    // counts (Chrome 116+), so beat more often than that whatever the policy says.
    this.#heartbeat = setTimeout(() => this.#beat(), Math.min(this.#o.hooks.heartbeatSeconds(), KEEPALIVE_BEAT_S) * 1_000);
  }

  async #sendRecords(records: readonly OutboxRecord[]): Promise<void> {
    const ws = this.#ws;
    for (const record of records as readonly ExtensionRecord[]) {
      if (!this.connected || ws === undefined || ws !== this.#ws || ws.readyState !== WebSocket.OPEN) throw new Error('not connected');
      ws.send(record.bytes ?? record.body);
    }
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    const wasConnected = this.connected;
    this.#clearTimers();
    this.#sender.notifyDisconnected();
    if (this.#phase === 'stopped') return;
    const enrolling = this.#creds === undefined;
    // The shared reading of close codes (shared/src/protocol/reconnect-policy.ts), as the desktop agent's.
    if (wasConnected) this.#lostAt = Date.now();
    const attempt = backoffAttempt(this.#attempt, this.#lostAt === undefined ? undefined : Date.now() - this.#lostAt);
    const verdict = judgeClose(code, reason, attempt, { baseMs: BASE_MS, capMs: CAP_MS, refusedMs: REFUSED_MS });
    if (verdict.kind === 'refused') {
      const why =
        verdict.reason === 'version'
          ? "The collector does not speak this extension's protocol version: update the extension."
          : verdict.reason === 'forbidden'
            ? 'The collector does not allow this browser to connect (device retired?): IT can re-enrol it.'
            : enrolling
              ? 'The collector refused the enrolment token (expired, used up, revoked or mistyped): ask IT for a new one in the policy.'
              : "The collector refused this browser's stored identity (device retired?): IT can re-enrol it.";
      this.#o.log.error({ code, reason }, why);
      this.#o.hooks.onPhase('refused', why);
      this.#retryRefused = true;
      this.#scheduleRetry(verdict.delayMs);
      return;
    }
    const delay = verdict.delayMs;
    this.#attempt++;
    if (wasConnected) this.#o.log.warn({ code, reason, retryInMs: Math.round(delay) }, 'lost the collector; reconnecting');
    else this.#o.log.info({ code, reason, attempt: this.#attempt, retryInMs: Math.round(delay) }, 'collector not reachable; retrying');
    this.#o.hooks.onPhase('offline', wasConnected ? 'Lost the collector; reconnecting' : 'Collector not reachable; retrying');
    this.#scheduleRetry(delay);
  }

  #scheduleRetry(ms: number): void {
    this.#phase = 'waiting';
    this.#retry = setTimeout(() => this.#connect(), ms);
  }

  #clearTimers(): void {
    clearTimeout(this.#welcomeTimer);
    clearTimeout(this.#heartbeat);
  }
}
