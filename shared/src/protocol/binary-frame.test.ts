import { describe, expect, it } from 'vitest';
import { agentFixtures } from './message.fixtures.ts';
import { DEFAULT_BINARY_MAX_BYTES, MAX_BINARY_HEADER_BYTES, decodeBinary, encodeBinary } from './binary-frame.ts';
import { encode } from './encode.ts';
import { utf8Encode } from './text-codec.ts';

const image = Uint8Array.from({ length: 6_000 }, (_, i) => (i * 31) & 0xff);
const { frame, screenshot, heartbeat } = agentFixtures;

/** Builds a frame by hand, so tests do not depend on encodeBinary being right. */
function rawFrame(header: string | Uint8Array, bytes: Uint8Array = image, declaredLength?: number): Uint8Array {
  const headerBytes = typeof header === 'string' ? utf8Encode(header) : header;
  const out = new Uint8Array(4 + headerBytes.byteLength + bytes.byteLength);
  new DataView(out.buffer).setUint32(0, declaredLength ?? headerBytes.byteLength, false);
  out.set(headerBytes, 4);
  out.set(bytes, 4 + headerBytes.byteLength);
  return out;
}

describe('binary frames', () => {
  it('lays out [uint32 BE header length][JSON envelope][bytes]', () => {
    const encoded = encodeBinary(screenshot, image);
    const header = utf8Encode(encode(screenshot));
    expect(new DataView(encoded.buffer).getUint32(0, false)).toBe(header.byteLength);
    expect(encoded).toEqual(rawFrame(header, image));
  });

  it.each([frame, screenshot])('a $type frame round-trips with its bytes', (envelope) => {
    const result = decodeBinary(encodeBinary(envelope, image));
    expect(result).toEqual({ ok: true, value: { envelope, bytes: image } });
  });

  it('decodes a frame that sits at an offset inside a larger buffer (pooled Node buffers)', () => {
    const encoded = encodeBinary(frame, image);
    const pool = new Uint8Array(encoded.byteLength + 13);
    pool.set(encoded, 7);
    const result = decodeBinary(pool.subarray(7, 7 + encoded.byteLength));
    expect(result).toEqual({ ok: true, value: { envelope: frame, bytes: image } });
  });

  it('accepts an unchanged live frame with no bytes', () => {
    const unchanged = { ...frame, payload: { ...frame.payload, unchanged: true } };
    expect(decodeBinary(encodeBinary(unchanged, new Uint8Array(0)))).toMatchObject({ ok: true });
  });

  it('rejects every truncation that cuts into the length prefix or the header', () => {
    const encoded = encodeBinary(screenshot, image);
    const headerEnd = 4 + utf8Encode(encode(screenshot)).byteLength;
    for (let cut = 0; cut <= headerEnd; cut++) {
      expect(decodeBinary(encoded.subarray(0, cut)), `cut at ${cut}`).toMatchObject({ ok: false, code: 'bad-binary' });
    }
  });

  it.each([
    { name: 'a header length beyond the buffer', buf: rawFrame(encode(frame), image, 1_000_000), code: 'bad-binary' },
    { name: 'a zero header length', buf: rawFrame(encode(frame), image, 0), code: 'bad-binary' },
    { name: 'a header over 16 KiB', buf: rawFrame(' '.repeat(MAX_BINARY_HEADER_BYTES + 1) + encode(frame)), code: 'too-large' },
    { name: 'a frame over the total limit', buf: new Uint8Array(DEFAULT_BINARY_MAX_BYTES + 1), code: 'too-large' },
    { name: 'a message type that carries no bytes', buf: rawFrame(encode(heartbeat)), code: 'bad-binary' },
    { name: 'a screenshot without image bytes', buf: rawFrame(encode(screenshot), new Uint8Array(0)), code: 'bad-binary' },
    { name: 'a live frame without image bytes', buf: rawFrame(encode(frame), new Uint8Array(0)), code: 'bad-binary' },
    {
      name: 'an unchanged live frame that carries bytes',
      buf: rawFrame(encode({ ...frame, payload: { ...frame.payload, unchanged: true } })),
      code: 'bad-binary',
    },
    { name: 'a header that is not JSON', buf: rawFrame('{"v":1'), code: 'not-json' },
    { name: 'a header that is not UTF-8', buf: rawFrame(new Uint8Array([0xff, 0xfe])), code: 'bad-utf8' },
    { name: 'a header of another protocol version', buf: rawFrame(encode({ ...frame, v: 2 } as never)), code: 'bad-version' },
    {
      name: 'a header with a bad sha256',
      buf: rawFrame(encode({ ...screenshot, payload: { ...screenshot.payload, sha256: 'abc' } })),
      code: 'bad-payload',
    },
  ])('rejects $name with $code', ({ buf, code }) => {
    expect(decodeBinary(buf)).toMatchObject({ ok: false, code });
  });

  it('honours a configured total limit', () => {
    const encoded = encodeBinary(frame, image);
    expect(decodeBinary(encoded, { maxBytes: encoded.byteLength }).ok).toBe(true);
    expect(decodeBinary(encoded, { maxBytes: encoded.byteLength - 1 })).toMatchObject({ code: 'too-large' });
  });

  it('refuses to encode a header larger than the limit', () => {
    const huge = { ...screenshot, payload: { ...screenshot.payload, extra: 'x'.repeat(MAX_BINARY_HEADER_BYTES) } };
    expect(() => encodeBinary(huge, image)).toThrow(RangeError);
  });
});
