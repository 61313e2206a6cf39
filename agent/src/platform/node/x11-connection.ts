import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { homedir, hostname } from 'node:os';
import { join } from 'node:path';

/**
 * A minimal X11 protocol client (little-endian, no Xlib): just what the key path and the lock probe need —
 * requests with or without replies, multi-reply requests (RECORD), events and errors. Pure JavaScript, so a
 * server without an extension gives an error instead of aborting the process the way libuiohook does.
 */

export interface XSetup {
  rootWindow: number;
  resourceIdBase: number;
  resourceIdMask: number;
  minKeycode: number;
  maxKeycode: number;
  screenWidth: number;
  screenHeight: number;
  /** The root window's depth (24 on nearly every screen). */
  rootDepth: number;
  /** The server's image byte order is least significant byte first (ZPixmap pixels B,G,R,X on a 24-bit screen). */
  imageLsbFirst: boolean;
  /** The longest request the server takes without BIG-REQUESTS, in bytes. */
  maxRequestBytes: number;
}

export interface XErrorInfo {
  code: number;
  majorOpcode: number;
  minorOpcode: number;
  badValue: number;
}

export class XProtocolError extends Error {
  readonly info: XErrorInfo;
  constructor(what: string, info: XErrorInfo) {
    super(`${what}: X error ${info.code} (major ${info.majorOpcode}, minor ${info.minorOpcode})`);
    this.info = info;
  }
}

/** An X reply: its whole bytes (32 + extra), as sent. */
export type XReply = Buffer;

interface Pending {
  what: string;
  resolve: (reply: XReply) => void;
  reject: (err: Error) => void;
  /** Multi-reply requests (RECORD EnableContext) get every reply here and stay pending. */
  each?: (reply: XReply) => void;
}

export interface XDisplayAddress {
  path: string;
  displayNumber: number;
}

/** `:N`, `:N.S`, `unix:N` → the server's Unix socket. TCP displays are not supported (a school PC's agent is local). */
export function parseDisplay(display: string | undefined): XDisplayAddress {
  const m = /^(?:unix)?:(\d+)(?:\.\d+)?$/.exec(display ?? '');
  if (!m?.[1]) throw new Error(`DISPLAY ${JSON.stringify(display ?? '')} is not a local X display (:N)`);
  return { path: `/tmp/.X11-unix/X${m[1]}`, displayNumber: Number(m[1]) };
}

/** The MIT-MAGIC-COOKIE-1 for a display from an Xauthority file, if there is one. */
export function findCookie(xauthority: Buffer, displayNumber: number, host: string): Buffer | undefined {
  let off = 0;
  let fallback: Buffer | undefined;
  const field = (): Buffer | undefined => {
    if (off + 2 > xauthority.length) return undefined;
    const len = xauthority.readUInt16BE(off);
    const value = xauthority.subarray(off + 2, off + 2 + len);
    off += 2 + len;
    return value.length === len ? value : undefined;
  };
  while (off + 2 <= xauthority.length) {
    const family = xauthority.readUInt16BE(off);
    off += 2;
    const address = field();
    const number = field();
    const name = field();
    const data = field();
    if (address === undefined || number === undefined || name === undefined || data === undefined) break;
    if (name.toString('latin1') !== 'MIT-MAGIC-COOKIE-1' || number.toString('latin1') !== String(displayNumber)) continue;
    // FamilyLocal (256) for this host, or FamilyWild (65535) for any.
    if (family === 256 && address.toString('latin1') === host) return Buffer.from(data);
    if (family === 65535) fallback ??= Buffer.from(data);
  }
  return fallback;
}

const pad4 = (n: number): number => (n + 3) & ~3;

export class XConnection {
  readonly setup: XSetup;
  readonly #socket: Socket;
  #seq = 0;
  #buffer: Buffer = Buffer.alloc(0);
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;
  #onEvent: (event: Buffer) => void = () => {};
  #onClose: (err: Error | undefined) => void = () => {};

