import { describe, expect, it } from 'vitest';
import { FakeClock } from './clock.fake.ts';

describe('FakeClock', () => {
  it('fires timers in due order, ties in the order they were set, each at its own time', () => {
    const clock = new FakeClock(1_000);
    const fired: string[] = [];
    const at = (name: string) => () => fired.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('c'), 300);
    clock.setTimeout(at('a'), 100);
    clock.setTimeout(at('b1'), 200);
    clock.setTimeout(at('b2'), 200);
    clock.advance(250);
    expect(fired).toEqual(['a@1100', 'b1@1200', 'b2@1200']);
    expect(clock.now()).toBe(1_250);
    clock.advance(50);
    expect(fired.at(-1)).toBe('c@1300');
    expect(clock.pendingTimers).toBe(0);
  });

  it('fires timers set by callbacks when they fall inside the same advance', () => {
    const clock = new FakeClock(0);
    const fired: number[] = [];
    const tick = () => {
      fired.push(clock.now());
      if (fired.length < 5) clock.setTimeout(tick, 10);
    };
    clock.setTimeout(tick, 10);
    clock.advance(35);
    expect(fired).toEqual([10, 20, 30]);
    clock.advance(100);
    expect(fired).toEqual([10, 20, 30, 40, 50]);
  });

  it('does not fire cancelled timers, and a zero delay fires on the next advance', () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    const t = clock.setTimeout(() => fired.push('cancelled'), 10);
    clock.setTimeout(() => fired.push('now'), 0);
    t.cancel();
    expect(fired).toEqual([]);
    clock.advance(0);
    clock.advance(20);
    expect(fired).toEqual(['now']);
  });

  it('advanceAsync lets awaited work run between timers', async () => {
    const clock = new FakeClock(0);
    const fired: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => {
        fired.push('awaited');
        clock.setTimeout(() => fired.push('follow-up'), 5);
      });
    }, 10);
    await clock.advanceAsync(20);
    expect(fired).toEqual(['awaited', 'follow-up']);
  });
});
