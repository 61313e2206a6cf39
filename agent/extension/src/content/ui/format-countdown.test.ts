import { describe, expect, it } from 'vitest';
import { formatCountdown, msToNextSecond, spokenDuration } from './format-countdown.ts';
import { idleWarningText } from './idle-warning.ts';
import { splitParagraphs } from './notice-dialog.ts';

describe('formatCountdown', () => {
  it('shows minutes and seconds, rounding up', () => {
    expect(formatCountdown(272_000)).toBe('4:32');
    expect(formatCountdown(271_001)).toBe('4:32');
    expect(formatCountdown(5_000)).toBe('0:05');
    expect(formatCountdown(59_999)).toBe('1:00');
    expect(formatCountdown(600_000)).toBe('10:00');
  });

  it('adds hours when there are any', () => {
    expect(formatCountdown(3_723_000)).toBe('1:02:03');
    expect(formatCountdown(36_000_000)).toBe('10:00:00');
  });

  it('is 0:00 only once time is up, and never negative', () => {
    expect(formatCountdown(1)).toBe('0:01');
    expect(formatCountdown(0)).toBe('0:00');
    expect(formatCountdown(-5_000)).toBe('0:00');
    expect(formatCountdown(Number.NaN)).toBe('0:00');
  });
});

describe('countdown helpers', () => {
  it('waits until the shown second changes', () => {
    expect(msToNextSecond(4_500)).toBe(500);
    expect(msToNextSecond(4_000)).toBe(1_000);
  });

  it('speaks minutes, or seconds in the last minute', () => {
    expect(spokenDuration(272_000)).toBe('5 minutes');
    expect(spokenDuration(60_000)).toBe('1 minute');
    expect(spokenDuration(30_000)).toBe('30 seconds');
    expect(spokenDuration(1_000)).toBe('1 second');
  });

  it('words the idle warning', () => {
    expect(idleWarningText(30_000)).toBe('This browser will lock in 30 s without activity');
    expect(idleWarningText(150_000)).toBe('This browser will lock in 2:30 without activity');
    expect(idleWarningText(0)).toBe('This browser is locking now');
  });
});

describe('splitParagraphs', () => {
  it('splits on blank lines and keeps single line breaks', () => {
    expect(splitParagraphs('One\nstill one\n\nTwo\r\n  \r\nThree\n\n\n')).toEqual(['One\nstill one', 'Two', 'Three']);
    expect(splitParagraphs('   ')).toEqual([]);
  });
});
