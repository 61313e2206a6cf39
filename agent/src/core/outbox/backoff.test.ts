import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, backoffCeiling, backoffDelay } from './backoff.ts';

describe('backoffDelay', () => {
  it('stays within [0, min(60 s, 500 ms · 2^attempt)] for every attempt and random draw', () => {
    fc.assert(
      fc.property(fc.nat(2000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, () => r);
        expect(Number.isInteger(delay)).toBe(true);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(Math.min(60_000, 500 * 2 ** attempt));
      }),
    );
  });

  it('uses the whole range: full jitter, not equal jitter', () => {
    expect(backoffDelay(3, () => 0)).toBe(0);
    expect(backoffDelay(3, () => 0.999999)).toBe(3999);
    expect(backoffDelay(0, () => 0.5)).toBe(250);
  });

  it('doubles the ceiling from 500 ms and caps it at 60 s', () => {
    expect([0, 1, 2, 3, 6, 7, 50, 5000].map((a) => backoffCeiling(a))).toEqual([500, 1000, 2000, 4000, 32_000, 60_000, 60_000, 60_000]);
    expect(DEFAULT_BACKOFF).toEqual({ baseMs: 500, capMs: 60_000 });
  });

  it('clamps a misbehaving random source instead of producing a negative or endless wait', () => {
    for (const bad of [Number.NaN, -1, 2, Number.POSITIVE_INFINITY]) {
      const delay = backoffDelay(4, () => bad);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(8000);
    }
  });
});
