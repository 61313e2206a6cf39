// The agent's on-disk outbox: at-least-once delivery of encoded envelopes across
// crashes, restarts and collector outages. Format and policies: README.md beside this file.
//
// Every operation runs through one serial queue, so the index and the files never see
// interleaved writers; I/O is async so an fsync never stalls the agent's event loop.
import type { FileHandle } from 'node:fs/promises';
import { saveCounters, type OutboxCounters } from './outbox-counters.ts';
import { recoverOutbox } from './outbox-recovery.ts';
import {
  appendAckMark,
  chooseVictims,
  closeSegment,
  createSegmentFile,
  deleteSegmentFiles,
  pendingEntries,
  readRecords,
  writeAll,
  type Entry,
  type Lane,
  type Segment,
} from './outbox-store.ts';
import {
  OUTBOX_KINDS,
  OutboxError,
  checkInput,
  silentLogger,
  type EnqueueResult,
  type OutboxInput,
  type OutboxKind,
  type OutboxLogger,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxStats,
} from './outbox-types.ts';
import { encodeFrame, encodeRecordPayload } from './segment-file.ts';

const MiB = 1024 * 1024;

export class Outbox {
  readonly dir: string;
  readonly #maxBytes: number;
  readonly #segmentBytes: number;
  readonly #maxRecordBytes: number;
  readonly #fsyncIntervalMs: number;
  readonly #logger: OutboxLogger;
  readonly #now: () => number;
  readonly #lanes: Record<OutboxKind, Lane>;
  readonly #byId: Map<string, Entry>;
  readonly #counters: OutboxCounters;
  readonly #listeners = new Set<(kind: OutboxKind) => void>();
  readonly #dirty = new Set<FileHandle>();
  #nextSeq: number;
  #pending = 0;
  #pendingAlerts = 0;
  #bytes = 0;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | null = null;
  #flushTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(options: OutboxOptions, index: Awaited<ReturnType<typeof recoverOutbox>>) {
    this.dir = options.dir;
    this.#maxBytes = options.maxBytes ?? 50 * MiB;
    this.#segmentBytes = options.segmentBytes ?? MiB;
    this.#maxRecordBytes = Math.min(options.maxRecordBytes ?? 16 * MiB, this.#maxBytes);
    this.#fsyncIntervalMs = options.fsyncIntervalMs ?? 1000;
    this.#logger = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    this.#lanes = index.lanes;
    this.#byId = index.byId;
    this.#counters = index.counters;
    this.#nextSeq = index.nextSeq;
    for (const lane of Object.values(this.#lanes)) for (const entry of pendingEntries(lane)) this.#count(entry, lane.kind, +1);
  }

  /** Opens (or creates) the outbox in `options.dir`, recovering whatever a crash left. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const logger = options.logger ?? silentLogger;
    const index = await recoverOutbox(options.dir, logger, options.keepQuarantined ?? 10);
    const outbox = new Outbox(options, index);
    if (index.countersChanged) await saveCounters(options.dir, index.counters, true);
    // A smaller bound than last run applies at once.
    await outbox.#serial(() => outbox.#makeRoom('alert', 0));
    logger.info({ dir: options.dir, pending: outbox.#pending, bytes: outbox.#bytes }, 'outbox opened');
    return outbox;
  }

  /**
   * Appends a record. Alerts are fsynced before this resolves; other kinds are written
   * (so they survive a process crash) and fsynced within `fsyncIntervalMs`.
   * Throws `OutboxError` for an invalid id/kind or an oversized record (caller bugs).
   */
  async enqueue(input: OutboxInput): Promise<EnqueueResult> {
    const { id, kind, body, enqueuedAt } = checkInput(input, this.#now);
    return this.#serial(async () => {
      if (this.#byId.has(id)) return 'duplicate';
      const frame = encodeFrame(encodeRecordPayload(id, enqueuedAt, body));
      if (frame.length > this.#maxRecordBytes) {
        throw new OutboxError('record-too-large', `record of ${frame.length} bytes exceeds the ${this.#maxRecordBytes}-byte limit`);
      }
      if (!(await this.#makeRoom(kind, frame.length))) {
        this.#counters.droppedActivity++;
        await saveCounters(this.dir, this.#counters, false);
        this.#logger.warn({ kind, droppedActivity: this.#counters.droppedActivity }, 'outbox full of more urgent records; dropped the new record');
        return 'dropped';
      }
      await this.#append(this.#lanes[kind], id, enqueuedAt, frame);
      for (const listener of this.#listeners) {
        try {
          listener(kind);
        } catch (err) {
          // The record is safely stored; a listener's bug must not make the caller retry it.
          this.#logger.error({ err }, 'outbox enqueue listener failed');
        }
      }
      return 'enqueued';
    });
  }

  /** Up to `limit` pending records, alerts first, then state, then activity, oldest first within each. */
  peek(limit: number, exclude?: { has(id: string): boolean }): Promise<OutboxRecord[]> {
    return this.#serial(async () => {
      const chosen: Entry[] = [];
      for (const kind of OUTBOX_KINDS) {
        for (const entry of pendingEntries(this.#lanes[kind])) {
          if (chosen.length >= limit) break;
          if (!exclude?.has(entry.id)) chosen.push(entry);
        }
      }
      const { records, damaged } = await readRecords(chosen);
      if (damaged.length > 0) {
        // Damaged on disk after it was written (bad sector, outside interference).
        this.#counters.corruptRecordsSkipped += damaged.length;
        this.#logger.error({ ids: damaged.map((e) => e.id) }, 'outbox records unreadable; skipped them');
        await this.#markDone(damaged, 'drop');
        await saveCounters(this.dir, this.#counters, false);
      }
      return records;
    });
  }

  /** Marks records delivered (the collector committed them). Unknown or already acked ids are ignored. */
  ack(ids: Iterable<string>): Promise<number> {
    const list = [...ids];
    return this.#serial(async () => {
      const entries = this.#pendingByIds(list);
      await this.#markDone(entries, 'ack');
      return entries.length;
    });
  }

  /** Gives up on records the collector can never accept; counted as dropped and rejected. */
  reject(ids: Iterable<string>, reason: string): Promise<number> {
    const list = [...ids];
    return this.#serial(async () => {
      const entries = this.#pendingByIds(list);
      if (entries.length === 0) return 0;
      const alerts = entries.filter((e) => e.seg.kind === 'alert').length;
      this.#counters.rejected += entries.length;
      this.#counters.droppedAlerts += alerts;
      this.#counters.droppedActivity += entries.length - alerts;
      await this.#markDone(entries, 'drop');
      await saveCounters(this.dir, this.#counters, alerts > 0);
      this.#logger.error({ reason, ids: entries.map((e) => e.id), alerts }, 'outbox records rejected as undeliverable');
      return entries.length;
    });
  }

