// Open-time scan: rebuilds the in-memory index (ids, offsets, done flags) from the
// segment files and their ack logs, and repairs what a crash or a bad disk left behind.
//   - a segment whose header is unreadable is renamed `*.corrupt` (quarantined);
//   - a damaged or torn stretch inside a segment is skipped and counted, and the segment
//     is rewritten with its intact pending records so the damage is counted only once;
//   - segments with nothing pending, orphan ack logs and temp files are deleted.
import { mkdir, open, readFile, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { loadCounters, type OutboxCounters } from './outbox-counters.ts';
import { deleteSegmentFiles, fsyncDir, newSegment, parseFileName, unlinkIfPresent, writeAll, type Entry, type Lane, type Segment } from './outbox-store.ts';
import { type OutboxKind, type OutboxLogger } from './outbox-types.ts';
import { HEADER_BYTES, decodeAckPayload, decodeHeader, decodeRecordHead, encodeHeader, scanFrames } from './segment-file.ts';

export interface RecoveredIndex {
  lanes: Record<OutboxKind, Lane>;
  byId: Map<string, Entry>;
  nextSeq: number;
  counters: OutboxCounters;
  /** The counters changed during recovery and should be saved. */
  countersChanged: boolean;
}

interface Context {
  dir: string;
  logger: OutboxLogger;
  counters: OutboxCounters;
  byId: Map<string, Entry>;
  changed: boolean;
}

const QUARANTINE_SUFFIX = '.corrupt';

export async function recoverOutbox(dir: string, logger: OutboxLogger, keepQuarantined: number): Promise<RecoveredIndex> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const ctx: Context = { dir, logger, counters: await loadCounters(dir, logger), byId: new Map(), changed: false };
  const names = (await readdir(dir)).sort();
  const segments = new Map<number, OutboxKind>();
  const ackLogs = new Map<number, string>();
  let maxSeq = 0;
  for (const name of names) {
    if (name.endsWith('.tmp')) await unlinkIfPresent(join(dir, name));
    const quarantined = name.endsWith(QUARANTINE_SUFFIX) ? parseFileName(name.slice(0, -QUARANTINE_SUFFIX.length)) : null;
    const parsed = quarantined ?? parseFileName(name);
    if (!parsed) continue;
    maxSeq = Math.max(maxSeq, parsed.seq);
    if (quarantined) continue;
    if (parsed.ext === 'seg') segments.set(parsed.seq, parsed.kind);
    else ackLogs.set(parsed.seq, name);
  }
  for (const [seq, name] of ackLogs) if (!segments.has(seq)) await unlinkIfPresent(join(dir, name));

  const lane = (kind: OutboxKind): Lane => ({ kind, segments: [], active: null });
  const lanes: Record<OutboxKind, Lane> = { alert: lane('alert'), state: lane('state'), activity: lane('activity') };
  for (const [seq, kind] of [...segments].sort((a, b) => a[0] - b[0])) {
    const seg = await recoverSegment(ctx, kind, seq);
    if (seg) lanes[kind].segments.push(seg);
  }
  await pruneQuarantine(dir, keepQuarantined);
  return { lanes, byId: ctx.byId, nextSeq: maxSeq + 1, counters: ctx.counters, countersChanged: ctx.changed };
}

async function recoverSegment(ctx: Context, kind: OutboxKind, seq: number): Promise<Segment | null> {
  const seg = newSegment(ctx.dir, kind, seq);
  const buf = await readFile(seg.path);
  if (buf.length < HEADER_BYTES) {
    // Created but never written (crash right after open): holds no records, nothing to report.
    await deleteSegmentFiles(seg);
    return null;
  }
  const header = decodeHeader('segment', buf);
  if (!header.ok || header.header.kind !== kind || header.header.seq !== seq) {
    await quarantine(ctx, seg, header.ok ? 'header-mismatch' : header.code);
    return null;
  }
  const scan = scanFrames(buf, HEADER_BYTES);
  let corrupt = scan.corruptRegions;
  const done = await readAckLog(ctx, seg);
  const frames: Buffer[] = [];
  for (const frame of scan.frames) {
    const head = decodeRecordHead(frame.payload);
    if (!head) {
      corrupt++;
      continue;
    }
    // A duplicate id can only come from an interrupted rewrite; the first copy wins.
    const isDone = done.has(head.id) || ctx.byId.has(head.id);
    const entry: Entry = { id: head.id, seg, offset: frame.offset, frameBytes: frame.frameBytes, enqueuedAt: head.enqueuedAt, done: isDone };
    seg.entries.push(entry);
    frames.push(buf.subarray(frame.offset, frame.offset + frame.frameBytes));
    if (!isDone) seg.live++;
  }
  seg.size = buf.length;
  if (seg.live === 0) {
    if (corrupt > 0) countCorrupt(ctx, seg, corrupt);
    await deleteSegmentFiles(seg);
    return null;
  }
  if (corrupt > 0) {
    countCorrupt(ctx, seg, corrupt);
    await rewriteSegment(ctx, seg, frames);
  }
  for (const entry of seg.entries) if (!ctx.byId.has(entry.id)) ctx.byId.set(entry.id, entry);
  return seg;
}

