import { clipUtf8, closeCodes, MAX_CLOSE_REASON_BYTES } from '@vigil/shared';
import type { AlertFeedServerMessage, AlertNotice } from '@vigil/shared/console';
import { and, count, eq, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger as Logger } from 'fastify';
import type { WebSocket } from 'ws';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { alerts, rooms } from '../db/schema/index.ts';
import type { UserRole } from '../db/schema/index.ts';
import { liveSessionUser } from '../live/live-session.ts';
import { alertScopeCondition, alertScopeFor, type AlertScope } from '../triage/alert-scope.ts';
import type { CategoryCatalog } from '../triage/category-catalog.ts';
import type { AlertFeed, AlertFeedEvent, NewAlertFacts } from './alert-feed.ts';

export interface AlertWatchersOptions {
  readonly db: Db;
  readonly feed: AlertFeed;
  readonly catalog: () => CategoryCatalog;
  readonly log: Logger;
  readonly roles: readonly UserRole[];
  /** Feed events arriving within this window go out as one message (default 150 ms). */
  readonly coalesceMs?: number;
  readonly now?: () => Date;
}

/** A watcher whose browser stopped reading is cut off past this many unsent bytes. */
const maxBufferedBytes = 1024 * 1024;

interface Watcher {
  readonly socket: WebSocket;
  readonly token: string;
  user: AuthUser;
  scope: AlertScope;
  open: boolean;
}

/**
 * The open triage sockets (WS /console/alerts) and what they are told. Feed events are
 * coalesced for a moment (an ingest burst becomes one message), then each watcher gets
 * the new alerts and changed ids within its own scope, with its badge count. Nothing
 * here carries alert content (see shared's alert-feed.schema.ts).
 */
export class AlertWatchers {
  readonly #options: AlertWatchersOptions;
  readonly #watchers = new Set<Watcher>();
  #created: NewAlertFacts[] = [];
  #changed = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #stopFeed: (() => void) | undefined;

  constructor(options: AlertWatchersOptions) {
    this.#options = options;
  }

  start(): void {
    this.#stopFeed = this.#options.feed.on((event) => this.#collect(event));
  }

  get size(): number {
    return this.#watchers.size;
  }