  stats(): OutboxStats {
    let diskBytes = 0;
    for (const lane of Object.values(this.#lanes)) for (const seg of lane.segments) diskBytes += seg.size + seg.ackSize;
    return { pending: this.#pending, pendingAlerts: this.#pendingAlerts, bytes: this.#bytes, diskBytes, ...this.#counters };
  }

  /** Calls `listener` after each record is enqueued (the sender uses it to wake up). */
  onEnqueue(listener: (kind: OutboxKind) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Fsyncs every write and ack not yet durable. */
  flush(): Promise<void> {
    return this.#serial(() => this.#flushNow());
  }

  /** Fsyncs, deletes a fully acked active segment and closes every file. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= this.#serial(async () => {
      await this.#flushNow();
      for (const lane of Object.values(this.#lanes)) {
        const active = lane.active;
        lane.active = null;
        if (active && active.live === 0) await this.#retire(active);
        for (const seg of lane.segments) await closeSegment(seg);
      }
      this.#closed = true;
      this.#listeners.clear();
    });
    return this.#closing;
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#closed) throw new OutboxError('closed', 'the outbox is closed');
      return op();
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #append(lane: Lane, id: string, enqueuedAt: number, frame: Buffer): Promise<void> {
    let seg = lane.active;
    if (seg && seg.entries.length > 0 && seg.size + frame.length > this.#segmentBytes) {
      lane.active = null;
      if (seg.fh && this.#dirty.delete(seg.fh)) await seg.fh.datasync();
      if (seg.live === 0) await this.#retire(seg);
      seg = null;
    }
    if (!seg) {
      seg = await createSegmentFile(this.dir, lane.kind, this.#nextSeq++);
      lane.segments.push(seg);
      lane.active = seg;
    }
    const fh = seg.fh;
    if (!fh) throw new Error('active outbox segment has no open handle');
    try {
      await writeAll(fh, frame, seg.size);
    } catch (err) {
      // The file may now end in a partial frame: never append after it.
      lane.active = null;
      throw err;
    }
    const entry: Entry = { id, seg, offset: seg.size, frameBytes: frame.length, enqueuedAt, done: false };
    seg.entries.push(entry);
    seg.size += frame.length;
    seg.live++;
    this.#byId.set(id, entry);
    this.#count(entry, lane.kind, +1);
    if (lane.kind === 'alert') await fh.datasync();
    else this.#markDirty(fh);
  }

  /** Evicts least urgent pending records until `need` more bytes fit; false if the new record must go instead. */
  async #makeRoom(kind: OutboxKind, need: number): Promise<boolean> {
    const victims = chooseVictims(this.#lanes, kind, this.#bytes + need - this.#maxBytes);
    if (victims === null) return false;
    if (victims.length === 0) return true;
    const alerts = victims.filter((e) => e.seg.kind === 'alert').length;
    this.#counters.droppedAlerts += alerts;
    this.#counters.droppedActivity += victims.length - alerts;
    await this.#markDone(victims, 'drop');
    await saveCounters(this.dir, this.#counters, alerts > 0);
    const log = { dropped: victims.length, alerts, droppedActivity: this.#counters.droppedActivity, droppedAlerts: this.#counters.droppedAlerts };
    if (alerts > 0) this.#logger.error(log, 'outbox full of alerts alone; dropped the oldest alerts');
    else this.#logger.warn(log, 'outbox full; dropped the oldest activity');
    return true;
  }

  #pendingByIds(ids: readonly string[]): Entry[] {
    const entries = new Set<Entry>();
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (entry && !entry.done) entries.add(entry);
    }
    return [...entries];
  }

  async #markDone(entries: readonly Entry[], type: 'ack' | 'drop'): Promise<void> {
    const bySeg = new Map<Segment, string[]>();
    for (const entry of entries) {
      entry.done = true;
      entry.seg.live--;
      this.#count(entry, entry.seg.kind, -1);
      const ids = bySeg.get(entry.seg) ?? [];
      ids.push(entry.id);
      bySeg.set(entry.seg, ids);
    }
    for (const [seg, ids] of bySeg) {
      // A finished sealed segment is deleted outright; its marks would be thrown away.
      if (seg.live === 0 && seg !== this.#lanes[seg.kind].active) await this.#retire(seg);
      else this.#markDirty(await appendAckMark(seg, type, ids));
    }
  }

  async #retire(seg: Segment): Promise<void> {
    const lane = this.#lanes[seg.kind];
    lane.segments = lane.segments.filter((s) => s !== seg);
    for (const entry of seg.entries) if (this.#byId.get(entry.id) === entry) this.#byId.delete(entry.id);
    if (seg.fh) this.#dirty.delete(seg.fh);
    if (seg.ackFh) this.#dirty.delete(seg.ackFh);
    await deleteSegmentFiles(seg);
  }

  #count(entry: Entry, kind: OutboxKind, sign: 1 | -1): void {
    this.#pending += sign;
    this.#bytes += sign * entry.frameBytes;
    if (kind === 'alert') this.#pendingAlerts += sign;
  }

  #markDirty(fh: FileHandle): void {
    this.#dirty.add(fh);
    if (this.#flushTimer) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      if (!this.#closed) this.flush().catch((err: unknown) => this.#logger.error({ err }, 'outbox periodic fsync failed'));
    }, this.#fsyncIntervalMs);
    this.#flushTimer.unref();
  }

  async #flushNow(): Promise<void> {
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
    this.#flushTimer = null;
    const handles = [...this.#dirty];
    this.#dirty.clear();
    for (const fh of handles) await fh.datasync();
  }
}
