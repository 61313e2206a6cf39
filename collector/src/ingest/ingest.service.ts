import type pg from 'pg';
import type { AlertFeed } from '../alert-feed/alert-feed.ts';
import { ensureMonthlyPartitions } from '../db/partitions.ts';
import type { FastifyBaseLogger as Logger } from 'fastify';
import { toRow, type ActivityRow, type AlertRow, type IdleLockRow, type IngestDevice, type IngestMessage, type RestrictedCategory } from './ingest-rows.ts';
import { insertActivitySpans, insertAlerts, insertIdleLockEvents } from './ingest.repository.ts';

export interface IngestOptions {
  /** A batch is written when it holds this many rows … (default 500) */
  readonly maxBatchRows?: number;
  /** … or this long after its first row arrived, whichever comes first (default 20 ms). */
  readonly maxBatchDelayMs?: number;
  /** Batches written at the same time, each on its own pooled connection (default 4). */
  readonly maxConcurrentWrites?: number;
}

/** Why a message could not be committed; `ingest-rejected` will never succeed, `ingest-unavailable` may later. */
export class IngestError extends Error {
  readonly code: 'ingest-rejected' | 'ingest-unavailable';
  constructor(code: IngestError['code'], message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IngestError';
    this.code = code;
  }
}

export interface IngestStats {
  readonly committedMessages: number;
  readonly insertedRows: number;
  readonly batches: number;
  readonly failedBatches: number;
  readonly lastError: string | undefined;
  /** When writes started failing (epoch ms); undefined while the last write succeeded. */
  readonly failingSince: number | undefined;
}

interface Waiter {
  readonly device: IngestDevice;
  readonly message: IngestMessage;
  readonly resolve: () => void;
  readonly reject: (error: IngestError) => void;
}

class Batch {
  readonly alerts: AlertRow[] = [];
  readonly activity: ActivityRow[] = [];
  readonly idleLock: IdleLockRow[] = [];
  readonly waiters: Waiter[] = [];
}

// Months of activity outside this range (an agent with a wildly wrong clock) stay in the
// default partition instead of creating partitions nobody will ever drop on schedule.
const partitionMonthsBack = 12;
const partitionMonthsAhead = 2;

/**
 * Batched, idempotent ingest. Messages from all agents are collected for up to
 * `maxBatchDelayMs` or `maxBatchRows`, then written with one multi-row
 * INSERT … ON CONFLICT DO NOTHING per table in one transaction; `submit` resolves only
 * after COMMIT, so the gateway acks nothing that is not durable. A replayed id changes
 * nothing and still resolves. If a batch fails, its messages are retried one by one
 * so one bad row cannot hold back the others.
 */