  /** A socket whose upgrade the access gate let in; says hello with the badge count. */
  add(socket: WebSocket, user: AuthUser, token: string): void {
    // Triage staff see their site, or every site when trust-wide (alertScopeFor confirms it below).
    const watcher: Watcher = { socket, token, user, scope: user.siteId === null ? { kind: 'all' } : { kind: 'site', siteId: user.siteId }, open: true };
    this.#watchers.add(watcher);
    socket.on('message', () => this.#close(watcher, closeCodes.malformed, 'not-accepted: this socket only sends'));
    socket.on('error', (error) => this.#options.log.debug({ err: error }, 'triage socket error'));
    socket.on('close', () => {
      watcher.open = false;
      this.#watchers.delete(watcher);
    });
    void this.#guard(async () => {
      watcher.scope = await alertScopeFor(this.#options.db, user);
      this.#send(watcher, { type: 'hello', open: await this.#openCount(watcher.scope) });
    });
  }

  /** Re-checks every watcher's session and scope (a disabled user or ended session is closed with 4401). */
  revalidate(): Promise<void> {
    return this.#guard(async () => {
      const now = (this.#options.now ?? (() => new Date()))();
      for (const watcher of [...this.#watchers]) {
        const user = await liveSessionUser(this.#options.db, watcher.token, this.#options.roles, { now, active: false });
        if (user === undefined) {
          this.#close(watcher, closeCodes.unauthenticated, 'session-ended');
          continue;
        }
        watcher.user = user;
        watcher.scope = await alertScopeFor(this.#options.db, user);
      }
    });
  }

  /** Sends what is pending now (tests and shutdown). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#guard(() => this.#sendPending()));
    return this.#flushing;
  }

  stop(): void {
    this.#stopFeed?.();
    clearTimeout(this.#timer);
    for (const watcher of [...this.#watchers]) {
      watcher.open = false;
      try {
        watcher.socket.close(1001, 'shutting-down');
      } catch {
        watcher.socket.terminate();
      }
    }
    this.#watchers.clear();
  }

  #collect(event: AlertFeedEvent): void {
    if (event.kind === 'created') this.#created.push(...event.alerts);
    else for (const id of event.alertIds) this.#changed.add(id);
    if (this.#watchers.size === 0) {
      // Nobody to tell: do not hold on to it.
      this.#created = [];
      this.#changed.clear();
      return;
    }
    this.#timer ??= setTimeout(() => void this.flush(), this.#options.coalesceMs ?? 150);
  }

  async #sendPending(): Promise<void> {
    const created = this.#created;
    const changedIds = [...this.#changed];
    this.#created = [];
    this.#changed = new Set();
    if (created.length === 0 && changedIds.length === 0) return;
    const watchers = [...this.#watchers].filter((watcher) => watcher.open);
    if (watchers.length === 0) return;
    const { db, catalog } = this.#options;
    const roomIds = [...new Set(created.map((alert) => alert.roomId).filter((id): id is string => id !== null))];
    const roomNames = new Map(
      roomIds.length === 0
        ? []
        : (await db.select({ id: rooms.id, name: rooms.name }).from(rooms).where(inArray(rooms.id, roomIds))).map((row) => [row.id, row.name]),
    );
    const changedRows =
      changedIds.length === 0
        ? []
        : await db.select({ id: alerts.id, siteId: alerts.siteId, roomId: alerts.roomId }).from(alerts).where(inArray(alerts.id, changedIds));
    const categories = catalog();
    const counts = new Map<string, Promise<number>>();
    for (const watcher of watchers) {
      const mine = created.filter((alert) => inScope(watcher.scope, alert));
      const changed = changedRows.filter((row) => inScope(watcher.scope, row)).map((row) => row.id);
      if (mine.length === 0 && changed.length === 0) continue;
      const key = scopeKey(watcher.scope);
      let open = counts.get(key);
      if (open === undefined) {
        open = this.#openCount(watcher.scope);
        counts.set(key, open);
      }
      const notices: AlertNotice[] = mine.map((alert) => {
        const facts = categories.facts(alert.category);
        return {
          id: alert.id,
          severity: alert.severity,
          category: alert.category,
          categoryLabel: facts.label,
          restricted: facts.restricted,
          roomName: alert.roomId === null ? null : (roomNames.get(alert.roomId) ?? null),
          ts: alert.ts,
        };
      });
      this.#send(watcher, { type: 'alerts', created: notices, changed, open: await open });
    }
  }

  async #openCount(scope: AlertScope): Promise<number> {
    const [row] = await this.#options.db
      .select({ n: count() })
      .from(alerts)
      .where(and(eq(alerts.status, 'new'), alertScopeCondition(scope)));
    return row?.n ?? 0;
  }

  #send(watcher: Watcher, message: AlertFeedServerMessage): void {
    const { socket } = watcher;
    if (!watcher.open || socket.readyState !== socket.OPEN) return;
    if (socket.bufferedAmount > maxBufferedBytes) {
      this.#options.log.warn({ buffered: socket.bufferedAmount }, 'triage socket stopped reading; disconnected');
      watcher.open = false;
      socket.terminate();
      return;
    }
    socket.send(JSON.stringify(message));
  }

  #close(watcher: Watcher, code: number, reason: string): void {
    if (!watcher.open) return;
    watcher.open = false;
    this.#watchers.delete(watcher);
    try {
      watcher.socket.close(code, clipUtf8(reason, MAX_CLOSE_REASON_BYTES));
    } catch {
      watcher.socket.terminate();
    }
  }

  /** No failure here may reach the process: it is logged and the socket carries on. */
  async #guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.#options.log.error({ err: error }, 'triage socket update failed');
    }
  }
}

function inScope(scope: AlertScope, alert: { readonly siteId: string; readonly roomId: string | null }): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'site':
      return alert.siteId === scope.siteId;
    case 'rooms':
      return alert.roomId !== null && scope.roomIds.includes(alert.roomId);
    default:
      return false;
  }
}

function scopeKey(scope: AlertScope): string {
  switch (scope.kind) {
    case 'all':
      return 'all';
    case 'site':
      return `site:${scope.siteId}`;
    case 'rooms':
      return `rooms:${[...scope.roomIds].sort().join(',')}`;
    default:
      return 'none';
  }
}
