import {
  closeForDecodeError,
  decodeAgentMessage,
  decodeBinary,
  encode,
  makeEnvelope,
  type AgentMessage,
  type CollectorMessage,
  type DecodeError,
  type HeartbeatPayload,
  type HelloPayload,
  type MessageShownMessage,
  type ScreenshotMessage,
  type WelcomeTls,
} from '@vigil/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { AppError } from '../errors/app-error.ts';
import type { IngestDevice, IngestMessage } from '../ingest/ingest-rows.ts';
import { IngestError } from '../ingest/ingest.service.ts';
import { HeartbeatHealth } from '../ingest/heartbeat-health.ts';
import { agentClose } from './agent-close.ts';
import type { AgentSession } from './agent-hub.ts';
import { deviceEventOf, type StateMessage } from './device-events.ts';
import { runHandshake } from './agent-handshake.ts';
import type { GatewayContext } from './gateway-context.ts';
import { TokenBucket } from './token-bucket.ts';

type Phase = 'hello' | 'authenticating' | 'ready' | 'closed';

const maxAckIds = 1_000;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data;
}

/**
 * One agent socket on /agent/v1: `hello` first (else 4401 after the timeout), then
 * authenticated messages in any order. Every frame is decoded with @vigil/shared and
 * counted against the device's token bucket; anything wrong closes THIS socket with a
 * coded reason. No handler lets an exception escape: the other agents never notice.
 * The device id comes from authentication only — payloads carry none.
 */
export class AgentConnection implements AgentSession {
  readonly #socket: WebSocket;
  readonly #ip: string;
  /** What `welcome.tls` tells this agent (where and with which keys we speak TLS); undefined with TLS off. Dropped once said. */
  #welcomeTls: WelcomeTls | undefined;
  readonly #ctx: GatewayContext;
  readonly #bucket: TokenBucket;
  readonly #openedAt = Date.now();
  #phase: Phase = 'hello';
  #device: IngestDevice | undefined;
  #helloTimer: NodeJS.Timeout | undefined;
  #lastMessageAt = Date.now();
  #heartbeatTimeoutMs = 90_000;
  /** Set when the collector started the close: the device did not vanish on its own. */
  #closing = false;
  #bye = false;
  #acks: string[] = [];
  #acksScheduled = false;
  readonly #health = new HeartbeatHealth();

  constructor(socket: WebSocket, ip: string, ctx: GatewayContext, welcomeTls?: WelcomeTls) {
    this.#socket = socket;
    this.#ip = ip;
    this.#welcomeTls = welcomeTls;
    this.#ctx = ctx;
    this.#bucket = new TokenBucket(ctx.settings.messageRate);
  }

  get deviceId(): string {
    return this.#device?.id ?? '';
  }

  start(): void {
    this.#socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#socket.on('close', (code) => this.#onClose(code));
    this.#socket.on('error', (error) => this.#log.debug({ err: error }, 'agent socket error'));
    this.#helloTimer = setTimeout(() => this.close(agentClose('unauthenticated', 'hello-timeout')), this.#ctx.settings.helloTimeoutMs);
    this.#helloTimer.unref();
  }

