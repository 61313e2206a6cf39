// IndexedDB plumbing for the extension outbox: schema, promise wrappers, the persisted
// summary and the eviction walk.
//
// Every `await` inside a transaction is on a promise settled by an IDB request event, so
// its continuation runs as a microtask while the transaction is still active; awaiting
// anything else (a timer, fetch) would let the transaction auto-commit half done.
import { OUTBOX_KINDS, OutboxError, type OutboxKind, type OutboxLogger } from '@vigil/agent/outbox-types';
import type { ExtensionOutboxRecord } from './idb-outbox-types.ts';

export const RECORDS = 'records';
export const META = 'meta';
/** Index on [rank, id]: delivery order is lane by lane, oldest ULID first. */
export const LANE_INDEX = 'lane';
export const DB_VERSION = 1;
const SUMMARY_KEY = 'summary';

export interface StoredRecord {
  id: string;
  kind: OutboxKind;
  /** Position of `kind` in OUTBOX_KINDS (0 = alert); first part of the lane index key. */
  rank: number;
  enqueuedAt: number;
  body: string;
  bytes?: Uint8Array;
  /** UTF-8 bytes of `body` plus `bytes.byteLength`: what `maxBytes` bounds. */
  size: number;
}

export interface Stores {
  records: IDBObjectStore;
  meta: IDBObjectStore;
}

export interface LaneTotals {
  count: number;
  bytes: number;
}

/** Kept in the `meta` store and written in the same transaction as every change it reflects. */
export interface Summary {
  lanes: Record<OutboxKind, LaneTotals>;
  droppedActivity: number;
  droppedAlerts: number;
  rejected: number;
}

export const DROP_ORDER: readonly OutboxKind[] = [...OUTBOX_KINDS].reverse();

export function rankOf(kind: OutboxKind): number {
  return OUTBOX_KINDS.indexOf(kind);
}

export function emptySummary(): Summary {
  const lanes = Object.fromEntries(OUTBOX_KINDS.map((k) => [k, { count: 0, bytes: 0 }])) as Record<OutboxKind, LaneTotals>;
  return { lanes, droppedActivity: 0, droppedAlerts: 0, rejected: 0 };
}

export function cloneSummary(s: Summary): Summary {
  const lanes = Object.fromEntries(OUTBOX_KINDS.map((k) => [k, { ...s.lanes[k] }])) as Record<OutboxKind, LaneTotals>;
  return { ...s, lanes };
}

export function totalBytes(s: Summary): number {
  return OUTBOX_KINDS.reduce((sum, k) => sum + s.lanes[k].bytes, 0);
}

export function totalCount(s: Summary): number {
  return OUTBOX_KINDS.reduce((sum, k) => sum + s.lanes[k].count, 0);
}

/** Bytes a new record of `kind` may evict: its own lane and every less urgent one. */
export function evictableBytes(s: Summary, kind: OutboxKind): number {
  return DROP_ORDER.slice(0, DROP_ORDER.indexOf(kind) + 1).reduce((sum, k) => sum + s.lanes[k].bytes, 0);
}

export function countLoss(s: Summary, kind: OutboxKind, n = 1): void {
  if (kind === 'alert') s.droppedAlerts += n;
  else s.droppedActivity += n;
}

/** An IndexedDB failure (quota exceeded, disk error, aborted transaction), naming the operation. */
export class IdbOutboxError extends Error {
  readonly op: string;
  constructor(op: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`outbox ${op} failed: ${detail}`, { cause });
    this.name = 'IdbOutboxError';
    this.op = op;
  }
}

export function opError(op: string, cause: unknown): IdbOutboxError {
  return cause instanceof IdbOutboxError ? cause : new IdbOutboxError(op, cause);
}

export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    // The error event still bubbles and aborts the transaction, which is what we want.
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

export function openDatabase(factory: IDBFactory, name: string, logger: OutboxLogger): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    let req: IDBOpenDBRequest;
    try {
      req = factory.open(name, DB_VERSION);
    } catch (err) {
      reject(opError('open', err));
      return;
    }
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(RECORDS)) {
        db.createObjectStore(RECORDS, { keyPath: 'id' }).createIndex(LANE_INDEX, ['rank', 'id']);
      }
      if (!db.objectStoreNames.contains(META)) db.createObjectStore(META);
    };
    // Another service-worker instance still holds the old version; it closes on versionchange.
    req.onblocked = () => logger.warn({ name }, 'outbox database upgrade waits for an older connection to close');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(opError('open', req.error));
  });
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function parseSummary(value: unknown): Summary | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Partial<Summary>;
  if (!isCount(v.droppedActivity) || !isCount(v.droppedAlerts) || !isCount(v.rejected)) return null;
  const lanes = v.lanes;
  if (typeof lanes !== 'object' || lanes === null) return null;
  for (const k of OUTBOX_KINDS) {
    const lane = lanes[k] as Partial<LaneTotals> | undefined;
    if (!lane || !isCount(lane.count) || !isCount(lane.bytes)) return null;
  }
  return cloneSummary(v as Summary);
}

