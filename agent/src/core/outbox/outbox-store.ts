// The outbox's in-memory index and the file operations on segments and ack logs.
// One lane per priority class; each lane is an ordered list of segment files, of which
// only the newest (`active`) is ever appended to. Segments found on disk at open are
// sealed: a restart always starts a fresh segment, so a torn tail is never written after.
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { OUTBOX_KINDS, type OutboxKind, type OutboxRecord } from './outbox-types.ts';
import { decodeRecordPayload, encodeAckPayload, encodeFrame, encodeHeader, payloadOfFrame, type AckType } from './segment-file.ts';

export interface Entry {
  id: string;
  seg: Segment;
  offset: number;
  frameBytes: number;
  enqueuedAt: number;
  /** Acked, dropped or rejected: no longer pending, kept until the segment is deleted. */
  done: boolean;
}

export interface Segment {
  kind: OutboxKind;
  seq: number;
  path: string;
  ackPath: string;
  size: number;
  ackSize: number;
  entries: Entry[];
  /** Entries not yet done. */
  live: number;
  /** Entries before this index are all done (advanced lazily). */
  cursor: number;
  fh: FileHandle | null;
  ackFh: FileHandle | null;
}

export interface Lane {
  kind: OutboxKind;
  segments: Segment[];
  active: Segment | null;
}

const NAME_PATTERN = new RegExp(`^(${OUTBOX_KINDS.join('|')})-(\\d{10})\\.(seg|ack)$`);

export function fileName(kind: OutboxKind, seq: number, ext: 'seg' | 'ack'): string {
  return `${kind}-${String(seq).padStart(10, '0')}.${ext}`;
}

export function parseFileName(name: string): { kind: OutboxKind; seq: number; ext: 'seg' | 'ack' } | null {
  const m = NAME_PATTERN.exec(name);
  if (!m) return null;
  return { kind: m[1] as OutboxKind, seq: Number(m[2]), ext: m[3] === 'seg' ? 'seg' : 'ack' };
}

export function newSegment(dir: string, kind: OutboxKind, seq: number): Segment {
  return {
    kind,
    seq,
    path: join(dir, fileName(kind, seq, 'seg')),
    ackPath: join(dir, fileName(kind, seq, 'ack')),
    size: 0,
    ackSize: 0,
    entries: [],
    live: 0,
    cursor: 0,
    fh: null,
    ackFh: null,
  };
}

/** Makes a new segment durable (header, file and directory entry) before anything is written to it. */
export async function createSegmentFile(dir: string, kind: OutboxKind, seq: number): Promise<Segment> {
  const seg = newSegment(dir, kind, seq);
  const fh = await open(seg.path, 'wx+', 0o600);
  const header = encodeHeader('segment', { kind, seq });
  try {
    await writeAll(fh, header, 0);
    await fh.datasync();
    await fsyncDir(dir);
  } catch (err) {
    // A full disk: leave no open handle and no headerless file behind.
    await fh.close().catch(() => undefined);
    await unlinkIfPresent(seg.path).catch(() => undefined);
    throw err;
  }
  seg.fh = fh;
  seg.size = header.length;
  return seg;
}

