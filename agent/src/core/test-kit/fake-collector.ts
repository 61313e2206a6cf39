// A tiny collector speaking protocol v1 over a real WebSocket, for the agent's unit tests:
// enrols, welcomes, acks committed-looking messages and records everything it receives.
import { randomBytes } from 'node:crypto';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ulid } from 'ulid';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  decodeAgentMessage,
  decodeBinary,
  defaultPolicy,
  makeEnvelope,
  type AgentMessage,
  type CollectorMessage,
  type MessageType,
  type PayloadOf,
  type Policy,
  type WelcomeTls,
  type WordlistPayload,
} from '@vigil/shared/protocol';

export interface Received {
  message: AgentMessage;
  bytes?: Uint8Array;
  at: number;
}

export interface FakeCollectorOptions {
  policy?: Policy;
  wordlist?: WordlistPayload;
  /** Ack alerts, activity, state and screenshots as they arrive (default true). */
  autoAck?: boolean;
  /** Serve wss:// with this key and certificate (PEM) instead of ws://. */
  tls?: { key: string; cert: string };
  /** Sent as `welcome.tls`. */
  welcomeTls?: WelcomeTls;
}

type CollectorType = CollectorMessage['type'];

const ACKED = new Set<string>(['alert', 'activity', 'lock-state', 'idle-state', 'screenshot']);

export class FakeCollector {
  readonly received: Received[] = [];
  readonly devices = new Map<string, string>();
  readonly closes: { code: number; reason: string }[] = [];
  readonly decodeErrors: string[] = [];
  autoAck: boolean;
  policy: Policy;
  wordlist: WordlistPayload | undefined;
  /** Close every hello with 4401, as a collector that no longer knows the device would. */
  refuseAll = false;
  welcomeTls: WelcomeTls | undefined;
  /** Sent to each agent right after its welcome (a collector that commands at once). */
  afterWelcome: CollectorMessage[] = [];
  /** TLS handshakes completed and HTTP upgrade requests seen (wss:// only). */
  tlsHandshakes = 0;
  upgradeRequests = 0;
  readonly #server: WebSocketServer;
  readonly #https: HttpsServer | undefined;
  readonly #authed = new Set<WebSocket>();

  private constructor(server: WebSocketServer, opts: FakeCollectorOptions, https?: HttpsServer) {
    this.#server = server;
    this.#https = https;
    this.welcomeTls = opts.welcomeTls;
    https?.on('secureConnection', () => this.tlsHandshakes++);
    https?.on('upgrade', () => this.upgradeRequests++);
    this.autoAck = opts.autoAck ?? true;
    this.policy = opts.policy ?? { ...defaultPolicy, signInTitlePatterns: [...defaultPolicy.signInTitlePatterns], noCaptureCategories: [] };
    this.wordlist = opts.wordlist;
    server.on('connection', (ws) => this.#accept(ws));
  }

  static async start(opts: FakeCollectorOptions = {}, port = 0): Promise<FakeCollector> {
    if (opts.tls !== undefined) {
      const https = createHttpsServer({ key: opts.tls.key, cert: opts.tls.cert });
      const wss = new WebSocketServer({ server: https, path: '/agent/v1' });
      await new Promise<void>((resolve, reject) => {
        https.once('error', reject);
        https.listen(port, '127.0.0.1', () => resolve());
      });
      return new FakeCollector(wss, opts, https);
    }
    const server = new WebSocketServer({ host: '127.0.0.1', port, path: '/agent/v1' });
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    return new FakeCollector(server, opts);
  }

  get port(): number {
    const address: AddressInfo | string | null = this.#https?.address() ?? this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('fake collector is not listening');
    return address.port;
  }

  get url(): string {
    return `${this.#https === undefined ? 'ws' : 'wss'}://127.0.0.1:${this.port}/agent/v1`;
  }

  get connections(): number {
    return this.#authed.size;
  }

  messages<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.received.map((r) => r.message).filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type);
  }

  /** Sends to every authenticated agent. */
  send<T extends CollectorType>(type: T, payload: PayloadOf<T>): number {
    const text = JSON.stringify(makeEnvelope(type, payload));
    for (const ws of this.#authed) ws.send(text);
    return this.#authed.size;
  }

  /** Drops every connection with `code` (1006-like abrupt close when terminate is true). */
  closeAll(code = 1001, reason = 'going away', terminate = false): void {
    for (const ws of this.#server.clients) {
      if (terminate) ws.terminate();
      else ws.close(code, reason);
    }
  }

  async stop(): Promise<void> {
    for (const ws of this.#server.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    const https = this.#https;
    if (https !== undefined) {
      https.closeAllConnections();
      await new Promise<void>((resolve) => https.close(() => resolve()));
    }
  }

  #accept(ws: WebSocket): void {
    ws.on('message', (data, isBinary) => this.#onMessage(ws, data, isBinary));
    ws.on('close', (code, reason) => {
      this.#authed.delete(ws);
      this.closes.push({ code, reason: reason.toString() });
    });
  }

  #onMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    let received: Received;
    if (isBinary) {
      const decoded = decodeBinary(bytes);
      if (!decoded.ok) return this.#reject(ws, `${decoded.code}: ${decoded.detail}`);
      received = { message: decoded.value.envelope, bytes: new Uint8Array(decoded.value.bytes), at: Date.now() };
    } else {
      const decoded = decodeAgentMessage(bytes);
      if (!decoded.ok) return this.#reject(ws, `${decoded.code}: ${decoded.detail}`);
      received = { message: decoded.value, at: Date.now() };
    }
    const msg = received.message;
    if (!this.#authed.has(ws)) {
      if (msg.type !== 'hello') return this.#reject(ws, `${msg.type} before hello`);
      this.received.push(received);
      return this.#hello(ws, msg);
    }
    this.received.push(received);
    if (this.autoAck && ACKED.has(msg.type)) this.#sendTo(ws, 'ack', { ids: [msg.id] });
  }

  #hello(ws: WebSocket, hello: Extract<AgentMessage, { type: 'hello' }>): void {
    const auth = hello.payload.auth;
    let deviceId: string;
    let secret: string | undefined;
    if (this.refuseAll) return void ws.close(4401, 'authentication required or failed');
    if (auth.kind === 'enrol') {
      deviceId = ulid();
      secret = randomBytes(32).toString('base64url');
      this.devices.set(deviceId, secret);
    } else {
      if (this.devices.get(auth.deviceId) !== auth.secret) return void ws.close(4401, 'authentication required or failed');
      deviceId = auth.deviceId;
    }
    this.#authed.add(ws);
    const wordlistVersion = this.wordlist?.version ?? '0'.repeat(64);
    this.#sendTo(ws, 'welcome', {
      deviceId,
      ...(secret === undefined ? {} : { secret }),
      policy: this.policy,
      wordlistVersion,
      serverTime: Date.now(),
      ...(this.welcomeTls === undefined ? {} : { tls: this.welcomeTls }),
    });
    if (this.wordlist !== undefined && hello.payload.wordlistVersion !== this.wordlist.version) this.#sendTo(ws, 'wordlist', this.wordlist);
    for (const message of this.afterWelcome) ws.send(JSON.stringify(message));
  }

  #sendTo<T extends MessageType & CollectorType>(ws: WebSocket, type: T, payload: PayloadOf<T>): void {
    ws.send(JSON.stringify(makeEnvelope(type, payload)));
  }

  #reject(ws: WebSocket, detail: string): void {
    this.decodeErrors.push(detail);
    ws.close(4400, detail.slice(0, 100));
  }
}