  private constructor(socket: Socket, setup: XSetup, rest: Buffer) {
    this.#socket = socket;
    this.setup = setup;
    socket.on('data', (chunk: Buffer) => this.#data(chunk));
    socket.on('error', (err) => this.#close(err));
    socket.on('close', () => this.#close(new Error('X server closed the connection')));
    if (rest.length > 0) this.#data(rest);
  }

  /** Connects to `env.DISPLAY`, with the cookie from `env.XAUTHORITY` (or ~/.Xauthority) when there is one. */
  static async open(env: NodeJS.ProcessEnv, timeoutMs = 5_000): Promise<XConnection> {
    const addr = parseDisplay(env.DISPLAY);
    const authFile = env.XAUTHORITY ?? join(env.HOME ?? homedir(), '.Xauthority');
    const cookie = await readFile(authFile).then(
      (file) => findCookie(file, addr.displayNumber, hostname()),
      () => undefined,
    );
    // The socket file, else the same name in Linux's abstract namespace (servers started with -nolisten unix).
    const socket = await connectUnix(addr.path)
      .catch((first: unknown) =>
        connectUnix(`\0${addr.path}`).catch(() => {
          throw first;
        }),
      )
      .catch((err: unknown) => {
        throw new Error(`cannot connect to X display ${env.DISPLAY ?? ''}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
    const timer = setTimeout(() => socket.destroy(new Error(`X server ${env.DISPLAY ?? ''} did not answer in ${timeoutMs} ms`)), timeoutMs);
    try {
      const name = cookie === undefined ? Buffer.alloc(0) : Buffer.from('MIT-MAGIC-COOKIE-1', 'latin1');
      const data = cookie ?? Buffer.alloc(0);
      const hello = Buffer.alloc(12 + pad4(name.length) + pad4(data.length));
      hello.write('l', 0, 'latin1');
      hello.writeUInt16LE(11, 2);
      hello.writeUInt16LE(0, 4);
      hello.writeUInt16LE(name.length, 6);
      hello.writeUInt16LE(data.length, 8);
      name.copy(hello, 12);
      data.copy(hello, 12 + pad4(name.length));
      socket.write(hello);
      const reply = await readSetupReply(socket);
      return new XConnection(socket, parseSetup(reply.setup), reply.rest);
    } catch (err) {
      socket.destroy();
      throw new Error(`cannot connect to X display ${env.DISPLAY ?? ''}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Core events (and GenericEvents) the server sends this connection. */
  onEvent(listener: (event: Buffer) => void): void {
    this.#onEvent = listener;
  }

  /** The connection ended: the server went away (an error) or close() (undefined). */
  onClose(listener: (err: Error | undefined) => void): void {
    this.#onClose = listener;
  }

  /** A new resource id for this client. */
  newId(): number {
    const { resourceIdBase, resourceIdMask } = this.setup;
    const step = resourceIdMask & -resourceIdMask;
    const id = (resourceIdBase | ((this.#nextId++ * step) & resourceIdMask)) >>> 0;
    return id;
  }

  /** Sends a request that has no reply. Errors it causes are ignored (use sync() to wait for it). */
  send(request: Buffer): void {
    this.#write(request);
  }

  /** Sends a request and resolves with its reply (rejects with its X error). */
  request(what: string, request: Buffer): Promise<XReply> {
    return new Promise((resolve, reject) => {
      const seq = this.#write(request);
      this.#pending.set(seq, { what, resolve, reject });
    });
  }

  /** A multi-reply request: `each` gets every reply until the connection closes or an error ends it. */
  requestMany(what: string, request: Buffer, each: (reply: XReply) => void): Promise<void> {
    return new Promise((resolve, reject) => {
      const seq = this.#write(request);
      this.#pending.set(seq, { what, resolve: () => resolve(), reject, each });
    });
  }

  /** A round trip (GetInputFocus): every request sent before it has been processed when this resolves. */
  async sync(): Promise<void> {
    await this.request('GetInputFocus', coreRequest(43, 0, Buffer.alloc(0)));
  }

  /** QueryExtension: the extension's major opcode, first event and first error, or undefined when absent. */
  async queryExtension(name: string): Promise<{ majorOpcode: number; firstEvent: number; firstError: number } | undefined> {
    const body = Buffer.alloc(4 + pad4(name.length));
    body.writeUInt16LE(name.length, 0);
    body.write(name, 4, 'latin1');
    const reply = await this.request(`QueryExtension ${name}`, coreRequest(98, 0, body));
    if (reply[8] === 0) return undefined;
    return { majorOpcode: reply.readUInt8(9), firstEvent: reply.readUInt8(10), firstError: reply.readUInt8(11) };
  }

  close(): void {
    if (this.#closed) return;
    this.#socket.end();
    this.#socket.destroy();
    this.#close(undefined);
  }

  #write(request: Buffer): number {
    if (this.#closed) throw new Error('X connection is closed');
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#socket.write(request);
    return this.#seq;
  }

  #close(err: Error | undefined): void {
    if (this.#closed) return;
    this.#closed = true;
    const why = err ?? new Error('X connection closed');
    for (const p of this.#pending.values()) p.reject(why);
    this.#pending.clear();
    this.#onClose(err);
  }

  #data(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    let off = 0;
    while (this.#buffer.length - off >= 32) {
      const type = this.#buffer.readUInt8(off);
      const extra = type === 1 || (type & 0x7f) === 35 ? this.#buffer.readUInt32LE(off + 4) * 4 : 0;
      if (this.#buffer.length - off < 32 + extra) break;
      const message = this.#buffer.subarray(off, off + 32 + extra);
      off += 32 + extra;
      this.#dispatch(type, message);
      if (this.#closed) return;
    }
    this.#buffer = off === this.#buffer.length ? Buffer.alloc(0) : Buffer.from(this.#buffer.subarray(off));
  }

  #dispatch(type: number, message: Buffer): void {
    if (type === 0 || type === 1) {
      const seq = message.readUInt16LE(2);
      const pending = this.#pending.get(seq);
      if (pending === undefined) return;
      if (type === 0) {
        this.#pending.delete(seq);
        pending.reject(
          new XProtocolError(pending.what, {
            code: message.readUInt8(1),
            badValue: message.readUInt32LE(4),
            minorOpcode: message.readUInt16LE(8),
            majorOpcode: message.readUInt8(10),
          }),
        );
        return;
      }
      if (pending.each !== undefined) {
        pending.each(message);
        return;
      }
      this.#pending.delete(seq);
      pending.resolve(message);
      return;
    }
    this.#onEvent(message);
  }
}

/** A core request: opcode, the data byte, then the body (padded to 4 bytes). */
export function coreRequest(opcode: number, data: number, body: Buffer): Buffer {
  const b = Buffer.alloc(4 + pad4(body.length));
  b.writeUInt8(opcode, 0);
  b.writeUInt8(data, 1);
  b.writeUInt16LE(b.length / 4, 2);
  body.copy(b, 4);
  return b;
}

/** An extension request: major opcode, minor opcode, then the body (padded to 4 bytes). */
export function extRequest(major: number, minor: number, body: Buffer): Buffer {
  return coreRequest(major, minor, body);
}

function connectUnix(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

async function readSetupReply(socket: Socket): Promise<{ setup: Buffer; rest: Buffer }> {
  let buf = Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < 8) return;
      const total = 8 + buf.readUInt16LE(6) * 4;
      if (buf.length < total) return;
      socket.off('data', onData);
      socket.off('error', reject);
      socket.off('close', onClose);
      const status = buf.readUInt8(0);
      if (status !== 1) {
        const reason = buf
          .subarray(8, 8 + (status === 0 ? buf.readUInt8(1) : total - 8))
          .toString('latin1')
          .replace(/\0+$/, '')
          .trim();
        reject(new Error(`the X server refused the connection: ${reason || 'no reason given'} (is XAUTHORITY set?)`));
        return;
      }
      resolve({ setup: buf.subarray(0, total), rest: buf.subarray(total) });
    };
    const onClose = (): void => reject(new Error('the X server closed the connection during setup'));
    socket.on('data', onData);
    socket.once('error', reject);
    socket.once('close', onClose);
  });
}

function parseSetup(b: Buffer): XSetup {
  const vendorLen = b.readUInt16LE(24);
  const numFormats = b.readUInt8(29);
  const screen = 40 + pad4(vendorLen) + 8 * numFormats;
  return {
    resourceIdBase: b.readUInt32LE(12),
    resourceIdMask: b.readUInt32LE(16),
    minKeycode: b.readUInt8(34),
    maxKeycode: b.readUInt8(35),
    rootWindow: b.readUInt32LE(screen),
    screenWidth: b.readUInt16LE(screen + 20),
    screenHeight: b.readUInt16LE(screen + 22),
    rootDepth: b.readUInt8(screen + 38),
    imageLsbFirst: b.readUInt8(30) === 0,
    maxRequestBytes: b.readUInt16LE(26) * 4,
  };
}