export async function writeAll(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await fh.write(buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

export async function segmentHandle(seg: Segment): Promise<FileHandle> {
  seg.fh ??= await open(seg.path, 'r');
  return seg.fh;
}

/**
 * Reads and verifies the bodies of `entries`, one read per run of neighbouring frames.
 * `damaged`: entries whose bytes changed on disk since they were written.
 */
export async function readRecords(entries: readonly Entry[]): Promise<{ records: OutboxRecord[]; damaged: Entry[] }> {
  const records: OutboxRecord[] = [];
  const damaged: Entry[] = [];
  for (const run of contiguousRuns(entries)) {
    const frames = await readFrames(run);
    run.forEach((entry, i) => {
      const payload = payloadOfFrame(frames[i] ?? Buffer.alloc(0));
      const decoded = payload && decodeRecordPayload(payload);
      if (decoded?.id === entry.id) records.push({ ...decoded, kind: entry.seg.kind });
      else damaged.push(entry);
    });
  }
  return { records, damaged };
}

/** Reads the frames of `entries`, which must be consecutive on disk in one segment. */
async function readFrames(entries: readonly Entry[]): Promise<Buffer[]> {
  const first = entries[0];
  const last = entries[entries.length - 1];
  if (!first || !last) return [];
  const fh = await segmentHandle(first.seg);
  const span = last.offset + last.frameBytes - first.offset;
  const buf = Buffer.alloc(span);
  let got = 0;
  while (got < span) {
    const { bytesRead } = await fh.read(buf, got, span - got, first.offset + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return entries.map((e) => buf.subarray(e.offset - first.offset, e.offset - first.offset + e.frameBytes));
}

function contiguousRuns(entries: readonly Entry[]): Entry[][] {
  const runs: Entry[][] = [];
  let run: Entry[] = [];
  for (const entry of entries) {
    const prev = run[run.length - 1];
    if (prev && (prev.seg !== entry.seg || prev.offset + prev.frameBytes !== entry.offset)) {
      runs.push(run);
      run = [];
    }
    run.push(entry);
  }
  if (run.length > 0) runs.push(run);
  return runs;
}

/** Appends an ack or drop mark; returns the handle so the caller can fsync it later. */
export async function appendAckMark(seg: Segment, type: AckType, ids: readonly string[]): Promise<FileHandle> {
  if (!seg.ackFh) {
    seg.ackFh = await open(seg.ackPath, 'a', 0o600);
    if (seg.ackSize === 0) {
      const header = encodeHeader('acks', { kind: seg.kind, seq: seg.seq });
      await seg.ackFh.write(header);
      seg.ackSize = header.length;
    }
  }
  const frame = encodeFrame(encodeAckPayload(type, ids));
  await seg.ackFh.write(frame);
  seg.ackSize += frame.length;
  return seg.ackFh;
}

export async function closeSegment(seg: Segment): Promise<void> {
  const handles = [seg.fh, seg.ackFh];
  seg.fh = null;
  seg.ackFh = null;
  for (const fh of handles) await fh?.close();
}

export async function deleteSegmentFiles(seg: Segment): Promise<void> {
  await closeSegment(seg);
  // Segment first: a leftover ack log without its segment is removed at the next open.
  await unlinkIfPresent(seg.path);
  await unlinkIfPresent(seg.ackPath);
}

export async function unlinkIfPresent(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/** Makes renames and new files in `dir` durable. Windows cannot fsync a directory; NTFS journals it. */
export async function fsyncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  } finally {
    await fh?.close();
  }
}

/** Pending entries of a lane, oldest first. */
export function* pendingEntries(lane: Lane): Generator<Entry> {
  for (const seg of lane.segments) {
    while (seg.cursor < seg.entries.length && seg.entries[seg.cursor]?.done) seg.cursor++;
    for (let i = seg.cursor; i < seg.entries.length; i++) {
      const entry = seg.entries[i];
      if (entry && !entry.done) yield entry;
    }
  }
}

/** Least urgent first: the byte bound evicts in this order. */
const DROP_ORDER: readonly OutboxKind[] = [...OUTBOX_KINDS].reverse();

/**
 * The oldest pending records to evict so that `excess` bytes are freed for a new record
 * of `kind`, taking only records no more urgent than it (activity, then state, then
 * alerts). Null when even that would not make room: then the new record is the one dropped.
 */
export function chooseVictims(lanes: Record<OutboxKind, Lane>, kind: OutboxKind, excess: number): Entry[] | null {
  const victims: Entry[] = [];
  let left = excess;
  for (const victimKind of DROP_ORDER.slice(0, DROP_ORDER.indexOf(kind) + 1)) {
    for (const entry of pendingEntries(lanes[victimKind])) {
      if (left <= 0) return victims;
      victims.push(entry);
      left -= entry.frameBytes;
    }
  }
  return left <= 0 ? victims : null;
}
