import { clipUtf8, closeCodes, MAX_CLOSE_REASON_BYTES, utf8DecodeStrict, type CloseCodeName } from '@vigil/shared';
import { liveClientMessageSchema, type LiveClientMessage, type LiveServerMessage } from '@vigil/shared/console';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { TokenBucket } from '../agents/token-bucket.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { canAccessRoom } from '../auth/authorization.ts';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import type { UserRole } from '../db/schema/index.ts';
import type { LiveHub, Viewer } from './live-hub.ts';
import { liveSessionUser } from './live-session.ts';

export interface LiveViewerContext {
  readonly hub: LiveHub;
  readonly db: Db;
  readonly log: Logger;
  /** Roles that may use the live view (the route's access rule). */
  readonly roles: readonly UserRole[];
  readonly now: () => Date;
  /** A frame is dropped for this viewer while more than this many bytes wait to be sent. */
  readonly maxBufferedBytes: number;
}

/** Console messages are tiny; anything bigger is not one of ours. */
const maxMessageBytes = 4_096;
/** A stalled browser: state messages pile up even without frames; past this it is cut off. */
const maxBufferedStateBytes = 8 * 1024 * 1024;

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((sum, chunk) => sum + chunk.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** The message as text; null when it is not valid UTF-8 (ws leaves that check to us: plugins/websocket.ts). */
function text(data: RawData): string | null {
  if (Array.isArray(data)) return utf8DecodeStrict(Buffer.concat(data));
  return utf8DecodeStrict(data instanceof ArrayBuffer ? new Uint8Array(data) : data);
}

/**
 * One console socket on /console/live. Messages are decoded with the shared schema and
 * handled one at a time, in order; anything malformed gets an `error` message and a
 * 4400 close with a coded reason, and no handler lets an exception reach the process.
 * The session is re-checked on every message and every minute (`revalidate`), and room
 * access on every `watch` and every minute: a teacher taken off a room loses it.
 */
export class LiveViewer implements Viewer {
  readonly #socket: WebSocket;
  readonly #token: string;
  readonly #ctx: LiveViewerContext;
  readonly #log: Logger;
  readonly #bucket = new TokenBucket({ perSecond: 10, burst: 40 });
  #user: AuthUser;
  #queue: Promise<void> = Promise.resolve();
  #open = true;
  #visible = true;
  #focusId: string | undefined;
  #droppedFrames = 0;

  constructor(socket: WebSocket, user: AuthUser, token: string, ctx: LiveViewerContext) {
    this.#socket = socket;
    this.#user = user;
    this.#token = token;
    this.#ctx = ctx;
    this.#log = ctx.log.child({ userId: user.id });
  }

  get open(): boolean {
    return this.#open;
  }

  /** A page is visible until it says otherwise (`visibility`). */
  get visible(): boolean {
    return this.#visible;
  }

  get focusId(): string | undefined {
    return this.#focusId;
  }

  get droppedFrames(): number {
    return this.#droppedFrames;
  }

  start(onClosed: () => void): void {
    this.#socket.on('message', (data, isBinary) => this.#onMessage(data, isBinary));
    this.#socket.on('error', (error) => this.#log.debug({ err: error }, 'console socket error'));
    this.#socket.on('close', () => {
      this.#open = false;
      this.#ctx.hub.unwatch(this);
      if (this.#droppedFrames > 0) this.#log.info({ droppedFrames: this.#droppedFrames }, 'slow console viewer: frames were dropped');
      onClosed();
    });
    this.send({ type: 'hello', user: this.#user.displayName, role: this.#user.role });
  }

  send(message: LiveServerMessage): void {
    if (!this.#open || this.#socket.readyState !== this.#socket.OPEN) return;
    if (this.#socket.bufferedAmount > maxBufferedStateBytes) {
      this.#log.warn({ buffered: this.#socket.bufferedAmount }, 'console viewer stopped reading; disconnected');
      this.#open = false;
      this.#socket.terminate();
      return;
    }
    this.#socket.send(JSON.stringify(message));
  }

  sendFrame(frame: Uint8Array): void {
    if (!this.#open || this.#socket.readyState !== this.#socket.OPEN) return;
    // A slow viewer skips frames instead of growing the collector's memory.
    if (this.#socket.bufferedAmount > this.#ctx.maxBufferedBytes) {
      this.#droppedFrames++;
      return;
    }
    this.#socket.send(frame, { binary: true });
  }

  /** Closes with a private-range code and a reason that starts with a stable code. */
  close(name: CloseCodeName, code: string, detail?: string): void {
    this.#closeWith(closeCodes[name], clipUtf8(detail === undefined ? code : `${code}: ${detail}`, MAX_CLOSE_REASON_BYTES));
  }

  /** The collector is stopping: 1001 (going away), so the console reconnects. */
  shutdown(): void {
    this.#closeWith(1001, 'shutting-down');
  }

  #closeWith(code: number, reason: string): void {
    if (!this.#open) return;
    this.#open = false;
    this.#ctx.hub.unwatch(this);
    try {
      this.#socket.close(code, reason);
    } catch (error) {
      this.#log.warn({ err: error }, 'could not close a console socket cleanly');
      this.#socket.terminate();
    }
  }

  /** The periodic check: the session still valid, the watched room still allowed. */
  revalidate(): void {
    this.#enqueue(async () => {
      const user = await this.#checkSession(false);
      if (user === undefined) return;
      const room = this.#ctx.hub.roomOf(this);
      if (room !== undefined && !(await canAccessRoom(this.#ctx.db, user, room))) this.#loseRoom();
    });
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (!this.#open) return;
    if (!this.#bucket.take()) return this.#refuse('rateLimited', 'message-rate', 'too many messages');
    if (isBinary) return this.#refuse('malformed', 'binary-not-accepted', 'the console sends JSON text messages only');
    if (byteLength(data) > maxMessageBytes) return this.#refuse('tooLarge', 'too-large', `messages are at most ${maxMessageBytes} bytes`);
    const json = text(data);
    if (json === null) return this.#refuse('malformed', 'bad-utf8', 'the message is not valid UTF-8');
    let raw: unknown;
    try {
      raw = JSON.parse(json);
    } catch {
      return this.#refuse('malformed', 'not-json', 'the message is not JSON');
    }
    const parsed = liveClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
      return this.#refuse('malformed', 'bad-message', `not a live-view message${where}: ${issue?.message ?? 'invalid'}`);
    }
    const message = parsed.data;
    this.#enqueue(() => this.#handle(message));
  }

  async #handle(message: LiveClientMessage): Promise<void> {
    const user = await this.#checkSession(true);
    if (user === undefined) return;
    const { hub } = this.#ctx;
    switch (message.type) {
      case 'watch': {
        if (!(await canAccessRoom(this.#ctx.db, user, message.roomId))) return this.#loseRoom();
        if (!this.#open) return;
        this.#focusId = undefined;
        const watched = await hub.watch(this, message.roomId);
        // The room went away between the check and the read.
        if (watched === undefined && this.#open) return this.#loseRoom();
        // Watching pupils' screens is looked at like a capture: on the record.
        return this.#audit(user, 'live.watch', 'room', message.roomId);
      }
      case 'unwatch':
        this.#focusId = undefined;
        return hub.unwatch(this);
      case 'visibility':
        this.#visible = message.visible;
        return hub.viewerChanged(this);
      case 'focus':
        this.#focusId = message.deviceId ?? undefined;
        hub.viewerChanged(this);
        if (message.deviceId !== null) await this.#audit(user, 'live.focus', 'device', message.deviceId);
        return;
    }
  }

  async #audit(user: AuthUser, action: string, targetType: string, targetId: string): Promise<void> {
    try {
      await appendAudit(this.#ctx.db, { actorUserId: user.id, actorLabel: user.username, action, targetType, targetId });
    } catch (err) {
      this.#log.error({ err, action }, 'could not write the audit entry');
    }
  }

  /** The session's user now, or undefined after closing the socket 4401. */
  async #checkSession(active: boolean): Promise<AuthUser | undefined> {
    if (!this.#open) return undefined;
    const user = await liveSessionUser(this.#ctx.db, this.#token, this.#ctx.roles, { now: this.#ctx.now(), active });
    if (user === undefined) {
      this.send({ type: 'error', code: 'session-expired', message: 'Your session has ended; sign in again' });
      this.close('unauthenticated', 'session-expired');
      return undefined;
    }
    this.#user = user;
    return this.#open ? user : undefined;
  }

  #loseRoom(): void {
    this.#ctx.hub.unwatch(this);
    this.#focusId = undefined;
    this.send({ type: 'error', code: 'room-forbidden', message: 'You do not have access to this room' });
  }

  #refuse(name: CloseCodeName, code: string, detail: string): void {
    this.#log.info({ code, detail }, 'refused a console message');
    this.send({ type: 'error', code, message: detail });
    this.close(name, code, detail);
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch((error: unknown) => {
      this.#log.error({ err: error }, 'console socket handler failed');
      this.send({ type: 'error', code: 'server-error', message: 'Something went wrong on the server' });
      this.close('serverError', 'server-error');
    });
  }
}
