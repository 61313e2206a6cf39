// The extension's outbox: the desktop agent's delivery rules (README.md beside this file)
// kept in IndexedDB, so records survive the MV3 service worker being stopped, a browser
// restart and offline periods. Usable as the `outbox` of the desktop agent's OutboxSender.
//
// Every operation runs through one serial queue: the in-memory summary behind `stats()`
// and the eviction decisions must never see two writers interleave.
import { OutboxError, checkInput, silentLogger, type EnqueueResult, type OutboxKind, type OutboxLogger } from '@vigil/agent/outbox-types';
import type { ExtensionOutboxRecord, ExtensionOutboxStats, IdbOutboxInput, IdbOutboxOptions } from './idb-outbox-types.ts';
import {
  LANE_INDEX,
  META,
  RECORDS,
  abortQuietly,
  committed,
  countLoss,
  emptySummary,
  evict,
  evictableBytes,
  loadSummary,
  opError,
  openDatabase,
  ownBytes,
  rankOf,
  request,
  saveSummary,
  toRecord,
  totalBytes,
  totalCount,
  type StoredRecord,
  type Stores,
  type Summary,
  type Victim,
} from './idb-store.ts';

export type { ExtensionOutboxRecord, ExtensionOutboxStats, IdbOutboxInput, IdbOutboxOptions } from './idb-outbox-types.ts';
export { IdbOutboxError } from './idb-store.ts';

const MiB = 1024 * 1024;

const encoder = new TextEncoder();

export class IdbOutbox {
  readonly #db: IDBDatabase;
  readonly #maxBytes: number;
  readonly #now: () => number;
  readonly #logger: OutboxLogger;
  readonly #listeners = new Set<(kind: OutboxKind) => void>();
  #summary: Summary = emptySummary();
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | null = null;

  private constructor(db: IDBDatabase, options: IdbOutboxOptions) {
    this.#db = db;
    this.#maxBytes = options.maxBytes ?? 20 * MiB;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger ?? silentLogger;
    // A newer service-worker instance (or a schema upgrade) wants the database: step aside.
    db.onversionchange = () => {
      this.#logger.warn({}, 'outbox database wanted by a newer connection; closing this one');
      this.#markClosed();
    };
    // The browser closed the connection itself (storage cleared, disk failure).
    db.onclose = () => {
      this.#logger.error({}, 'outbox database connection closed by the browser');
      this.#closed = true;
    };
  }

  /** Opens (or creates) the outbox database and applies the byte bound at once. */
  static async open(options: IdbOutboxOptions = {}): Promise<IdbOutbox> {
    const factory = options.indexedDB ?? globalThis.indexedDB;
    if (!factory) throw new Error('outbox open failed: IndexedDB is not available');
    const logger = options.logger ?? silentLogger;
    const db = await openDatabase(factory, options.dbName ?? 'vigil-outbox', logger);
    const outbox = new IdbOutbox(db, options);
    try {
      // A smaller bound than last run applies at once.
      const victims = await outbox.#write('open', 'strict', true, (stores, summary) => outbox.#makeRoom(stores, summary, 'alert', 0));
      outbox.#logEviction(victims);
    } catch (err) {
      db.close();
      throw err;
    }
    logger.info({ pending: outbox.stats().pending, bytes: outbox.stats().bytes }, 'outbox opened');
    return outbox;
  }

