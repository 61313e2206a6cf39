// The agent's on-disk outbox: at-least-once delivery of encoded envelopes across
// crashes, restarts and collector outages. Format and policies: README.md beside this file.
//
// Every operation runs through one serial queue, so the index and the files never see
// interleaved writers; I/O is async so an fsync never stalls the agent's event loop.
//
// When the folder refuses writes (full disk, quota, I/O error) the outbox degrades instead
// of failing: new records are held in a bounded in-memory queue that `peek` hands to the
// sender like stored ones (so they go straight over the socket), every record the bound
// evicts is counted, and a timer retries the disk, moving held records into segments and
// clearing the degraded flag once writes succeed again.
import type { FileHandle } from 'node:fs/promises';
import { saveCounters, zeroCounters, type OutboxCounters } from './outbox-counters.ts';
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
  diskErrorCode,
  silentLogger,
  type EnqueueResult,
  type OutboxInput,
  type OutboxKind,
  type OutboxLogger,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxDegraded,
  type OutboxStats,
} from './outbox-types.ts';
import { encodeFrame, encodeRecordPayload } from './segment-file.ts';

const MiB = 1024 * 1024;

function emptyLane(kind: OutboxKind): Lane {
  return { kind, segments: [], active: null };
}

/** A record the disk refused, kept in memory until it is written or delivered. */
interface HeldRecord extends OutboxRecord {
  frameBytes: number;
}

