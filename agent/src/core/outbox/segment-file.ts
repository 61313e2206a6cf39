// The outbox's byte format (version 1). Pure functions over buffers; file handling
// lives in outbox-store.ts. See README.md for the layout.
//
// Every file starts with a 16-byte header:
//   magic "VGOS" (segment) or "VGOA" (ack log) · u16 format version · u8 kind · u8 0
//   · u32 segment sequence · u32 CRC32 of the previous 12 bytes
// followed by frames:
//   4-byte marker FE FF 56 52 · u32 payload length · u32 CRC32(length bytes + payload) · payload
// The marker lets a reader resynchronise after a damaged frame, so one flipped byte
// costs one record, not the rest of the file. FE and FF never occur in UTF-8, so JSON
// bodies cannot imitate a marker (and a false match would still need a valid CRC).
import { crc32 } from 'node:zlib';
import { OUTBOX_KINDS, isUlid, type OutboxKind } from './outbox-types.ts';

export const FORMAT_VERSION = 1;
export const HEADER_BYTES = 16;
export const FRAME_OVERHEAD = 12;
/** Hard ceiling for a frame's declared length, so a damaged length never means a huge read. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

const MAGIC = { segment: Buffer.from('VGOS', 'latin1'), acks: Buffer.from('VGOA', 'latin1') };
const FRAME_MARKER = Buffer.from([0xfe, 0xff, 0x56, 0x52]);
const ID_BYTES = 26;
const RECORD_FIXED_BYTES = ID_BYTES + 8;
const ACK_TYPES = { ack: 0x41, drop: 0x44 } as const;

export type FileRole = keyof typeof MAGIC;
export type AckType = keyof typeof ACK_TYPES;

export interface FileHeader {
  kind: OutboxKind;
  seq: number;
}

export type HeaderResult =
  { ok: true; header: FileHeader } | { ok: false; code: 'too-short' | 'bad-magic' | 'bad-checksum' | 'unsupported-version' | 'unknown-kind' };

export function encodeHeader(role: FileRole, header: FileHeader): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES);
  MAGIC[role].copy(buf, 0);
  buf.writeUInt16LE(FORMAT_VERSION, 4);
  buf.writeUInt8(OUTBOX_KINDS.indexOf(header.kind) + 1, 6);
  buf.writeUInt32LE(header.seq, 8);
  buf.writeUInt32LE(crc32(buf.subarray(0, 12)), 12);
  return buf;
}

export function decodeHeader(role: FileRole, buf: Buffer): HeaderResult {
  if (buf.length < HEADER_BYTES) return { ok: false, code: 'too-short' };
  if (!buf.subarray(0, 4).equals(MAGIC[role])) return { ok: false, code: 'bad-magic' };
  if (crc32(buf.subarray(0, 12)) !== buf.readUInt32LE(12)) return { ok: false, code: 'bad-checksum' };
  // A newer agent's outbox after a downgrade: keep it aside rather than misread it.
  if (buf.readUInt16LE(4) !== FORMAT_VERSION) return { ok: false, code: 'unsupported-version' };
  const kind = OUTBOX_KINDS[buf.readUInt8(6) - 1];
  if (kind === undefined) return { ok: false, code: 'unknown-kind' };
  return { ok: true, header: { kind, seq: buf.readUInt32LE(8) } };
}

export function encodeFrame(payload: Buffer): Buffer {
  const frame = Buffer.alloc(FRAME_OVERHEAD + payload.length);
  FRAME_MARKER.copy(frame, 0);
  frame.writeUInt32LE(payload.length, 4);
  payload.copy(frame, FRAME_OVERHEAD);
  frame.writeUInt32LE(crc32(payload, crc32(frame.subarray(4, 8))), 8);
  return frame;
}

/** Length of a valid frame starting at `pos`, or 0 when there is none. */
function frameLengthAt(buf: Buffer, pos: number): number {
  if (pos + FRAME_OVERHEAD > buf.length) return 0;
  for (let i = 0; i < FRAME_MARKER.length; i++) if (buf[pos + i] !== FRAME_MARKER[i]) return 0;
  const len = buf.readUInt32LE(pos + 4);
  const end = pos + FRAME_OVERHEAD + len;
  if (len > MAX_PAYLOAD_BYTES || end > buf.length) return 0;
  const crc = crc32(buf.subarray(pos + FRAME_OVERHEAD, end), crc32(buf.subarray(pos + 4, pos + 8)));
  return crc === buf.readUInt32LE(pos + 8) ? FRAME_OVERHEAD + len : 0;
}

