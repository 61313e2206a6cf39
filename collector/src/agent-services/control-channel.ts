// Changes that agents must hear about (a policy saved, a device locked, custom word-list
// entries edited) are announced with PostgreSQL NOTIFY inside the transaction that makes
// them, so the announcement goes out only on commit. Every collector node LISTENs and
// pushes to the agents connected to it; so does the node that made the change, and so do
// changes made by `vigil admin` in another process.
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { z } from 'zod';
import type { Db } from '../db/database.ts';
import { policyScopes } from '../db/schema/index.ts';
import type { ServiceLog } from './service-log.ts';

export const controlChannel = 'vigil_agent_control';

const ulidLike = z.string().min(1).max(64);

export const controlEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('policy'), scope: z.enum(policyScopes), scopeId: ulidLike }),
  z.object({ kind: z.literal('lock'), deviceIds: z.array(ulidLike).min(1).max(200) }),
  z.object({ kind: z.literal('wordlist') }),
]);

export type ControlEvent = z.infer<typeof controlEventSchema>;

/** NOTIFY payloads must stay under 8000 bytes: 200 ULIDs are about 6 KB. */
const maxIdsPerEvent = 200;

/** Queues the NOTIFY on `db` (a transaction: sent at commit). Long device lists are split. */
export async function notifyControl(db: Pick<Db, 'execute'>, event: ControlEvent): Promise<void> {
  const events: ControlEvent[] = [];
  if (event.kind === 'lock') {
    for (let start = 0; start < event.deviceIds.length; start += maxIdsPerEvent) {
      events.push({ kind: 'lock', deviceIds: event.deviceIds.slice(start, start + maxIdsPerEvent) });
    }
  } else {
    events.push(event);
  }
  for (const one of events) await db.execute(sql`select pg_notify(${controlChannel}, ${JSON.stringify(one)})`);
}

export interface ControlListenerOptions {
  /** Its connection settings are used for the listening connection (which is not pooled). */
  readonly pool: pg.Pool;
  readonly log: ServiceLog;
  /** Handles one event; events are handled one at a time, in the order they arrived. */
  readonly onEvent: (event: ControlEvent) => Promise<void>;
  /** After a lost connection is back: events may have been missed, so re-push everything. */
  readonly onResync: () => Promise<void>;
  readonly retryMs?: number;
}

/**
 * Holds one connection in LISTEN for the app's lifetime and reconnects (with backoff up
 * to 30 s) when it is lost. Its own client, not a pooled one: a client checked out for
 * good would make `pool.end()` wait forever and take a slot from queries. Handlers run strictly in order: each re-reads the
 * current state, so an older push can never overtake a newer one.
 */
export class ControlListener {
  readonly #options: ControlListenerOptions;
  #client: pg.Client | undefined;
  #queue: Promise<void> = Promise.resolve();
  #retryTimer: NodeJS.Timeout | undefined;
  #retryMs: number;
  #closed = false;
  #lastError: string | undefined;

  constructor(options: ControlListenerOptions) {
    this.#options = options;
    this.#retryMs = options.retryMs ?? 1_000;
  }

  /** Listening now (false while reconnecting). */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** Starts listening; a failure is logged and retried, never thrown. */
  async start(): Promise<void> {
    await this.#connect(false);
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => undefined);
    await this.#queue;
  }

  async #connect(isRetry: boolean): Promise<void> {
    const { pool, log } = this.#options;
    if (this.#closed) return;
    const client = new pg.Client({ ...pool.options, application_name: 'vigil-collector-control' });
    client.on('notification', (message) => this.#receive(message.channel, message.payload));
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`listen ${controlChannel}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      this.#lost(undefined, error);
      return;
    }
    if (this.#closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.#client = client;
    this.#lastError = undefined;
    this.#retryMs = this.#options.retryMs ?? 1_000;
    if (isRetry) {
      log.info('agent control channel listening again; re-pushing state to connected agents');
      this.#enqueue(() => this.#options.onResync());
    }
  }

  #lost(client: pg.Client | undefined, error: unknown): void {
    if (client !== undefined && client !== this.#client) return;
    if (client !== undefined) {
      this.#client = undefined;
      void client.end().catch(() => undefined);
    }
    if (this.#closed) return;
    this.#lastError = error instanceof Error ? error.message : String(error);
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, 30_000);
    this.#options.log.warn({ err: error, retryMs: delay }, 'agent control channel lost; pushes to agents paused until it is back');
    this.#retryTimer = setTimeout(() => void this.#connect(true), delay);
    // The server keeps a collector alive; a retry alone must not keep a finished process up.
    this.#retryTimer.unref();
  }

  #receive(channel: string, payload: string | undefined): void {
    if (channel !== controlChannel || payload === undefined) return;
    let raw: unknown;
    try {
      raw = JSON.parse(payload);
    } catch {
      raw = undefined;
    }
    const parsed = controlEventSchema.safeParse(raw);
    if (!parsed.success) {
      this.#options.log.warn({ payload: payload.slice(0, 200) }, 'ignored a malformed agent control event');
      return;
    }
    this.#enqueue(() => this.#options.onEvent(parsed.data));
  }

  #enqueue(work: () => Promise<void>): void {
    this.#queue = this.#queue.then(work).catch((error: unknown) => {
      this.#options.log.error({ err: error }, 'pushing an agent control event failed');
    });
  }
}
