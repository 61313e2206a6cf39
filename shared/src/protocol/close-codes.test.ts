import { describe, expect, it } from 'vitest';
import { MAX_CLOSE_REASON_BYTES, closeCodes, closeForDecodeError, closeFrame } from './close-codes.ts';
import type { DecodeErrorCode } from './decode.ts';
import { utf8Encode } from './text-codec.ts';

const byteLength = (text: string) => utf8Encode(text).byteLength;

describe('close codes', () => {
  it('uses distinct codes in the private 4000–4999 range', () => {
    const codes = Object.values(closeCodes);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code >= 4000 && code <= 4999).toBe(true);
  });

  it.each<[DecodeErrorCode, number]>([
    ['too-large', 4413],
    ['bad-version', 4426],
    ['bad-utf8', 4400],
    ['not-json', 4400],
    ['bad-envelope', 4400],
    ['unknown-type', 4400],
    ['bad-payload', 4400],
    ['bad-binary', 4400],
  ])('maps decode error %s to close code %i, naming the code in the reason', (code, closeCode) => {
    const frame = closeForDecodeError({ code, detail: 'payload.context: Too big' });
    expect(frame).toEqual({ code: closeCode, reason: `${code}: payload.context: Too big` });
  });

  it('clips reasons to 123 UTF-8 bytes without splitting a character', () => {
    const frame = closeForDecodeError({ code: 'bad-payload', detail: '€😀'.repeat(100) });
    expect(byteLength(frame.reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(byteLength(frame.reason)).toBeGreaterThan(MAX_CLOSE_REASON_BYTES - 4);
    expect(frame.reason).not.toContain('\ufffd');
    expect(frame.reason.endsWith('€') || frame.reason.endsWith('😀')).toBe(true);
  });

  it('builds named close frames with and without detail', () => {
    expect(closeFrame('replaced')).toEqual({ code: 4409, reason: 'replaced by a newer connection from the same device' });
    expect(closeFrame('unauthenticated', 'device-unknown')).toEqual({
      code: 4401,
      reason: 'authentication required or failed: device-unknown',
    });
    expect(byteLength(closeFrame('rateLimited', 'x'.repeat(500)).reason)).toBe(MAX_CLOSE_REASON_BYTES);
  });
});
