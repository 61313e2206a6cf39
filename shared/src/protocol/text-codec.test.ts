import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clipUtf8, isStorableText, isWellFormed, sanitizeText, utf8DecodeStrict, utf8Encode, utf8LongerThan } from './text-codec.ts';

const anyUnitString = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)) });

describe('text codec', () => {
  it('utf8LongerThan agrees with the real encoded length', () => {
    fc.assert(
      fc.property(anyUnitString, fc.nat(200), (text, limit) => {
        expect(utf8LongerThan(text, limit)).toBe(utf8Encode(text).byteLength > limit);
      }),
      { numRuns: 2000 },
    );
  });

  it('strict decoding refuses invalid UTF-8 and keeps valid text', () => {
    expect(utf8DecodeStrict(new Uint8Array([0xe2, 0x82]))).toBeNull();
    expect(utf8DecodeStrict(utf8Encode('naïve 😀'))).toBe('naïve 😀');
  });

  it('finds lone surrogates but accepts pairs', () => {
    expect(isWellFormed('😀')).toBe(true);
    expect(isWellFormed('a\ud83d')).toBe(false);
    expect(isWellFormed('\ude00a')).toBe(false);
    expect(isStorableText('a\u0000b')).toBe(false);
  });

  it('sanitizeText always yields storable text within the limit', () => {
    fc.assert(
      fc.property(anyUnitString, fc.nat(50), (text, max) => {
        const clean = sanitizeText(text, max);
        expect(clean.length).toBeLessThanOrEqual(max);
        expect(isStorableText(clean)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    expect(sanitizeText('ab😀', 3)).toBe('ab');
    expect(sanitizeText('a\u0000b\ud800c', 10)).toBe('ab\ufffdc');
  });

  it('clipUtf8 keeps whole characters within the byte limit', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.nat(60), (text, max) => {
        const clipped = clipUtf8(text, max);
        expect(utf8Encode(clipped).byteLength).toBeLessThanOrEqual(max);
        expect(text.startsWith(clipped)).toBe(true);
        expect(isWellFormed(clipped)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
