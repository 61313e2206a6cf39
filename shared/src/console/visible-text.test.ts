import { describe, expect, it } from 'vitest';
import { isReasonEnough, MIN_REASON_VISIBLE, visibleLength } from './visible-text.ts';

describe('visibleLength', () => {
  it('counts what a reader sees', () => {
    expect(visibleLength('Pupil disclosed')).toBe(14);
    expect(visibleLength('  padded  ')).toBe(6);
    // Astral characters are one each, not two UTF-16 units.
    expect(visibleLength('😀😀')).toBe(2);
    // A letter with its combining accent is one character.
    expect(visibleLength('e\u0301')).toBe(1);
  });

  it('counts nothing for invisible padding', () => {
    const invisible = [
      '\u200B'.repeat(11), // zero-width space
      '\u200C\u200D\u2060\uFEFF\u00AD\u200E\u200F\u202E\u2066\u2069\u180E', // joiners, word joiner, BOM, soft hyphen, bidi, Mongolian vowel separator
      '\u0301'.repeat(12), // combining marks on their own
      '\u3164\u115F\u1160\uFFA0', // Hangul fillers
      '\uFE0F'.repeat(10), // variation selectors
      '\u00A0\u2003\u3000\t\n\r', // other spaces
      '\u2800'.repeat(10), // blank Braille pattern
      '\u0000\u0007\u001B', // controls
      '\u{E0020}\u{E0041}'.repeat(6), // tag characters
    ];
    for (const text of invisible) expect(visibleLength(text), JSON.stringify(text)).toBe(0);
  });

  it('decides a reason at MIN_REASON_VISIBLE visible characters', () => {
    expect(MIN_REASON_VISIBLE).toBe(10);
    expect(isReasonEnough('123456789')).toBe(false);
    expect(isReasonEnough('1234567890')).toBe(true);
    expect(isReasonEnough('\u200B1\u200B2\u200B3\u200B4\u200B5\u200B6\u200B7\u200B8\u200B9\u200B')).toBe(false);
    expect(isReasonEnough(undefined)).toBe(false);
    expect(isReasonEnough(null)).toBe(false);
  });
});