function countCorrupt(ctx: Context, seg: Segment, regions: number): void {
  ctx.counters.corruptRecordsSkipped += regions;
  ctx.changed = true;
  ctx.logger.warn({ segment: seg.path, corruptRegions: regions }, 'outbox segment had damaged records; skipped them and kept every intact record');
}

/** Ids marked acked or dropped in the segment's ack log; a damaged log only means some re-sends. */
async function readAckLog(ctx: Context, seg: Segment): Promise<Set<string>> {
  const done = new Set<string>();
  let buf: Buffer;
  try {
    buf = await readFile(seg.ackPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return done;
    throw err;
  }
  const header = decodeHeader('acks', buf);
  if (!header.ok || header.header.seq !== seg.seq) {
    ctx.logger.warn({ file: seg.ackPath, code: header.ok ? 'header-mismatch' : header.code }, 'outbox ack log unreadable; its records will be re-sent');
    await unlinkIfPresent(seg.ackPath);
    return done;
  }
  const scan = scanFrames(buf, HEADER_BYTES);
  for (const frame of scan.frames) for (const id of decodeAckPayload(frame.payload)?.ids ?? []) done.add(id);
  if (scan.corruptRegions > 0)
    ctx.logger.warn({ file: seg.ackPath, corruptRegions: scan.corruptRegions }, 'outbox ack log damaged; affected records will be re-sent');
  seg.ackSize = buf.length;
  return done;
}

/** Replaces a damaged segment with one holding only its intact pending records, atomically. */
async function rewriteSegment(ctx: Context, seg: Segment, frames: readonly Buffer[]): Promise<void> {
  const tmp = `${seg.path}.tmp`;
  const fh = await open(tmp, 'w', 0o600);
  const kept: Entry[] = [];
  let pos = 0;
  try {
    const header = encodeHeader('segment', { kind: seg.kind, seq: seg.seq });
    await writeAll(fh, header, 0);
    pos = header.length;
    for (const [i, entry] of seg.entries.entries()) {
      const frame = frames[i];
      if (entry.done || !frame) continue;
      await writeAll(fh, frame, pos);
      kept.push({ ...entry, offset: pos });
      pos += frame.length;
    }
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await rename(tmp, seg.path);
  await unlinkIfPresent(seg.ackPath);
  await fsyncDir(ctx.dir);
  seg.entries = kept;
  seg.size = pos;
  seg.ackSize = 0;
}

async function quarantine(ctx: Context, seg: Segment, code: string): Promise<void> {
  await rename(seg.path, `${seg.path}${QUARANTINE_SUFFIX}`);
  await unlinkIfPresent(seg.ackPath);
  ctx.counters.segmentsQuarantined++;
  ctx.counters.corruptRecordsSkipped++;
  ctx.changed = true;
  ctx.logger.error({ segment: seg.path, code }, 'outbox segment header unreadable; quarantined it and kept the other segments');
}

async function pruneQuarantine(dir: string, keep: number): Promise<void> {
  const names = (await readdir(dir)).filter((n) => n.endsWith(QUARANTINE_SUFFIX));
  const bySeq = names.map((n) => ({ n, seq: parseFileName(n.slice(0, -QUARANTINE_SUFFIX.length))?.seq ?? 0 }));
  bySeq.sort((a, b) => b.seq - a.seq);
  for (const { n } of bySeq.slice(keep)) await unlinkIfPresent(join(dir, n));
}
