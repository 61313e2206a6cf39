import { WebSocket, type RawData } from 'ws';
import { encode, makeEnvelope, type ByePayload, type CollectorMessage, type HelloPayload, type WelcomePayload } from '@vigil/shared/protocol';
import { openCollectorSocket, type OpenedSocket } from './collector-socket.ts';
import { fixedTransport } from './collector-transport.ts';
import { CollectorTrust } from './collector-trust.ts';
import { obeyCollector } from './connection-dispatch.ts';
import { decodeFromSocket, heartbeatText, identityFromWelcome } from './connection-frames.ts';
import type { ConnectionOptions, ConnectionPhase, ConnectionStats } from './connection-options.ts';
import { OutboxSender, type OutboxRecord } from './outbox/index.ts';
import { wireData } from './outbox-records.ts';
import { backoffAttempt, judgeClose, type CloseVerdict, type ReconnectSettings } from './reconnect-policy.ts';
import { SendPacer } from './send-pacer.ts';
import type { DeviceCredentials } from './state-dir.ts';

export { PERMANENT_REFUSALS, type CommandHandlers } from './connection-dispatch.ts';
export type { ConnectionOptions, ConnectionPhase, ConnectionStats } from './connection-options.ts';

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
  /** When the last live connection was lost: retries stay quick for a while after (backoffAttempt). */
  #lostAt: number | undefined;
  #retryTimer: { cancel(): void } | undefined;
  #welcomeTimer: { cancel(): void } | undefined;
  #heartbeatTimer: { cancel(): void } | undefined;
  #missedPongs = 0;
  /** Collector messages are handled in arrival order: a word list never overtakes its welcome. */
  #inbox: Promise<void> = Promise.resolve();
  readonly #trust: CollectorTrust;
  /** The key this connection was checked against; undefined on plain ws://. */
  #verifiedPin: string | undefined;
  /** Bumped per attempt: a TLS check that finishes after stop() or a newer attempt is dropped. */
  #attemptSeq = 0;
  /** Set when this connection is closed by us to move to TLS, or because it may not be used. */
  #closingFor: { kind: 'upgrade' } | { kind: 'refuse'; why: string } | undefined;
  readonly stats: ConnectionStats = { connects: 0, refusals: 0, lastClose: undefined, pinMismatches: 0 };

  constructor(opts: ConnectionOptions) {
    if (opts.credentials === undefined && opts.enrolToken === undefined) throw new Error('no device credentials and no enrolment token');
    this.#o = opts;
    this.#creds = opts.credentials;
    this.#trust = opts.trust ?? CollectorTrust.fixed(fixedTransport(opts.url), opts.log);
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
    const seq = ++this.#attemptSeq;
    const transport = this.#trust.transport;
    void openCollectorSocket(transport, this.#o.log).then((opened) => {
      if (seq !== this.#attemptSeq || this.#phase !== 'connecting') {
        if (opened.ok) opened.ws.terminate();
        return;
      }
      if (!opened.ok) return this.#notOpened(transport.url, transport.pins, opened);
      this.#verifiedPin = opened.verifiedPin;
      this.#attach(opened.ws);
    });
  }

  /** No socket: the TLS check failed (a key we do not pin: the long wait) or the collector is unreachable. */
  #notOpened(url: string, pins: readonly string[], failed: Exclude<OpenedSocket, { ok: true }>): void {
    this.#trust.connectFailed();
    if (failed.code !== 'pin-mismatch')
      return this.#retry(judgeClose(1006, '', false, this.#backoffAttempt(), this.#reconnect, this.#o.random), { url, detail: failed.detail }, false);
    this.stats.pinMismatches++;
    this.#o.log.error({ url, presented: failed.presented, pinned: pins, retryInMs: this.#reconnect.refusedMs }, 'collector key does not match the pinned key');
    this.#retry({ kind: 'quiet', delayMs: this.#reconnect.refusedMs }, {}, false);
  }

  /** Logs why (unless quiet) and connects again after the verdict's delay. */
  #retry(verdict: CloseVerdict | { kind: 'quiet'; delayMs: number }, fields: Record<string, unknown>, wasConnected: boolean): void {
    const retryInMs = verdict.delayMs;
    if (verdict.kind === 'refused') {
      this.stats.refusals++;
      this.#o.log.error({ ...fields, retryInMs }, verdict.why);
    } else if (verdict.kind === 'retry' && wasConnected) {
      this.#o.log.warn({ ...fields, retryInMs }, 'lost the collector; reconnecting');
    } else if (verdict.kind === 'retry') {
      this.#o.log.info({ ...fields, attempt: this.#attempt, retryInMs }, 'collector not reachable; retrying');
    }
    this.#phase = 'waiting';
    this.#retryTimer = this.#o.clock.setTimeout(() => this.#connect(), retryInMs);
  }

  #attach(ws: WebSocket): void {
    this.#ws = ws;
    this.#closingFor = undefined;
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

  async #dispatch(msg: CollectorMessage): Promise<void> {
    if (msg.type === 'welcome') {
      if (this.#phase === 'hello-sent') await this.#onWelcome(msg.payload);
      return;
    }
    if (this.#phase === 'connected')
      return obeyCollector(msg, { sender: this.#sender, handlers: this.#o.handlers, policy: this.#o.policy, wordlist: this.#o.wordlist, log: this.#o.log });
    // Nothing is obeyed before a welcome that passed the transport checks — not even an `error`
    // naming a record to drop; it is only logged.
    if (msg.type === 'error') this.#o.log.warn({ code: msg.payload.code, message: msg.payload.message }, 'the collector reported an error');
    else this.#o.log.debug({ type: msg.type }, 'ignored a message before welcome');
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
    if (ws === undefined || ws !== this.#ws || this.#phase !== 'hello-sent') return;
    // Before anything of the welcome is used: may this connection be used, or is TLS on offer?
    const verdict = await this.#trust.afterWelcome(welcome.tls, this.#verifiedPin);
    if (verdict.kind !== 'continue') {
      this.#closingFor = verdict.kind === 'upgrade' ? { kind: 'upgrade' } : { kind: 'refuse', why: verdict.why };
      // `bye` first: the collector must not record this deliberate close as a vanished agent (tamper signal).
      ws.send(encode(makeEnvelope('bye', { reason: 'restart' }, { now: this.#now })));
      ws.close(1000, verdict.kind === 'upgrade' ? 'moving to TLS' : 'no TLS offered');
      return;
    }
    await this.#o.policy.apply(welcome.policy);
    if (ws !== this.#ws || this.#phase !== 'hello-sent') return;
    const skewMs = welcome.serverTime - this.#now();
    if (Math.abs(skewMs) > 300_000) this.#o.log.warn({ skewMs }, "this PC's clock differs from the collector's by more than 5 minutes");
    if (welcome.wordlistVersion !== this.#o.wordlist.version) this.#o.log.info({ version: welcome.wordlistVersion.slice(0, 12) }, 'waiting for the word list');
    this.#phase = 'connected';
    this.#attempt = 0;
    this.stats.connects++;
    this.#o.log.info({ deviceId: creds.deviceId, url: this.#trust.transport.url, pinned: this.#verifiedPin !== undefined }, 'connected to the collector');
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
    const closingFor = this.#closingFor;
    this.#closingFor = undefined;
    // Closed by us: to move to TLS at once, or because this plain connection may not be used.
    if (closingFor?.kind === 'upgrade') return this.#retry({ kind: 'quiet', delayMs: 0 }, {}, false);
    if (closingFor?.kind === 'refuse') return this.#retry({ kind: 'refused', delayMs: this.#reconnect.refusedMs, why: closingFor.why }, {}, false);
    if (wasConnected) this.#lostAt = this.#o.clock.now();
    this.#retry(judgeClose(code, reason, enrolling, this.#backoffAttempt(), this.#reconnect, this.#o.random), { code, reason }, wasConnected);
  }

  /** This attempt's number for the backoff (and counts it). */
  #backoffAttempt(): number {
    const attempt = this.#attempt++;
    return backoffAttempt(attempt, this.#lostAt === undefined ? undefined : this.#o.clock.now() - this.#lostAt);
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
