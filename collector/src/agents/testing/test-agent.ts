import {
  decodeCollectorMessage,
  encode,
  encodeBinary,
  makeEnvelope,
  type AgentMessage,
  type BinaryMessage,
  type CollectorMessage,
  type HelloAuth,
  type HelloPayload,
  type PayloadOf,
} from '@vigil/shared';
import { ulid } from 'ulid';
import WebSocket from 'ws';
import { SocketWaiters, type SocketClosed } from '../../testing/socket-waiters.ts';

type Of<T extends CollectorMessage['type']> = Extract<CollectorMessage, { type: T }>;

export type Closed = SocketClosed;

/**
 * A scripted agent over a real WebSocket (the `ws` client) for gateway tests: sends
 * protocol messages or raw bytes and waits for what the collector answers.
 */
export class TestAgent {
  readonly socket: WebSocket;
  readonly received: CollectorMessage[] = [];
  readonly closed: Promise<Closed>;
  #cursor = 0;
  readonly #waiters = new SocketWaiters(() => this.#closedWith);
  #closedWith: Closed | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      const decoded = decodeCollectorMessage(data);
      if (decoded.ok) this.received.push(decoded.value);
      this.#waiters.wake();
    });
    this.closed = new Promise((resolve) => {
      socket.on('close', (code, reason) => {
        this.#closedWith = { code, reason: reason.toString('utf8') };
        resolve(this.#closedWith);
        this.#waiters.wake();
      });
    });
    socket.on('error', () => {});
  }

  /** `tls`: client TLS options for a wss:// URL (e.g. the collector's own CA as `ca`). */
  static async connect(url: string, tls: WebSocket.ClientOptions = {}): Promise<TestAgent> {
    const socket = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, ...tls });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new TestAgent(socket);
  }

  /** Connects and says hello; resolves with the welcome (throws if the socket closes instead). */
  static async login(
    url: string,
    auth: HelloAuth,
    hello: Partial<HelloPayload> = {},
    tls: WebSocket.ClientOptions = {},
  ): Promise<{ agent: TestAgent; welcome: Of<'welcome'> }> {
    const agent = await TestAgent.connect(url, tls);
    agent.send(helloMessage(auth, hello));
    const welcome = await agent.next('welcome');
    return { agent, welcome };
  }

  send(message: AgentMessage): void {
    this.socket.send(encode(message));
  }

  sendRaw(data: string | Uint8Array, binary = typeof data !== 'string'): void {
    this.socket.send(data, { binary });
  }

  sendBinary(envelope: BinaryMessage, bytes: Uint8Array): void {
    this.socket.send(encodeBinary(envelope, bytes), { binary: true });
  }

  /** The next message of `type` not returned before; rejects when the socket closes first. */
  async next<T extends CollectorMessage['type']>(type: T, timeoutMs = 5_000): Promise<Of<T>> {
    return this.#waiters.waitFor(`a ${type} message`, timeoutMs, () => {
      const index = this.received.findIndex((message, i) => i >= this.#cursor && message.type === type);
      if (index === -1) return undefined;
      this.#cursor = index + 1;
      return this.received[index] as Of<T>;
    });
  }

  /** Resolves once every id in `ids` has been acked (in one ack or several). */
  async acked(ids: readonly string[], timeoutMs = 5_000): Promise<void> {
    await this.#waiters.waitFor(`acks for ${ids.length} ids`, timeoutMs, () => {
      const seen = new Set(this.received.flatMap((message) => (message.type === 'ack' ? message.payload.ids : [])));
      return ids.every((id) => seen.has(id)) ? true : undefined;
    });
  }

  /** Resolves as soon as an ack naming `id` arrives, running `onAck` synchronously in the message event. */
  ackOf(id: string, onAck?: () => unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const listener = (data: Buffer) => {
        const decoded = decodeCollectorMessage(data);
        if (decoded.ok && decoded.value.type === 'ack' && decoded.value.payload.ids.includes(id)) {
          this.socket.off('message', listener);
          try {
            resolve(onAck?.());
          } catch (error) {
            reject(error);
          }
        }
      };
      this.socket.on('message', listener);
      void this.closed.then((closed) => reject(new Error(`closed ${closed.code} ${closed.reason} before the ack of ${id}`)));
    });
  }

  close(): void {
    this.socket.close(1000);
  }

  /** Drops the TCP connection without a close frame, like a killed process or a pulled cable. */
  drop(): void {
    this.socket.terminate();
  }
}

export function helloMessage(auth: HelloAuth, overrides: Partial<HelloPayload> = {}) {
  return makeEnvelope('hello', {
    auth,
    agentVersion: '0.1.0-test',
    os: { platform: 'linux', release: '6.1.0', arch: 'x64' },
    hostname: 'ict-07',
    osUser: 'pupil.jones',
    capabilities: ['keyboard', 'window', 'screenshot'],
    previousExit: 'clean',
    ...overrides,
  });
}

export function alertMessage(overrides: Partial<PayloadOf<'alert'>> = {}) {
  return makeEnvelope('alert', {
    id: ulid(),
    ts: Date.now(),
    source: 'typed',
    term: 'example term',
    category: 'self-harm',
    severity: 4,
    context: 'I typed an example term here',
    windowTitle: 'Untitled document — Google Docs',
    app: 'chrome',
    osUser: 'pupil.jones',
    ...overrides,
  });
}

export function activityMessage(overrides: Partial<PayloadOf<'activity'>> = {}) {
  const end = Date.now();
  return makeEnvelope('activity', {
    id: ulid(),
    app: 'firefox',
    title: 'Photosynthesis — Wikipedia',
    osUser: 'pupil.jones',
    start: end - 60_000,
    end,
    ...overrides,
  });
}

export function heartbeatMessage() {
  return makeEnvelope('heartbeat', {
    uptimeSeconds: 60,
    locked: false,
    idleSeconds: 0,
    keyboard: 'ok',
    outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0 },
  });
}
