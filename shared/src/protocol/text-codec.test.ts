import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { clipUtf8, isStorableText, isWellFormed, sanitizeText, utf8DecodeFile, utf8DecodeStrict, utf8Encode, utf8LongerThan } from './text-codec.ts';

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

  it('file decoding drops a byte-order mark, which strict decoding keeps', () => {
    const withBom = Uint8Array.from([0xef, 0xbb, 0xbf, ...utf8Encode('ké𝐤')]);
    expect(utf8DecodeFile(withBom)).toBe('ké𝐤');
    expect(utf8DecodeStrict(withBom)).toBe('\ufeffké𝐤');
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80]],
    ['a truncated sequence', [0x61, 0xc3]],
    ['an overlong encoding', [0xc0, 0xaf]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['a Latin-1 byte', [0x63, 0x61, 0x66, 0xe9]],
  ])('file decoding refuses %s', (_name, input) => {
    expect(utf8DecodeFile(Uint8Array.from(input))).toBeNull();
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