  sendText(text: string): boolean {
    if (this.#closing || this.#socket.readyState !== this.#socket.OPEN) return false;
    this.#socket.send(text);
    return true;
  }

  send(message: CollectorMessage): boolean {
    return this.sendText(encode(message));
  }

  replace(): void {
    this.close(agentClose('replaced', 'replaced', 'a newer connection from this device'));
  }

  applyHeartbeatSeconds(seconds: number): void {
    this.#heartbeatTimeoutMs = this.#ctx.settings.heartbeatTimeoutMs ?? seconds * 3_000;
  }

  /** Called by the gateway's sweeper: silent too long → offline, 4408. */
  checkHeartbeat(now: number): void {
    if (this.#phase === 'ready' && !this.#closing && now - this.#lastMessageAt > this.#heartbeatTimeoutMs) {
      this.#log.info({ silentForMs: now - this.#lastMessageAt }, 'agent missed its heartbeats');
      this.close(agentClose('heartbeatTimeout', 'heartbeat-timeout'));
    }
  }

  /** Closes with `frame` (a protocol close code, or 1001 at shutdown); later messages are ignored. */
  close(frame: { readonly code: number; readonly reason: string }, options: { readonly logged?: boolean } = {}): void {
    if (this.#closing || this.#phase === 'closed') return;
    this.#closing = true;
    clearTimeout(this.#helloTimer);
    // `logged`: the caller already reported it (bad frames go through ctx.badFrames, rate-limited).
    if (options.logged !== true && frame.code !== 4409 && frame.code !== 1001)
      this.#log.info({ code: frame.code, reason: frame.reason }, 'closing agent connection');
    try {
      this.#socket.close(frame.code, frame.reason);
    } catch (error) {
      this.#log.warn({ err: error }, 'could not close agent socket cleanly');
      this.#socket.terminate();
    }
  }

  /** After `welcome` went out (agent-handshake.ts): messages are accepted from now on. */
  ready(heartbeatSeconds: number): void {
    this.#phase = 'ready';
    clearTimeout(this.#helloTimer);
    this.#lastMessageAt = Date.now();
    this.applyHeartbeatSeconds(heartbeatSeconds);
  }

  /** The device is known (before welcome) so a drop mid-handshake still updates its status. */
  identify(device: IngestDevice): void {
    this.#device = device;
  }

  /**
   * This socket's logger (its address, and its device once known), made when something is
   * logged rather than kept: a pino child per socket is ~400 bytes, twice over after hello,
   * held by every idle agent (issue #15: ≤ 10 KiB per agent).
   */
  get #log(): FastifyBaseLogger {
    const bound = this.#ctx.log.child({ ip: this.#ip });
    return this.#device === undefined ? bound : bound.child({ deviceId: this.#device.id });
  }

  get isOpen(): boolean {
    return this.#phase !== 'closed' && !this.#closing;
  }

  get log(): FastifyBaseLogger {
    return this.#log;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (this.#closing || this.#phase === 'closed') return;
    try {
      if (!this.#bucket.take()) return this.close(agentClose('rateLimited', 'message-rate'));
      this.#lastMessageAt = Date.now();
      if (this.#phase === 'ready' && this.#device !== undefined) this.#ctx.presence.touch(this.#device.id);
      const bytes = toBytes(data);
      if (isBinary) this.#onBinary(bytes);
      else this.#onText(bytes);
    } catch (error) {
      this.#log.error({ err: error }, 'agent message handler failed');
      this.close(agentClose('serverError', 'server-error'));
    }
  }

  /** A frame we refuse: always a coded close (4400 …), but logged via ctx.badFrames (once per address and code, then a count) so garbage cannot flood the log. */
  #badFrame(code: string, frame: { readonly code: number; readonly reason: string }, detail?: string): void {
    this.#ctx.badFrames.note(this.#ip, code, { closeCode: frame.code, detail, ...(this.#device === undefined ? {} : { deviceId: this.#device.id }) });
    this.close(frame, { logged: true });
  }

  #refuse(error: DecodeError): void {
    this.#badFrame(error.code, closeForDecodeError(error), error.detail);
  }

  #outOfOrder(detail: string): void {
    this.#badFrame('out-of-order', agentClose('malformed', 'out-of-order', detail), detail);
  }

  #onText(bytes: Uint8Array): void {
    const decoded = decodeAgentMessage(bytes, { maxBytes: this.#ctx.settings.maxTextBytes });
    if (!decoded.ok) return this.#refuse(decoded);
    const message = decoded.value;
    if (message.type === 'frame' || message.type === 'screenshot') {
      return this.#badFrame('binary-only', agentClose('malformed', 'binary-only', `${message.type} must be a binary message`));
    }
    if (this.#phase === 'hello') {
      if (message.type !== 'hello') return this.#outOfOrder(`${message.type} before hello`);
      this.#phase = 'authenticating';
      // The agent said hello in time; from here a slow login is the collector's doing: 4503, never 4401.
      clearTimeout(this.#helloTimer);
      this.#helloTimer = setTimeout(
        () => this.close(agentClose('tryAgainLater', 'handshake-timeout', `retry-after=${this.#ctx.gate.retryAfterMs()}`), { logged: true }),
        this.#ctx.settings.handshakeTimeoutMs,
      );
      this.#helloTimer.unref();
      void this.#handshake(message.payload);
      return;
    }
    if (this.#phase === 'authenticating') return this.#outOfOrder(`${message.type} before welcome`);
    this.#onReadyMessage(message);
  }

  async #handshake(hello: HelloPayload): Promise<void> {
    const release = await this.#ctx.gate.enter();
    if (release === undefined) {
      // Busy (a restart with every agent back at once): counted and summarised by the gateway, not logged each.
      this.close(agentClose('tryAgainLater', 'collector-busy', `retry-after=${this.#ctx.gate.retryAfterMs()}`), { logged: true });
      return;
    }
    try {
      const welcomeTls = this.#welcomeTls;
      this.#welcomeTls = undefined;
      if (this.isOpen) await runHandshake(this, hello, this.#ip, this.#ctx, welcomeTls);
    } catch (error) {
      this.#log.error({ err: error }, 'agent handshake failed');
      this.close(agentClose('serverError', 'server-error'));
    } finally {
      release();
    }
  }

  #onReadyMessage(message: AgentMessage): void {
    switch (message.type) {
      case 'hello':
        return this.#outOfOrder('second hello');
      case 'heartbeat':
        this.#noteHealth(message.payload);
        // The sign of life is recorded for every message above; the live view wants its state.
        return this.#publish(message);
      case 'bye':
        this.#bye = true;
        this.#log.info({ reason: message.payload.reason }, 'agent said bye');
        return;
      case 'alert':
        return this.#ingest(message);
      case 'message-shown':
        return this.#messageShown(message);
      case 'activity':
      case 'lock-state':
      case 'idle-state':
        this.#publish(message);
        return this.#ingest(message);
      default:
        return this.#outOfOrder(`${message.type} in a text message`);
    }
  }

  #publish(message: StateMessage): void {
    if (this.#device !== undefined) this.#ctx.hub.publishDeviceEvent(deviceEventOf(this.#device.id, message, Date.now()));
  }

  #ingest(message: IngestMessage): void {
    const device = this.#device;
    if (device === undefined) return;
    this.#ctx.ingest.submit(device, message).then(
      () => this.#ack(message.id),
      (error: unknown) => {
        // Not acked: the agent keeps the message and sends it again later.
        if (error instanceof IngestError && error.code === 'ingest-rejected') {
          this.#sendError('ingest-rejected', `${message.type} ${message.id} was refused by the database`, message.id);
        }
      },
    );
  }

  /** What the PC put on screen for a teacher message; acked once stored, so the agent's outbox lets it go. */
  #messageShown(message: MessageShownMessage): void {
    const device = this.#device;
    if (device === undefined) return;
    this.#ctx.messageShown(device.id, message.payload).then(
      () => this.#ack(message.id),
      (error: unknown) => this.#log.error({ err: error, messageId: message.payload.messageId }, 'could not record a message-shown'),
    );
  }

  #onBinary(bytes: Uint8Array): void {
    const decoded = decodeBinary(bytes, { maxBytes: this.#ctx.settings.maxBinaryBytes });
    if (!decoded.ok) return this.#refuse(decoded);
    const { envelope, bytes: image } = decoded.value;
    const device = this.#device;
    if (this.#phase !== 'ready' || device === undefined) return this.#outOfOrder(`${envelope.type} before welcome`);
    if (envelope.type === 'frame') {
      this.#ctx.hub.publishFrame({ ...envelope.payload, deviceId: device.id, bytes: image, receivedAt: Date.now() });
      return;
    }
    void this.#storeScreenshot(device.id, envelope, image);
  }

  async #storeScreenshot(deviceId: string, envelope: ScreenshotMessage, bytes: Uint8Array): Promise<void> {
    const { sha256, mime, width, height } = envelope.payload;
    try {
      await this.#ctx.screenshots.store({ deviceId, sha256, mime, width, height, bytes });
      this.#ack(envelope.id);
    } catch (error) {
      if (error instanceof AppError && error.code === 'sha256-mismatch') {
        this.#log.warn({ sha256, messageId: envelope.id }, 'refused a screenshot whose bytes do not match its sha256');
        this.#sendError('sha256-mismatch', `screenshot ${envelope.id}: the bytes do not match sha256 ${sha256}`, envelope.id);
        return;
      }
      this.#log.error({ err: error, sha256 }, 'could not store a screenshot');
    }
  }

  /** `refId`: the agent message refused for good; the agent drops it instead of re-sending it forever. */
  #sendError(code: string, message: string, refId?: string): void {
    this.send(makeEnvelope('error', { code, message: message.slice(0, 500), ...(refId === undefined ? {} : { refId }) }));
  }

  /** Lost records and restarts (tamper signals) the agent reports, logged once each time they rise. */
  #noteHealth(heartbeat: HeartbeatPayload): void {
    const rose = this.#health.note(heartbeat);
    if (rose !== undefined) this.#log.warn({ ...rose.counters, risen: rose.risen }, 'agent reports lost records or restarts');
    const disk = this.#health.noteDegraded(heartbeat);
    if (disk?.change === 'entered') this.#log.warn({ degraded: disk.degraded }, 'agent state folder refuses writes (disk full?): running degraded');
    else if (disk?.change === 'cleared') this.#log.info('agent state folder writable again');
  }

  /** Acks are collected for one turn of the event loop: one `ack` per committed batch, not per row. */
  #ack(id: string): void {
    this.#acks.push(id);
    if (this.#acksScheduled) return;
    this.#acksScheduled = true;
    setImmediate(() => {
      this.#acksScheduled = false;
      const ids = this.#acks;
      this.#acks = [];
      for (let start = 0; start < ids.length; start += maxAckIds) {
        this.send(makeEnvelope('ack', { ids: ids.slice(start, start + maxAckIds) }));
      }
    });
  }

  #onClose(code: number): void {
    const device = this.#device;
    this.#phase = 'closed';
    clearTimeout(this.#helloTimer);
    if (device === undefined) return;
    const { hub, presence } = this.#ctx;
    const wasCurrent = hub.detach(this);
    // Replaced by a newer connection, which now owns the device's status.
    if (!wasCurrent && hub.current(device.id) !== undefined) return;
    if (this.#ctx.isShuttingDown()) return;
    const kind = this.#bye ? 'bye' : this.#closing ? 'closed' : 'silent';
    this.#log.info({ code, kind }, 'agent disconnected');
    hub.publishDeviceEvent({ kind: 'disconnected', deviceId: device.id, receivedAt: Date.now(), exit: kind });
    void presence.disconnected(device.id, kind, { ip: this.#ip, connectedForMs: Date.now() - this.#openedAt });
  }
}
