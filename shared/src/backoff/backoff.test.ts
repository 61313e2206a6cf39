import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffCeiling, backoffDelay } from './backoff.ts';

const policy = { baseMs: 500, capMs: 60_000 };

describe('the one backoff', () => {
  it('doubles the ceiling from the base and caps it, for any attempt', () => {
    expect([0, 1, 2, 3, 6, 7, 50, 5000].map((a) => backoffCeiling(a, policy))).toEqual([500, 1000, 2000, 4000, 32_000, 60_000, 60_000, 60_000]);
    expect(backoffCeiling(-3, policy)).toBe(500);
  });

  it('full jitter uses [0, ceiling]; equal jitter [ceiling/2, ceiling]', () => {
    fc.assert(
      fc.property(fc.nat(2000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const ceiling = backoffCeiling(attempt, policy);
        const full = backoffDelay(attempt, policy, 'full', () => r);
        const equal = backoffDelay(attempt, policy, 'equal', () => r);
        expect(full).toBeGreaterThanOrEqual(0);
        expect(full).toBeLessThanOrEqual(ceiling);
        expect(equal).toBeGreaterThanOrEqual(Math.floor(ceiling / 2));
        expect(equal).toBeLessThanOrEqual(ceiling);
      }),
    );
    expect(backoffDelay(3, policy, 'full', () => 0)).toBe(0);
    expect(backoffDelay(3, policy, 'equal', () => 0)).toBe(2000);
    expect(backoffDelay(3, policy, 'equal', () => 0.999999)).toBe(3999);
  });

  it('clamps a misbehaving random source instead of giving a negative or endless wait', () => {
    for (const bad of [Number.NaN, -1, 2, Number.POSITIVE_INFINITY]) {
      for (const jitter of ['full', 'equal'] as const) {
        const delay = backoffDelay(4, policy, jitter, () => bad);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(8000);
      }
    }
  });
});
