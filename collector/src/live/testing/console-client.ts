import { decodeLiveFrame, liveServerMessageSchema, type LiveClientMessage, type LiveFrameHeader, type LiveServerMessage } from '@vigil/shared/console';
import WebSocket from 'ws';
import { SocketWaiters, type SocketClosed } from '../../testing/socket-waiters.ts';

type Of<T extends LiveServerMessage['type']> = Extract<LiveServerMessage, { type: T }>;

export type Closed = SocketClosed;

export interface ReceivedFrame {
  readonly header: LiveFrameHeader;
  readonly bytes: Uint8Array;
  /** Date.now() when it arrived. */
  readonly at: number;
}

/**
 * A console browser tab over a real WebSocket (the `ws` client) for /console/live tests:
 * a session cookie and an Origin, JSON messages decoded with the shared schema (anything
 * else fails the wait), binary thumbnails decoded with `decodeLiveFrame`.
 */
export class ConsoleClient {
  readonly socket: WebSocket;
  readonly received: LiveServerMessage[] = [];
  readonly frames: ReceivedFrame[] = [];
  readonly undecodable: string[] = [];
  readonly closed: Promise<Closed>;
  #cursor = 0;
  #frameCursor = 0;
  readonly #waiters = new SocketWaiters(
    () => this.#closedWith,
    () => JSON.stringify(this.received.slice(-5)),
  );
  #closedWith: Closed | undefined;

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) {
        const frame = decodeLiveFrame(new Uint8Array(data));
        if (frame === undefined) this.undecodable.push(`binary of ${data.length} bytes`);
        else this.frames.push({ header: frame.header, bytes: new Uint8Array(frame.bytes), at: Date.now() });
      } else {
        const parsed = liveServerMessageSchema.safeParse(JSON.parse(data.toString('utf8')));
        if (parsed.success) this.received.push(parsed.data);
        else this.undecodable.push(data.toString('utf8').slice(0, 500));
      }
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

  /** Opens the socket; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, headers: { cookie?: string; origin?: string }): Promise<ConsoleClient> {
    const socket = new WebSocket(url, {
      headers: headers.cookie === undefined ? {} : { cookie: headers.cookie },
      ...(headers.origin === undefined ? {} : { origin: headers.origin }),
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new ConsoleClient(socket)));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
        response.on('end', () => reject(new RefusedUpgrade(response.statusCode ?? 0, body)));
        response.on('error', () => reject(new RefusedUpgrade(response.statusCode ?? 0, body)));
      });
      socket.once('error', reject);
    });
  }

  send(message: LiveClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  sendRaw(data: string | Uint8Array): void {
    this.socket.send(data, { binary: typeof data !== 'string' });
  }

  /** The next message of `type` not returned before. */
  next<T extends LiveServerMessage['type']>(type: T, timeoutMs = 5_000, where: (message: Of<T>) => boolean = () => true): Promise<Of<T>> {
    return this.#waiters.waitFor(`a ${type} message`, timeoutMs, () => {
      const index = this.received.findIndex((message, i) => i >= this.#cursor && message.type === type && where(message as Of<T>));
      if (index === -1) return undefined;
      this.#cursor = index + 1;
      return this.received[index] as Of<T>;
    });
  }

  /** The next thumbnail not returned before. */
  nextFrame(timeoutMs = 5_000): Promise<ReceivedFrame> {
    return this.#waiters.waitFor('a frame', timeoutMs, () => {
      const frame = this.frames[this.#frameCursor];
      if (frame !== undefined) this.#frameCursor++;
      return frame;
    });
  }

  close(): void {
    this.socket.close(1000);
  }
}

export class RefusedUpgrade extends Error {
  readonly status: number;
  readonly body: string;
  constructor(status: number, body: string) {
    super(`upgrade refused with HTTP ${status}: ${body.slice(0, 200)}`);
    this.status = status;
    this.body = body;
  }
}