const URGENCY: Record<OutboxKind, number> = { alert: 0, state: 1, activity: 2 };

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
  readonly #maxHeldRecords: number;
  readonly #maxHeldBytes: number;
  readonly #retryMs: number;
  /** Records the disk refused, in enqueue order. */
  readonly #held = new Map<string, HeldRecord>();
  #heldBytes = 0;
  #degraded: OutboxDegraded | undefined;
  /** Opened without reading the folder (the scan itself failed): the next retry scans it first. */
  #unrecovered: boolean;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  private constructor(options: OutboxOptions, index: Awaited<ReturnType<typeof recoverOutbox>> & { unrecovered?: boolean }) {
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
    this.#maxHeldRecords = Math.max(1, options.maxHeldRecords ?? 500);
    this.#maxHeldBytes = options.maxHeldBytes ?? 8 * MiB;
    this.#retryMs = options.retryMs ?? 5_000;
    this.#unrecovered = index.unrecovered === true;
    for (const lane of Object.values(this.#lanes)) for (const entry of pendingEntries(lane)) this.#count(entry, lane.kind, +1);
  }

  /** Opens (or creates) the outbox in `options.dir`, recovering whatever a crash left. */
  static async open(options: OutboxOptions): Promise<Outbox> {
    const logger = options.logger ?? silentLogger;
    let index: Awaited<ReturnType<typeof recoverOutbox>> & { unrecovered?: boolean };
    let failure: unknown;
    try {
      index = await recoverOutbox(options.dir, logger, options.keepQuarantined ?? 10);
    } catch (err) {
      // A folder that cannot even be scanned and repaired (full disk, I/O error): run from
      // memory and scan it again when the disk recovers. Its records stay on disk until then.
      if (diskErrorCode(err) === undefined) throw err;
      failure = err;
      index = {
        lanes: { alert: emptyLane('alert'), state: emptyLane('state'), activity: emptyLane('activity') },
        byId: new Map(),
        nextSeq: 1,
        counters: zeroCounters(),
        countersChanged: false,
        unrecovered: true,
      };
    }
    const outbox = new Outbox(options, index);
    if (failure !== undefined) outbox.#enterDegraded(failure);
    if (index.countersChanged) await outbox.#saveCounters(true);
    // A smaller bound than last run applies at once.
    await outbox.#serial(() => outbox.#makeRoom('alert', 0));
    logger.info({ dir: options.dir, pending: outbox.#pending, bytes: outbox.#bytes, degraded: outbox.#degraded }, 'outbox opened');
    return outbox;
  }

  /**
   * Appends a record. Alerts are fsynced before this resolves; other kinds are written
   * (so they survive a process crash) and fsynced within `fsyncIntervalMs`.
   * Throws `OutboxError` for an invalid id/kind or an oversized record (caller bugs).
   */
  async enqueue(input: OutboxInput): Promise<EnqueueResult> {
    const checked = checkInput(input, this.#now);
    return this.#serial(async () => {
      const result = await this.#enqueueNow(checked);
      if (result === 'enqueued') this.#notify(checked.kind);
      return result;
    });
  }

  /**
   * Enqueues `dependency` (an alert's screenshot) and then `record` (the alert naming it) in
   * one step, so the sender never sees one without the other; when the dependency cannot be
   * kept (dropped: no room on disk or in memory), `fallback` (the alert without the reference)
   * is enqueued instead, so nothing ever names a record that will never arrive.
   */
  async enqueueWith(dependency: OutboxInput, record: OutboxInput, fallback: OutboxInput): Promise<{ dependency: EnqueueResult; record: EnqueueResult }> {
    const [dep, rec, alt] = [checkInput(dependency, this.#now), checkInput(record, this.#now), checkInput(fallback, this.#now)];
    return this.#serial(async () => {
      const depResult = await this.#enqueueNow(dep);
      const chosen = depResult === 'dropped' ? alt : rec;
      const recResult = await this.#enqueueNow(chosen);
      if (depResult === 'enqueued') this.#notify(dep.kind);
      if (recResult === 'enqueued') this.#notify(chosen.kind);
      return { dependency: depResult, record: recResult };
    });
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

  async #enqueueNow({ id, kind, body, enqueuedAt }: OutboxRecord): Promise<EnqueueResult> {
    if (this.#byId.has(id) || this.#held.has(id)) return 'duplicate';
    const frame = encodeFrame(encodeRecordPayload(id, enqueuedAt, body));
    if (frame.length > this.#maxRecordBytes) {
      throw new OutboxError('record-too-large', `record of ${frame.length} bytes exceeds the ${this.#maxRecordBytes}-byte limit`);
    }
    const record: HeldRecord = { id, kind, body, enqueuedAt, frameBytes: frame.length };
    // While degraded, new records queue behind the held ones (the retry timer writes them in order).
    return this.#degraded !== undefined ? this.#hold(record) : this.#store(record, frame);
  }

  /** Up to `limit` pending records, alerts first, then state, then activity, oldest first within each. */
  peek(limit: number, exclude?: { has(id: string): boolean }): Promise<OutboxRecord[]> {
    return this.#serial(async () => {
      const chosen: Entry[] = [];
      const heldChosen: OutboxRecord[] = [];
      for (const kind of OUTBOX_KINDS) {
        for (const entry of pendingEntries(this.#lanes[kind])) {
          if (chosen.length + heldChosen.length >= limit) break;
          if (!exclude?.has(entry.id)) chosen.push(entry);
        }
        for (const held of this.#held.values()) {
          if (chosen.length + heldChosen.length >= limit) break;
          if (held.kind === kind && !exclude?.has(held.id)) heldChosen.push({ id: held.id, kind: held.kind, enqueuedAt: held.enqueuedAt, body: held.body });
        }
      }
      const { records: stored, damaged } = await readRecords(chosen);
      // Stored records of a kind first, then the held ones (newer), still alerts first overall.
      const records = [...stored, ...heldChosen].sort((a, b) => URGENCY[a.kind] - URGENCY[b.kind]);
      if (damaged.length > 0) {
        // Damaged on disk after it was written (bad sector, outside interference).
        this.#counters.corruptRecordsSkipped += damaged.length;
        this.#logger.error({ ids: damaged.map((e) => e.id) }, 'outbox records unreadable; skipped them');
        await this.#markDone(damaged, 'drop');
        await this.#saveCounters(false);
      }
      return records;
    });
  }

  /** Marks records delivered (the collector committed them). Unknown or already acked ids are ignored. */
  ack(ids: Iterable<string>): Promise<number> {
    const list = [...ids];
    return this.#serial(async () => {
      let held = 0;
      for (const id of list) if (this.#unhold(id) !== undefined) held++;
      const entries = this.#pendingByIds(list);
      await this.#markDone(entries, 'ack');
      return entries.length + held;
    });
  }

  /** Gives up on records the collector can never accept; counted as dropped and rejected. */
  reject(ids: Iterable<string>, reason: string): Promise<number> {
    const list = [...ids];
    return this.#serial(async () => {
      const held = list.map((id) => this.#unhold(id)).filter((r) => r !== undefined);
      const entries = this.#pendingByIds(list);
      if (entries.length + held.length === 0) return 0;
      const kinds = [...entries.map((e) => ({ kind: e.seg.kind })), ...held];
      const alerts = kinds.filter((r) => r.kind === 'alert').length;
      this.#counters.rejected += kinds.length;
      this.#countDropped(kinds);
      await this.#markDone(entries, 'drop');
      await this.#saveCounters(alerts > 0);
      this.#logger.error({ reason, ids: [...entries.map((e) => e.id), ...held.map((r) => r.id)], alerts }, 'outbox records rejected as undeliverable');
      return kinds.length;
    });
  }

  /** Another write to the same folder failed for lack of space: degrade now (the retry timer checks when it is writable again). */
  noteDiskError(err: unknown): void {
    if (diskErrorCode(err) !== undefined && !this.#closed) this.#enterDegraded(err);
  }

  /** Counts records a caller lost before they reached the outbox (e.g. an enqueue that failed), so heartbeats report them. */
  countDropped(kind: OutboxKind, count = 1): void {
    this.#countDropped(Array.from({ length: count }, () => ({ kind })));
  }

  stats(): OutboxStats {
    let diskBytes = 0;
    for (const lane of Object.values(this.#lanes)) for (const seg of lane.segments) diskBytes += seg.size + seg.ackSize;
    let heldAlerts = 0;
    for (const held of this.#held.values()) if (held.kind === 'alert') heldAlerts++;
    return {
      pending: this.#pending + this.#held.size,
      pendingAlerts: this.#pendingAlerts + heldAlerts,
      bytes: this.#bytes + this.#heldBytes,
      diskBytes,
      ...this.#counters,
      heldInMemory: this.#held.size,
      ...(this.#degraded === undefined ? {} : { degraded: { ...this.#degraded } }),
    };
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
      if (this.#retryTimer) clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
      if (this.#held.size > 0) this.#logger.error({ held: this.#held.size }, 'outbox closed while the disk refused writes: records held in memory are lost');
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

  /** Writes a record to its segment; a disk that refuses the write degrades the outbox and the record is held in memory. */
  async #store(record: HeldRecord, frame: Buffer): Promise<EnqueueResult> {
    try {
      if (!(await this.#makeRoom(record.kind, frame.length))) {
        this.#counters.droppedActivity++;
        await this.#saveCounters(false);
        this.#logger.warn({ kind: record.kind, droppedActivity: this.#counters.droppedActivity }, 'outbox full of more urgent records; dropped the new record');
        return 'dropped';
      }
      await this.#append(this.#lanes[record.kind], record.id, record.enqueuedAt, frame);
      return 'enqueued';
    } catch (err) {
      if (diskErrorCode(err) === undefined) throw err;
      this.#enterDegraded(err);
      // Written but its fsync failed: it is in the index already, and will be sent from there.
      if (this.#byId.has(record.id)) return 'enqueued';
      return this.#hold(record);
    }
  }

  /** Keeps a record in memory within the bounds, evicting less urgent (then older) held records first. */
  #hold(record: HeldRecord): EnqueueResult {
    while (this.#held.size + 1 > this.#maxHeldRecords || this.#heldBytes + record.frameBytes > this.#maxHeldBytes) {
      const victim = this.#heldVictim(record.kind);
      if (victim === undefined) {
        this.#countDropped([record]);
        this.#logger.error(
          { kind: record.kind, held: this.#held.size, droppedAlerts: this.#counters.droppedAlerts, droppedActivity: this.#counters.droppedActivity },
          'disk full and the in-memory queue is full of more urgent records; dropped the new record',
        );
        return 'dropped';
      }
      this.#unhold(victim.id);
      this.#countDropped([victim]);
      const log = { kind: victim.kind, droppedAlerts: this.#counters.droppedAlerts, droppedActivity: this.#counters.droppedActivity };
      if (victim.kind === 'alert') this.#logger.error(log, 'disk full and the in-memory queue is full of alerts; dropped the oldest alert');
      else this.#logger.warn(log, 'disk full and the in-memory queue is full; dropped the oldest held record');
    }
    this.#held.set(record.id, record);
    this.#heldBytes += record.frameBytes;
    return 'enqueued';
  }

  /** The least urgent, oldest held record no more urgent than `kind`. */
  #heldVictim(kind: OutboxKind): HeldRecord | undefined {
    let victim: HeldRecord | undefined;
    for (const held of this.#held.values()) {
      if (URGENCY[held.kind] < URGENCY[kind]) continue;
      if (victim === undefined || URGENCY[held.kind] > URGENCY[victim.kind]) victim = held;
    }
    return victim;
  }

  #unhold(id: string): HeldRecord | undefined {
    const held = this.#held.get(id);
    if (held === undefined) return undefined;
    this.#held.delete(id);
    this.#heldBytes -= held.frameBytes;
    return held;
  }

  /** Counted in memory; persisted with the next counters write that succeeds. */
  #countDropped(records: readonly { kind: OutboxKind }[]): void {
    const alerts = records.filter((r) => r.kind === 'alert').length;
    this.#counters.droppedAlerts += alerts;
    this.#counters.droppedActivity += records.length - alerts;
  }

  #enterDegraded(err: unknown): void {
    if (this.#degraded === undefined) {
      this.#degraded = { reason: diskErrorCode(err) ?? 'EIO', since: this.#now() };
      this.#logger.error({ err, dir: this.dir }, 'outbox folder refuses writes: holding records in memory and sending them straight');
    }
    this.#scheduleRetry();
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== null || this.#closed) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (this.#closed || this.#closing !== null) return;
      this.retryDisk().catch((err: unknown) => this.#logger.error({ err }, 'outbox disk retry failed'));
    }, this.#retryMs);
    this.#retryTimer.unref();
  }

  /**
   * Tries the disk again (a timer does this every `retryMs` while degraded): held records
   * are written in order, and the degraded flag clears once all of them and the counters
   * are on disk. Resolves true when the outbox is no longer degraded.
   */
  retryDisk(): Promise<boolean> {
    return this.#serial(async () => {
      if (this.#degraded === undefined) return true;
      try {
        if (this.#unrecovered) await this.#recoverNow();
        for (const record of [...this.#held.values()]) {
          const frame = encodeFrame(encodeRecordPayload(record.id, record.enqueuedAt, record.body));
          if (await this.#makeRoom(record.kind, frame.length)) await this.#append(this.#lanes[record.kind], record.id, record.enqueuedAt, frame);
          else this.#countDropped([record]);
          this.#unhold(record.id);
        }
        await saveCounters(this.dir, this.#counters, true);
      } catch (err) {
        if (diskErrorCode(err) === undefined) throw err;
        // Written but not fsynced: indexed already, so it is no longer held.
        for (const id of [...this.#held.keys()]) if (this.#byId.has(id)) this.#unhold(id);
        this.#scheduleRetry();
        return false;
      }
      this.#logger.info({ dir: this.dir, degradedSince: this.#degraded.since, pending: this.#pending }, 'outbox folder writable again; held records stored');
      this.#degraded = undefined;
      return true;
    });
  }

  /** The scan `open` could not do: what a previous run left on disk joins what this run holds. */
  async #recoverNow(): Promise<void> {
    const index = await recoverOutbox(this.dir, this.#logger, 10);
    for (const [kind, lane] of Object.entries(index.lanes) as [OutboxKind, Lane][]) {
      this.#lanes[kind].segments = lane.segments;
      this.#lanes[kind].active = null;
      for (const entry of pendingEntries(lane)) if (!this.#held.has(entry.id)) this.#count(entry, kind, +1);
    }
    for (const [id, entry] of index.byId) if (!this.#held.has(id)) this.#byId.set(id, entry);
    for (const key of Object.keys(index.counters) as (keyof OutboxCounters)[]) this.#counters[key] += index.counters[key];
    this.#nextSeq = Math.max(this.#nextSeq, index.nextSeq);
    this.#unrecovered = false;
  }

  /** Saves the loss counters; a disk that refuses keeps them in memory (sent in heartbeats) and degrades. */
  async #saveCounters(durable: boolean): Promise<void> {
    try {
      await saveCounters(this.dir, this.#counters, durable);
    } catch (err) {
      if (diskErrorCode(err) === undefined) throw err;
      this.#enterDegraded(err);
    }
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
    await this.#saveCounters(alerts > 0);
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
      else {
        try {
          this.#markDirty(await appendAckMark(seg, type, ids));
        } catch (err) {
          // A lost mark costs only a re-send after a restart (the collector dedupes).
          if (diskErrorCode(err) === undefined) throw err;
          this.#enterDegraded(err);
        }
      }
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
    for (const fh of handles) {
      try {
        await fh.datasync();
      } catch (err) {
        // Written but not durable (a power cut could lose it); the process keeps it and sends it.
        if (diskErrorCode(err) === undefined) throw err;
        this.#enterDegraded(err);
      }
    }
  }
}
