import { describe, expect, it } from 'vitest';
import { computers, durationInWords, formatCountdown, msUntil, relativeTimeText } from './format.ts';

describe('formatCountdown', () => {
  it('shows minutes and seconds, and hours when needed', () => {
    expect(formatCountdown(299_000)).toBe('4:59');
    expect(formatCountdown(5_000)).toBe('0:05');
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
  });

  it('rounds part seconds up and never goes below zero', () => {
    expect(formatCountdown(299_001)).toBe('5:00');
    expect(formatCountdown(-10_000)).toBe('0:00');
  });
});

describe('msUntil', () => {
  const now = Date.parse('2030-01-01T10:00:00Z');
  it('counts down to an instant and stops at zero', () => {
    expect(msUntil('2030-01-01T10:05:00Z', now)).toBe(300_000);
    expect(msUntil('2030-01-01T09:00:00Z', now)).toBe(0);
  });
  it('has nothing for no instant or a bad one', () => {
    expect(msUntil(null, now)).toBeUndefined();
    expect(msUntil('soon', now)).toBeUndefined();
  });
});

describe('durationInWords', () => {
  it('rounds up to whole minutes under an hour', () => {
    expect(durationInWords(9 * 60_000 + 1)).toBe('10 minutes');
    expect(durationInWords(60_000)).toBe('1 minute');
    expect(durationInWords(30_000)).toBe('30 seconds');
    expect(durationInWords(2 * 3_600_000)).toBe('2 hours');
  });
});

describe('relativeTimeText', () => {
  const now = Date.parse('2030-01-01T10:00:00Z');
  it('says how long ago', () => {
    expect(relativeTimeText('2030-01-01T09:59:50Z', now)).toBe('just now');
    expect(relativeTimeText('2030-01-01T09:55:00Z', now)).toBe('5 min ago');
    expect(relativeTimeText('2030-01-01T07:00:00Z', now)).toBe('3 h ago');
    expect(relativeTimeText('2029-12-30T10:00:00Z', now)).toBe('2 days ago');
    expect(relativeTimeText('2030-01-01T10:10:00Z', now)).toBe('in 10 min');
  });
});

describe('computers', () => {
  it('counts in words', () => {
    expect(computers(1)).toBe('1 computer');
    expect(computers(30)).toBe('30 computers');
  });
});