  /**
   * Stores a record; resolves once its transaction has committed (durability 'strict' for
   * alerts). Rejects with an OutboxError for a caller bug (non-ULID id, unknown kind,
   * bad `bytes`, a record larger than `maxBytes`).
   */
  async enqueue(input: IdbOutboxInput): Promise<EnqueueResult> {
    const { id, kind, body, enqueuedAt } = checkInput(input, this.#now);
    const bytes = ownBytes(input.bytes);
    const size = encoder.encode(body).byteLength + (bytes?.byteLength ?? 0);
    if (size > this.#maxBytes) {
      throw new OutboxError('record-too-large', `record of ${size} bytes exceeds the ${this.#maxBytes}-byte outbox bound`);
    }
    const record: StoredRecord = { id, kind, rank: rankOf(kind), enqueuedAt, body, size, ...(bytes ? { bytes } : {}) };
    const durability = kind === 'alert' ? 'strict' : 'relaxed';
    const outcome = await this.#write('enqueue', durability, false, async ({ records }, summary) => {
      if ((await request(records.getKey(id))) !== undefined) return { result: 'duplicate' as const, victims: [] };
      const excess = totalBytes(summary) + size - this.#maxBytes;
      if (excess > evictableBytes(summary, kind)) {
        // Never evict a more urgent record: the newcomer is the one lost.
        countLoss(summary, kind);
        return { result: 'dropped' as const, victims: [] };
      }
      const victims = excess > 0 ? await evict(records, kind, excess, summary) : [];
      await request(records.add(record));
      summary.lanes[kind].count++;
      summary.lanes[kind].bytes += size;
      return { result: 'enqueued' as const, victims };
    });
    this.#logEviction(outcome.victims);
    if (outcome.result === 'dropped') {
      const { droppedActivity, droppedAlerts } = this.#summary;
      this.#logger.warn({ kind, droppedActivity, droppedAlerts }, 'outbox full of more urgent records; dropped the new record');
    }
    if (outcome.result === 'enqueued') this.#notify(kind);
    return outcome.result;
  }

  /** Up to `limit` pending records, alerts first, then state, then activity, oldest id first in each. */
  peek(limit: number, exclude?: { has(id: string): boolean }): Promise<ExtensionOutboxRecord[]> {
    return this.#serial('peek', async () => {
      const out: ExtensionOutboxRecord[] = [];
      if (limit <= 0) return out;
      const tx = this.#transaction('peek', [RECORDS], 'readonly');
      const records = tx.objectStore(RECORDS);
      // Keys only: records in flight (often screenshots) are skipped without being read.
      const req = records.index(LANE_INDEX).openKeyCursor();
      for (let cursor = await request(req); cursor; cursor = await request(req)) {
        const id = cursor.primaryKey as string;
        if (!exclude?.has(id)) {
          const rec = (await request(records.get(id))) as StoredRecord | undefined;
          if (rec) out.push(toRecord(rec));
          if (out.length >= limit) break;
        }
        cursor.continue();
      }
      return out;
    });
  }

  /** Deletes delivered records; unknown ids are ignored. Resolves with the number deleted. */
  ack(ids: Iterable<string>): Promise<number> {
    const list = [...new Set(ids)];
    return this.#write('ack', 'relaxed', false, async ({ records }, summary) => (await this.#remove(records, summary, list)).length);
  }

  /** Gives up on records the collector can never accept: removed, counted as rejected and dropped, logged. */
  async reject(ids: Iterable<string>, reason: string): Promise<number> {
    const list = [...new Set(ids)];
    const removed = await this.#write('reject', 'strict', false, async ({ records }, summary) => {
      const gone = await this.#remove(records, summary, list);
      summary.rejected += gone.length;
      for (const victim of gone) countLoss(summary, victim.kind);
      return gone;
    });
    if (removed.length > 0) {
      const alerts = removed.filter((v) => v.kind === 'alert').length;
      this.#logger.error({ reason, ids: removed.map((v) => v.id), alerts }, 'outbox records rejected as undeliverable');
    }
    return removed.length;
  }

  /** Calls `listener` after each record is committed (the sender uses it to wake up). */
  onEnqueue(listener: (kind: OutboxKind) => void): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** From the summary committed with the last change this instance made. */
  stats(): ExtensionOutboxStats {
    const s = this.#summary;
    return {
      pending: totalCount(s),
      pendingAlerts: s.lanes.alert.count,
      bytes: totalBytes(s),
      droppedActivity: s.droppedActivity,
      droppedAlerts: s.droppedAlerts,
      rejected: s.rejected,
    };
  }

  /** Waits for queued operations, then closes the connection. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#queue.then(() => {
      this.#markClosed();
      this.#listeners.clear();
    });
    return this.#closing;
  }

  async #remove(records: IDBObjectStore, summary: Summary, ids: readonly string[]): Promise<Victim[]> {
    const gone: Victim[] = [];
    for (const id of ids) {
      // A non-string key would throw DataError and abort the whole batch.
      if (typeof id !== 'string') continue;
      const rec = (await request(records.get(id))) as StoredRecord | undefined;
      if (!rec) continue;
      records.delete(id);
      summary.lanes[rec.kind].count--;
      summary.lanes[rec.kind].bytes -= rec.size;
      gone.push({ id, kind: rec.kind });
    }
    return gone;
  }

  async #makeRoom(stores: Stores, summary: Summary, kind: OutboxKind, need: number): Promise<Victim[]> {
    const excess = totalBytes(summary) + need - this.#maxBytes;
    return excess > 0 ? evict(stores.records, kind, excess, summary) : [];
  }

  /**
   * Runs `body` in one readwrite transaction with a working copy of the persisted summary,
   * saves the summary in the same transaction, and adopts it only once the transaction
   * has committed (an aborted one leaves memory as it was).
   */
  #write<T>(op: string, durability: IDBTransactionDurability, verify: boolean, body: (stores: Stores, summary: Summary) => Promise<T>): Promise<T> {
    return this.#serial(op, async () => {
      const tx = this.#transaction(op, [RECORDS, META], 'readwrite', durability);
      const done = committed(tx);
      done.catch(() => undefined); // awaited below; this only stops an early abort going unhandled
      const stores = { records: tx.objectStore(RECORDS), meta: tx.objectStore(META) };
      let summary: Summary;
      let result: T;
      try {
        summary = await loadSummary(stores.records, stores.meta, verify, this.#logger);
        result = await body(stores, summary);
        saveSummary(stores.meta, summary);
      } catch (err) {
        // Otherwise the requests made so far would auto-commit without the summary.
        abortQuietly(tx);
        throw err;
      }
      await done;
      this.#summary = summary;
      return result;
    });
  }

  #transaction(op: string, stores: string[], mode: IDBTransactionMode, durability: IDBTransactionDurability = 'default'): IDBTransaction {
    if (this.#closed) throw new OutboxError('closed', 'the outbox is closed');
    try {
      return this.#db.transaction(stores, mode, { durability });
    } catch (err) {
      // The connection went away between the check above and here (versionchange).
      if (this.#closed) throw new OutboxError('closed', 'the outbox is closed');
      throw opError(op, err);
    }
  }

  #serial<T>(op: string, fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(async () => {
      try {
        return await fn();
      } catch (err) {
        throw err instanceof OutboxError ? err : opError(op, err);
      }
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #markClosed(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#db.close();
  }

  #notify(kind: OutboxKind): void {
    for (const listener of this.#listeners) {
      try {
        listener(kind);
      } catch (err) {
        // The record is safely stored; a listener's bug must not make the caller retry it.
        this.#logger.error({ err }, 'outbox enqueue listener failed');
      }
    }
  }

  #logEviction(victims: readonly Victim[]): void {
    if (victims.length === 0) return;
    const alerts = victims.filter((v) => v.kind === 'alert').length;
    const { droppedActivity, droppedAlerts } = this.#summary;
    const log = { dropped: victims.length, alerts, droppedActivity, droppedAlerts };
    if (alerts > 0) this.#logger.error(log, 'outbox full of alerts alone; dropped the oldest alerts');
    else this.#logger.warn(log, 'outbox full; dropped the oldest activity');
  }
}
