// Drains the outbox through a transport: batches of pending records (alerts first), a
// bounded window of batches awaiting the collector's ack, re-send after an ack timeout,
// jittered exponential backoff after transient failures, and a pause while disconnected.
// Delivery is at-least-once; the collector makes it exactly-once by deduping record ids.
import type { Clock } from '../ports.ts';
import { DEFAULT_BACKOFF, backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { Outbox } from './outbox.ts';
import { OutboxError, silentLogger, type OutboxLogger, type OutboxRecord } from './outbox-types.ts';

export type SenderOutbox = Pick<Outbox, 'peek' | 'ack' | 'reject' | 'onEnqueue'>;

/** Thrown by a transport when retrying can never help (the collector refused the records). */
export class PermanentSendError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentSendError';
  }
}

export interface OutboxSenderOptions {
  outbox: SenderOutbox;
  /** Hands records to the transport. Rejecting counts as a failure of the whole batch. */
  send: (records: readonly OutboxRecord[]) => Promise<void>;
  /**
   * `message` (default): records stay in flight until the transport calls `ack(ids)` with
   * the ids from the collector's ack message. `resolve`: `send` resolving means committed.
   */
  ackMode?: 'message' | 'resolve';
  /** Records per `send` call (default 100; the protocol's ack carries at most 1000 ids). */
  batchSize?: number;
  /** Batches sent but not yet acked (default 4). */
  maxInFlight?: number;
  /** Un-acked records become eligible for re-sending after this long (default 30 s). */
  ackTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** Which send errors are worth retrying (default: all but PermanentSendError). */
  isTransient?: (err: unknown) => boolean;
  clock?: Clock;
  random?: () => number;
  logger?: OutboxLogger;
}

export interface OutboxSenderState {
  running: boolean;
  connected: boolean;
  inFlightBatches: number;
  inFlightRecords: number;
  /** Consecutive failures since the last ack (the backoff exponent). */
  attempt: number;
  backingOff: boolean;
}

interface Batch {
  ids: Set<string>;
  timer: { cancel(): void };
  open: boolean;
}

type Timer = { cancel(): void };

const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

export class OutboxSender {
  readonly #outbox: SenderOutbox;
  readonly #send: (records: readonly OutboxRecord[]) => Promise<void>;
  readonly #ackMode: 'message' | 'resolve';
  readonly #batchSize: number;
  readonly #maxInFlight: number;
  readonly #ackTimeoutMs: number;
  readonly #policy: BackoffPolicy;
  readonly #isTransient: (err: unknown) => boolean;
  readonly #clock: Clock;
  readonly #random: () => number;
  readonly #logger: OutboxLogger;
  readonly #inFlight = new Map<string, Batch>();
  readonly #batches = new Set<Batch>();
  #running = false;
  #connected = false;
  #attempt = 0;
  #backoffTimer: Timer | null = null;
  #pumping: Promise<void> | null = null;
  #again = false;
  #unsubscribe: (() => void) | null = null;

  constructor(options: OutboxSenderOptions) {
    this.#outbox = options.outbox;
    this.#send = options.send;
    this.#ackMode = options.ackMode ?? 'message';
    this.#batchSize = options.batchSize ?? 100;
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 30_000;
    this.#policy = options.backoff ?? DEFAULT_BACKOFF;
    this.#isTransient = options.isTransient ?? ((err) => !(err instanceof PermanentSendError));
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts watching the outbox. Nothing is sent until `notifyConnected()`. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe = this.#outbox.onEnqueue(() => this.#kick());
    this.#kick();
  }

  /** Stops sending; records still in flight stay in the outbox and go out after the next start. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#cancelBackoff();
    this.#releaseAll();
    await this.#pumping;
  }

  /** The transport is up (welcome received): send at once, forgetting earlier failures. */
  notifyConnected(): void {
    this.#connected = true;
    this.#attempt = 0;
    this.#cancelBackoff();
    this.#kick();
  }

  /** The transport is down: pause, and treat everything in flight as un-acked. */
  notifyDisconnected(): void {
    this.#connected = false;
    this.#cancelBackoff();
    this.#releaseAll();
  }

  /** Ids the collector acked (committed). Safe to call with ids never sent or already acked. */
  async ack(ids: Iterable<string>): Promise<void> {
    const list = [...ids];
    try {
      // Before releasing the ids from the window, or a concurrent peek could pick them again.
      await this.#outbox.ack(list);
    } catch (err) {
      if (!(err instanceof OutboxError && err.code === 'closed')) this.#logger.error({ err }, 'outbox ack failed');
    }
    this.#release(list);
    this.#attempt = 0;
    this.#kick();
  }

