import { describe, expect, it } from 'vitest';
import { countdownText, formatRemaining } from './countdown.ts';

describe('lock page countdown', () => {
  it('rounds up so it reads 0:00 only when time is really up', () => {
    expect(formatRemaining(5 * 60_000)).toBe('5:00');
    expect(formatRemaining(299_001)).toBe('5:00');
    expect(formatRemaining(299_000)).toBe('4:59');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5_000)).toBe('0:00');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
  });

  it('says nothing for a lock without an end, and "Unlocking…" once it has passed', () => {
    expect(countdownText(undefined, 0)).toBe('');
    expect(countdownText(90_000, 0)).toBe('Unlocks in 1:30');
    expect(countdownText(90_000, 90_000)).toBe('Unlocking…');
  });
});