export class IngestService {
  readonly #pool: pg.Pool;
  readonly #ownerPool: pg.Pool;
  readonly #log: Logger;
  readonly #maxRows: number;
  readonly #maxDelayMs: number;
  readonly #maxWrites: number;
  readonly #alertFeed: AlertFeed | undefined;
  readonly #isRestricted: RestrictedCategory | undefined;
  #pending = new Batch();
  #timer: NodeJS.Timeout | undefined;
  readonly #queue: Batch[] = [];
  #writing = 0;
  readonly #idleWaiters: Array<() => void> = [];
  readonly #months = new Map<string, Promise<void>>();
  #stats: { -readonly [K in keyof IngestStats]: IngestStats[K] } = {
    committedMessages: 0,
    insertedRows: 0,
    batches: 0,
    failedBatches: 0,
    lastError: undefined,
    failingSince: undefined,
  };

  /** `ownerPool` (Database.ownerPool) creates monthly partitions, which needs the schema owner. */
  /** `alertFeed` is told of every alert row that was new, after its COMMIT. */
  constructor(options: IngestOptions & { pool: pg.Pool; ownerPool: pg.Pool; log: Logger; alertFeed?: AlertFeed; isRestricted?: RestrictedCategory }) {
    this.#alertFeed = options.alertFeed;
    this.#isRestricted = options.isRestricted;
    this.#pool = options.pool;
    this.#ownerPool = options.ownerPool;
    this.#log = options.log;
    this.#maxRows = options.maxBatchRows ?? 500;
    this.#maxDelayMs = options.maxBatchDelayMs ?? 20;
    this.#maxWrites = options.maxConcurrentWrites ?? 4;
  }

  /** Resolves once the message's row is committed (or was already there). */
  submit(device: IngestDevice, message: IngestMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const batch = this.#pending;
      const entry = toRow(device, message, this.#isRestricted);
      if (entry.table === 'alerts') batch.alerts.push(entry.row);
      else if (entry.table === 'activity') batch.activity.push(entry.row);
      else batch.idleLock.push(entry.row);
      batch.waiters.push({ device, message, resolve, reject });
      if (batch.waiters.length >= this.#maxRows) this.#cut();
      else this.#timer ??= setTimeout(() => this.#cut(), this.#maxDelayMs);
    });
  }

  stats(): IngestStats {
    return { ...this.#stats };
  }

  /** Writes everything submitted so far and waits for it. */
  async drain(): Promise<void> {
    this.#cut();
    if (this.#writing === 0 && this.#queue.length === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  #cut(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.waiters.length === 0) return;
    this.#queue.push(this.#pending);
    this.#pending = new Batch();
    this.#pump();
  }

  #pump(): void {
    while (this.#writing < this.#maxWrites && this.#queue.length > 0) {
      const batch = this.#queue.shift();
      if (batch === undefined) break;
      this.#writing++;
      void this.#write(batch).finally(() => {
        this.#writing--;
        this.#pump();
        if (this.#writing === 0 && this.#queue.length === 0) {
          for (const wake of this.#idleWaiters.splice(0)) wake();
        }
      });
    }
  }

  async #write(batch: Batch): Promise<void> {
    try {
      const inserted = await this.#commit(batch);
      this.#stats.batches++;
      this.#stats.insertedRows += inserted.rows;
      this.#stats.committedMessages += batch.waiters.length;
      this.#stats.failingSince = undefined;
      for (const waiter of batch.waiters) waiter.resolve();
      this.#tellNew(batch, inserted.alertIds);
    } catch (error) {
      this.#stats.failedBatches++;
      this.#stats.lastError = error instanceof Error ? error.message : String(error);
      this.#stats.failingSince ??= Date.now();
      const failure = toIngestError(error);
      if (batch.waiters.length === 1 || failure.code === 'ingest-unavailable') {
        // The database is unreachable or failing: nothing is acked, agents keep their outbox and re-send.
        this.#log.error({ err: error, messages: batch.waiters.length }, 'ingest write failed');
        for (const waiter of batch.waiters) waiter.reject(failure);
        return;
      }
      this.#log.warn({ err: error, messages: batch.waiters.length }, 'ingest batch failed; retrying its messages one by one');
      for (const waiter of batch.waiters) {
        const single = new Batch();
        const entry = toRow(waiter.device, waiter.message, this.#isRestricted);
        if (entry.table === 'alerts') single.alerts.push(entry.row);
        else if (entry.table === 'activity') single.activity.push(entry.row);
        else single.idleLock.push(entry.row);
        single.waiters.push(waiter);
        await this.#write(single);
      }
    }
  }

  #tellNew(batch: Batch, alertIds: readonly string[]): void {
    if (this.#alertFeed === undefined || alertIds.length === 0) return;
    const fresh = new Set(alertIds);
    const alerts = batch.alerts
      .filter((row) => fresh.has(row.id))
      .map(({ id, deviceId, siteId, roomId, category, severity, ts }) => ({ id, deviceId, siteId, roomId, category, severity, ts }));
    this.#alertFeed.emit({ kind: 'created', alerts });
  }

  async #commit(batch: Batch): Promise<{ rows: number; alertIds: string[] }> {
    await this.#ensurePartitions(batch.activity);
    const tables = [batch.alerts, batch.activity, batch.idleLock].filter((rows) => rows.length > 0).length;
    const client = await this.#pool.connect();
    let broken = false;
    try {
      // One table: a single statement is its own transaction, one round trip fewer.
      if (tables > 1) await client.query('begin');
      try {
        const alertIds = await insertAlerts(client, batch.alerts);
        const rows = alertIds.length + (await insertActivitySpans(client, batch.activity)) + (await insertIdleLockEvents(client, batch.idleLock));
        if (tables > 1) await client.query('commit');
        return { rows, alertIds };
      } catch (error) {
        if (tables > 1) await client.query('rollback').catch(() => (broken = true));
        throw error;
      }
    } finally {
      client.release(broken);
    }
  }

  /** Creates the monthly partitions this batch's spans fall in, once per month per process. */
  async #ensurePartitions(rows: readonly ActivityRow[]): Promise<void> {
    if (rows.length === 0) return;
    const now = new Date();
    const waits: Array<Promise<void>> = [];
    for (const month of new Set(rows.map((row) => row.startedAt.slice(0, 7)))) {
      const known = this.#months.get(month);
      if (known !== undefined) {
        waits.push(known);
        continue;
      }
      const start = new Date(`${month}-01T00:00:00Z`);
      const offset = (start.getUTCFullYear() - now.getUTCFullYear()) * 12 + start.getUTCMonth() - now.getUTCMonth();
      if (Number.isNaN(offset) || offset < -partitionMonthsBack || offset > partitionMonthsAhead) continue;
      const ensuring = ensureMonthlyPartitions(this.#ownerPool, start, 0, 0).then(
        () => undefined,
        (error: unknown) => {
          // Not fatal: the rows land in the default partition; try again with a later batch.
          this.#months.delete(month);
          this.#log.warn({ err: error, month }, 'could not create the activity partition');
        },
      );
      this.#months.set(month, ensuring);
      waits.push(ensuring);
    }
    await Promise.all(waits);
  }
}

function toIngestError(error: unknown): IngestError {
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : '';
  // SQLSTATE classes 22 (data exception) and 23 (integrity violation): the row itself is refused.
  const permanent = code.startsWith('22') || code.startsWith('23');
  const message = error instanceof Error ? error.message : String(error);
  return new IngestError(permanent ? 'ingest-rejected' : 'ingest-unavailable', message, { cause: error });
}