  /**
   * Ids the collector refused for good (an `error` naming the record): dropped from the
   * outbox — logged and counted as rejected — instead of being re-sent forever.
   */
  async reject(ids: Iterable<string>, reason: string): Promise<number> {
    const list = [...ids];
    let dropped = 0;
    try {
      dropped = await this.#outbox.reject(list, reason);
    } catch (err) {
      if (!(err instanceof OutboxError && err.code === 'closed')) this.#logger.error({ err }, 'outbox reject failed');
    }
    this.#release(list);
    this.#kick();
    return dropped;
  }

  #release(ids: readonly string[]): void {
    for (const id of ids) {
      const batch = this.#inFlight.get(id);
      if (!batch) continue;
      this.#inFlight.delete(id);
      batch.ids.delete(id);
      if (batch.ids.size === 0) this.#close(batch);
    }
  }

  state(): OutboxSenderState {
    return {
      running: this.#running,
      connected: this.#connected,
      inFlightBatches: this.#batches.size,
      inFlightRecords: this.#inFlight.size,
      attempt: this.#attempt,
      backingOff: this.#backoffTimer !== null,
    };
  }

  #canSend(): boolean {
    return this.#running && this.#connected && this.#backoffTimer === null && this.#batches.size < this.#maxInFlight;
  }

  #kick(): void {
    if (this.#pumping) {
      this.#again = true;
      return;
    }
    this.#pumping = this.#pump().finally(() => {
      this.#pumping = null;
      if (this.#again) this.#kick();
    });
  }

  async #pump(): Promise<void> {
    do {
      this.#again = false;
      while (this.#canSend()) {
        let records: OutboxRecord[];
        try {
          records = await this.#outbox.peek(this.#batchSize, this.#inFlight);
        } catch (err) {
          if (!(err instanceof OutboxError && err.code === 'closed')) this.#logger.error({ err }, 'outbox peek failed');
          return;
        }
        if (records.length === 0 || !this.#canSend()) break;
        this.#dispatch(records);
      }
    } while (this.#again && this.#canSend());
  }

  #dispatch(records: OutboxRecord[]): void {
    const ids = records.map((r) => r.id);
    const batch: Batch = { ids: new Set(ids), open: true, timer: { cancel() {} } };
    batch.timer = this.#clock.setTimeout(() => this.#expire(batch), this.#ackTimeoutMs);
    this.#batches.add(batch);
    for (const id of ids) this.#inFlight.set(id, batch);
    let sending: Promise<void>;
    try {
      sending = this.#send(records);
    } catch (err) {
      sending = Promise.reject(err);
    }
    sending.then(
      // Even after a timeout: the collector committed them, so a late success still acks.
      () => (this.#ackMode === 'resolve' ? this.ack(ids) : undefined),
      (err: unknown) => this.#failed(batch, ids, err),
    );
  }

  async #failed(batch: Batch, ids: string[], err: unknown): Promise<void> {
    if (!batch.open) return;
    if (!this.#isTransient(err)) {
      try {
        await this.#outbox.reject(ids, err instanceof Error ? err.message : String(err));
      } catch (rejectErr) {
        this.#logger.error({ err: rejectErr }, 'outbox reject failed');
      }
      this.#close(batch);
      this.#kick();
      return;
    }
    this.#logger.warn({ err, records: ids.length, attempt: this.#attempt }, 'outbox send failed; will retry');
    this.#retryLater(batch);
  }

  #expire(batch: Batch): void {
    if (!batch.open) return;
    this.#logger.warn({ records: batch.ids.size, timeoutMs: this.#ackTimeoutMs }, 'no ack from the collector in time; will re-send');
    this.#retryLater(batch);
  }

  #retryLater(batch: Batch): void {
    // Arm the backoff before releasing the ids, so the kick below does not re-send at once.
    if (this.#running && this.#connected && this.#backoffTimer === null) {
      const delay = backoffDelay(this.#attempt, this.#random, this.#policy);
      this.#attempt++;
      this.#backoffTimer = this.#clock.setTimeout(() => {
        this.#backoffTimer = null;
        this.#kick();
      }, delay);
    }
    this.#close(batch);
    this.#kick();
  }

  #close(batch: Batch): void {
    batch.open = false;
    batch.timer.cancel();
    this.#batches.delete(batch);
    for (const id of batch.ids) if (this.#inFlight.get(id) === batch) this.#inFlight.delete(id);
  }

  #releaseAll(): void {
    for (const batch of [...this.#batches]) this.#close(batch);
  }

  #cancelBackoff(): void {
    this.#backoffTimer?.cancel();
    this.#backoffTimer = null;
  }
}
