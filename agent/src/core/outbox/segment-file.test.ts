import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  HEADER_BYTES,
  decodeAckPayload,
  decodeHeader,
  decodeRecordPayload,
  encodeAckPayload,
  encodeFrame,
  encodeHeader,
  encodeRecordPayload,
  payloadOfFrame,
  scanFrames,
} from './segment-file.ts';

const ID = '01K5ZQ3J8X9M2B7C4D6E8F0G1H';

describe('segment file format', () => {
  it('round-trips a header and refuses a wrong magic, checksum, version or kind', () => {
    const header = encodeHeader('segment', { kind: 'state', seq: 4_000_000_001 });
    expect(header).toHaveLength(HEADER_BYTES);
    expect(decodeHeader('segment', header)).toEqual({ ok: true, header: { kind: 'state', seq: 4_000_000_001 } });
    expect(decodeHeader('acks', header)).toEqual({ ok: false, code: 'bad-magic' });
    expect(decodeHeader('segment', header.subarray(0, 10))).toEqual({ ok: false, code: 'too-short' });

    const flipped = Buffer.from(header);
    flipped[9] = (flipped[9] ?? 0) ^ 1;
    expect(decodeHeader('segment', flipped)).toEqual({ ok: false, code: 'bad-checksum' });
  });

  it('refuses a future format version even with a valid checksum', async () => {
    const { crc32 } = await import('node:zlib');
    const header = encodeHeader('segment', { kind: 'alert', seq: 1 });
    header.writeUInt16LE(2, 4);
    header.writeUInt32LE(crc32(header.subarray(0, 12)), 12);
    expect(decodeHeader('segment', header)).toEqual({ ok: false, code: 'unsupported-version' });
    header.writeUInt16LE(1, 4);
    header.writeUInt8(9, 6);
    header.writeUInt32LE(crc32(header.subarray(0, 12)), 12);
    expect(decodeHeader('segment', header)).toEqual({ ok: false, code: 'unknown-kind' });
  });

  it('round-trips any record body through a frame', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 0, max: 2 ** 50 }), (body, at) => {
        const frame = encodeFrame(encodeRecordPayload(ID, at, body));
        const payload = payloadOfFrame(frame);
        expect(payload && decodeRecordPayload(payload)).toEqual({ id: ID, enqueuedAt: at, body });
      }),
    );
  });

  it('round-trips ack and drop marks and refuses malformed ones', () => {
    expect(decodeAckPayload(encodeAckPayload('drop', [ID, ID]))).toEqual({ type: 'drop', ids: [ID, ID] });
    expect(decodeAckPayload(encodeAckPayload('ack', [ID]).subarray(0, 20))).toBeNull();
    expect(decodeAckPayload(Buffer.from('X'))).toBeNull();
  });

  it('finds every intact frame around a damaged one', () => {
    const frames = ['one', 'two', 'three'].map((body) => encodeFrame(encodeRecordPayload(ID, 1, body)));
    const file = Buffer.concat([encodeHeader('segment', { kind: 'alert', seq: 1 }), ...frames]);
    const damaged = Buffer.from(file);
    const secondStart = HEADER_BYTES + (frames[0]?.length ?? 0);
    damaged[secondStart + 20] = (damaged[secondStart + 20] ?? 0) ^ 0xff;
    const scan = scanFrames(damaged, HEADER_BYTES);
    expect(scan.corruptRegions).toBe(1);
    expect(scan.frames.map((f) => decodeRecordPayload(f.payload)?.body)).toEqual(['one', 'three']);
    expect(scanFrames(file, HEADER_BYTES)).toMatchObject({ corruptRegions: 0 });
  });
});