/** The payload of `frame` (exactly one frame's bytes, as read back from disk) if it is intact. */
export function payloadOfFrame(frame: Buffer): Buffer | null {
  return frameLengthAt(frame, 0) === frame.length ? frame.subarray(FRAME_OVERHEAD) : null;
}

export interface ScannedFrame {
  offset: number;
  frameBytes: number;
  payload: Buffer;
}

export interface ScanResult {
  frames: ScannedFrame[];
  /** Runs of bytes that are not valid frames (torn tail, bit flips, garbage). */
  corruptRegions: number;
}

/** Reads every intact frame from `start` on, skipping damaged stretches. */
export function scanFrames(buf: Buffer, start: number): ScanResult {
  const frames: ScannedFrame[] = [];
  let corruptRegions = 0;
  let inCorrupt = false;
  let pos = start;
  while (pos < buf.length) {
    const frameBytes = frameLengthAt(buf, pos);
    if (frameBytes > 0) {
      frames.push({ offset: pos, frameBytes, payload: buf.subarray(pos + FRAME_OVERHEAD, pos + frameBytes) });
      pos += frameBytes;
      inCorrupt = false;
      continue;
    }
    if (!inCorrupt) corruptRegions++;
    inCorrupt = true;
    const next = buf.indexOf(FRAME_MARKER, pos + 1);
    pos = next < 0 ? buf.length : next;
  }
  return { frames, corruptRegions };
}

export interface RecordPayload {
  id: string;
  enqueuedAt: number;
  body: string;
}

export function encodeRecordPayload(id: string, enqueuedAt: number, body: string): Buffer {
  const bodyBytes = Buffer.byteLength(body, 'utf8');
  const buf = Buffer.alloc(RECORD_FIXED_BYTES + bodyBytes);
  buf.write(id, 0, ID_BYTES, 'latin1');
  buf.writeDoubleLE(enqueuedAt, ID_BYTES);
  buf.write(body, RECORD_FIXED_BYTES, bodyBytes, 'utf8');
  return buf;
}

export function decodeRecordPayload(payload: Buffer): RecordPayload | null {
  const head = decodeRecordHead(payload);
  return head && { ...head, body: payload.toString('utf8', RECORD_FIXED_BYTES) };
}

/** Id part of a record payload without decoding the body (used by the open-time scan). */
export function decodeRecordHead(payload: Buffer): { id: string; enqueuedAt: number } | null {
  if (payload.length < RECORD_FIXED_BYTES) return null;
  const id = payload.toString('latin1', 0, ID_BYTES);
  const enqueuedAt = payload.readDoubleLE(ID_BYTES);
  return isUlid(id) && Number.isFinite(enqueuedAt) ? { id, enqueuedAt } : null;
}

export function encodeAckPayload(type: AckType, ids: readonly string[]): Buffer {
  const buf = Buffer.alloc(1 + ids.length * ID_BYTES);
  buf.writeUInt8(ACK_TYPES[type], 0);
  ids.forEach((id, i) => buf.write(id, 1 + i * ID_BYTES, ID_BYTES, 'latin1'));
  return buf;
}

export function decodeAckPayload(payload: Buffer): { type: AckType; ids: string[] } | null {
  const code = payload[0];
  const type = code === ACK_TYPES.ack ? 'ack' : code === ACK_TYPES.drop ? 'drop' : null;
  if (type === null || (payload.length - 1) % ID_BYTES !== 0) return null;
  const ids: string[] = [];
  for (let pos = 1; pos < payload.length; pos += ID_BYTES) {
    const id = payload.toString('latin1', pos, pos + ID_BYTES);
    if (!isUlid(id)) return null;
    ids.push(id);
  }
  return { type, ids };
}