/**
 * Reads the summary inside a write transaction, so two contexts sharing the database
 * (a service worker and an extension page) never overwrite each other's totals.
 * `verify` (on open) also checks the record count and recounts lanes if they disagree.
 */
export async function loadSummary(records: IDBObjectStore, meta: IDBObjectStore, verify: boolean, logger: OutboxLogger): Promise<Summary> {
  const stored = parseSummary(await request(meta.get(SUMMARY_KEY)));
  if (stored && !verify) return stored;
  const summary = stored ?? emptySummary();
  if (stored && (await request(records.count())) === totalCount(stored)) return summary;
  const recount = emptySummary();
  const req = records.openCursor();
  for (let cursor = await request(req); cursor; cursor = await request(req)) {
    const rec = cursor.value as StoredRecord;
    recount.lanes[rec.kind].count++;
    recount.lanes[rec.kind].bytes += rec.size;
    cursor.continue();
  }
  summary.lanes = recount.lanes;
  // No summary at all is simply a new database; anything else means the meta was damaged.
  if (stored || totalCount(recount) > 0) logger.warn({ pending: totalCount(recount) }, 'outbox summary was missing or stale; recounted the records');
  return summary;
}

export function saveSummary(meta: IDBObjectStore, summary: Summary): void {
  meta.put(summary, SUMMARY_KEY);
}

export interface Victim {
  id: string;
  kind: OutboxKind;
}

/**
 * Deletes the least urgent records (activity, then state, then alerts; oldest first in
 * each lane) until `excess` bytes are freed, never touching lanes more urgent than `kind`.
 * The caller checked with `evictableBytes` that enough can be freed. Updates `summary`.
 */
export async function evict(records: IDBObjectStore, kind: OutboxKind, excess: number, summary: Summary): Promise<Victim[]> {
  const victims: Victim[] = [];
  let left = excess;
  for (const lane of DROP_ORDER.slice(0, DROP_ORDER.indexOf(kind) + 1)) {
    if (left <= 0) break;
    if (summary.lanes[lane].count === 0) continue;
    const rank = rankOf(lane);
    // No IDBKeyRange: it must come from the same implementation as the factory, and the
    // factory is injectable. Jumping the cursor to [rank] does the same job.
    const req = records.index(LANE_INDEX).openCursor();
    let cursor = await request(req);
    if (cursor && rankOfKey(cursor.key) < rank) {
      cursor.continue([rank]);
      cursor = await request(req);
    }
    while (cursor && left > 0 && rankOfKey(cursor.key) === rank) {
      const rec = cursor.value as StoredRecord;
      cursor.delete();
      victims.push({ id: rec.id, kind: rec.kind });
      summary.lanes[rec.kind].count--;
      summary.lanes[rec.kind].bytes -= rec.size;
      countLoss(summary, rec.kind);
      left -= rec.size;
      if (left <= 0) break;
      cursor.continue();
      cursor = await request(req);
    }
  }
  return victims;
}

function rankOfKey(key: IDBValidKey): number {
  return Array.isArray(key) && typeof key[0] === 'number' ? key[0] : -1;
}

export function abortQuietly(tx: IDBTransaction): void {
  try {
    tx.abort();
  } catch {
    // Already aborted by the failing request.
  }
}

export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('transaction aborted'));
  });
}

export function toRecord(rec: StoredRecord): ExtensionOutboxRecord {
  const out: ExtensionOutboxRecord = { id: rec.id, kind: rec.kind, enqueuedAt: rec.enqueuedAt, body: rec.body };
  if (rec.bytes) out.bytes = rec.bytes;
  return out;
}

/** Structured clone stores a view's whole underlying buffer, so a subarray is copied first. */
export function ownBytes(bytes: unknown): Uint8Array | undefined {
  if (bytes === undefined) return undefined;
  if (!(bytes instanceof Uint8Array)) throw new OutboxError('invalid-record', 'record bytes must be a Uint8Array');
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}
