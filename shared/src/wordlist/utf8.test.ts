import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeUtf8, encodeUtf8 } from './utf8.ts';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('strict UTF-8', () => {
  it('round-trips any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(decodeUtf8(encodeUtf8(s))).toEqual({ ok: true, text: s });
      }),
    );
  });

  it('decodes multi-byte and astral characters and drops a byte-order mark', () => {
    expect(decodeUtf8(bytes(0xef, 0xbb, 0xbf, 0x6b, 0xc3, 0xa9, 0xf0, 0x9d, 0x90, 0xa4))).toEqual({ ok: true, text: 'ké𝐤' });
  });

  it.each([
    ['a lone continuation byte', [0x61, 0x80], 1],
    ['a truncated sequence', [0x61, 0xc3], 1],
    ['an overlong encoding', [0xc0, 0xaf], 0],
    ['an overlong three-byte form', [0xe0, 0x80, 0xaf], 0],
    ['an encoded surrogate', [0xed, 0xa0, 0x80], 0],
    ['a code point above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], 0],
    ['a Latin-1 byte', [0x63, 0x61, 0x66, 0xe9], 3],
  ])('rejects %s with its offset', (_name, input, offset) => {
    expect(decodeUtf8(Uint8Array.from(input))).toEqual({ ok: false, offset });
  });
});
