// Public types of the on-disk outbox. The outbox is generic over messages: a record's
// body is the already-encoded (and already redacted) JSON envelope the transport sends.

/**
 * Priority classes, most urgent first. Delivery follows this order (alerts before
 * older activity); dropping under the byte bound follows the reverse order.
 */
export const OUTBOX_KINDS = ['alert', 'state', 'activity'] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

export interface OutboxRecord {
  /** ULID; also the envelope id the collector dedupes on. */
  id: string;
  kind: OutboxKind;
  /** Epoch milliseconds when the record entered the outbox. */
  enqueuedAt: number;
  /** The encoded envelope, sent verbatim. */
  body: string;
}

export type OutboxInput = Omit<OutboxRecord, 'enqueuedAt'> & { enqueuedAt?: number };

/**
 * `duplicate`: a record with this id is still held (pending or acked but not yet
 * deleted), so nothing was written. `dropped`: the outbox is full of more urgent
 * records and this one was counted as dropped instead of evicting them.
 */
export type EnqueueResult = 'enqueued' | 'duplicate' | 'dropped';

export interface OutboxStats {
  /** Records waiting for an ack. */
  pending: number;
  pendingAlerts: number;
  /** Bytes of pending records (frames on disk); this is what `maxBytes` bounds. */
  bytes: number;
  /** Size of every segment and ack file, including acked records not yet reclaimed. */
  diskBytes: number;
  /** Non-alert records (activity, state) evicted by the byte bound or rejected; persisted. */
  droppedActivity: number;
  /** Alerts evicted (outbox full of alerts alone) or rejected by the collector; persisted. */
  droppedAlerts: number;
  /** Corrupt or torn regions skipped while reading segments; persisted. */
  corruptRecordsSkipped: number;
  /** Segments whose header was unreadable, renamed to `*.corrupt`; persisted. */
  segmentsQuarantined: number;
  /** Records the transport reported as permanently undeliverable; persisted. */
  rejected: number;
  /** Records held in memory because the disk refused them (included in `pending`). */
  heldInMemory: number;
  /** Set while the folder cannot be written (full disk, quota, I/O error): records are held in memory. */
  degraded?: OutboxDegraded;
}

/** Why and since when the outbox has been holding records in memory. */
export interface OutboxDegraded {
  /** The error code the file system gave (`ENOSPC`, `EDQUOT`, `EIO`, ...). */
  reason: string;
  /** Epoch ms of the first failed write. */
  since: number;
}

/** Errors that mean "the folder cannot take writes now", not a bug: the outbox holds records in memory instead. */
const DISK_ERROR_CODES = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS', 'EFBIG', 'EMFILE', 'ENFILE']);

export function diskErrorCode(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && DISK_ERROR_CODES.has(code) ? code : undefined;
}

/** The subset of a pino logger the outbox uses. */
export interface OutboxLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const silentLogger: OutboxLogger = { info() {}, warn() {}, error() {} };

export interface OutboxOptions {
  /** The outbox folder, normally `<stateDir>/outbox`; created if missing. */
  dir: string;
  /** Bound on pending bytes (default 50 MiB). */
  maxBytes?: number;
  /** A segment is sealed and a new one started past this size (default 1 MiB). */
  segmentBytes?: number;
  /** Largest accepted record frame (default 16 MiB, never more than `maxBytes`). */
  maxRecordBytes?: number;
  /** Non-alert writes and acks are fsynced at most this long after they happen (default 1000 ms). */
  fsyncIntervalMs?: number;
  /** Quarantined `*.corrupt` files kept for inspection (default 10, oldest deleted first). */
  keepQuarantined?: number;
  /** Records held in memory while the disk refuses writes (default 500; least urgent evicted first, counted). */
  maxHeldRecords?: number;
  /** Bytes held in memory while the disk refuses writes (default 8 MiB). */
  maxHeldBytes?: number;
  /** How often a degraded outbox tries the disk again (default 5000 ms). */
  retryMs?: number;
  logger?: OutboxLogger;
  now?: () => number;
}

export type OutboxErrorCode = 'closed' | 'invalid-record' | 'record-too-large';

export class OutboxError extends Error {
  readonly code: OutboxErrorCode;
  constructor(code: OutboxErrorCode, message: string) {
    super(message);
    this.name = 'OutboxError';
    this.code = code;
  }
}

const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const LONE_SURROGATE = /\p{Cs}/u;

export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}

/** Rejects caller bugs (not data from the wire) with an `invalid-record` OutboxError. */
export function checkInput(input: OutboxInput, now: () => number): OutboxRecord {
  const { id, kind, body } = input;
  if (!isUlid(id)) throw new OutboxError('invalid-record', `record id is not a ULID: ${String(id)}`);
  if (!OUTBOX_KINDS.includes(kind)) throw new OutboxError('invalid-record', `unknown record kind: ${String(kind)}`);
  if (typeof body !== 'string') throw new OutboxError('invalid-record', 'record body must be a string');
  // UTF-8 cannot carry a lone surrogate: the body would come back altered.
  if (LONE_SURROGATE.test(body)) throw new OutboxError('invalid-record', 'record body contains a lone surrogate');
  const enqueuedAt = input.enqueuedAt ?? now();
  if (!Number.isFinite(enqueuedAt)) throw new OutboxError('invalid-record', 'enqueuedAt must be a finite number');
  return { id, kind, body, enqueuedAt };
}
