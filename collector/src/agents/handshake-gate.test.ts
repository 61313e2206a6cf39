import { afterEach, describe, expect, it, vi } from 'vitest';
import { HandshakeGate, type Release } from './handshake-gate.ts';

afterEach(() => vi.useRealTimers());

describe('the login gate', () => {
  it('lets maxConcurrent in, holds the next ones in order, and lets one in per release', async () => {
    const gate = new HandshakeGate({ maxConcurrent: 2, maxQueued: 10, maxWaitMs: 60_000 });
    const first = await gate.enter();
    const second = await gate.enter();
    const order: number[] = [];
    const waiting = [3, 4, 5].map((n) => gate.enter().then((release) => (order.push(n), release)));
    expect(gate.stats()).toMatchObject({ active: 2, queued: 3 });
    first?.();
    first?.(); // twice is once
    const third = await waiting[0];
    expect(order).toEqual([3]);
    expect(gate.stats()).toMatchObject({ active: 2, queued: 2 });
    second?.();
    third?.();
    const rest = await Promise.all(waiting.slice(1));
    expect(order).toEqual([3, 4, 5]);
    expect(gate.stats()).toMatchObject({ active: 2, queued: 0, turnedAway: 0, peakQueued: 3 });
    for (const release of rest) release?.();
    expect(gate.stats().active).toBe(0);
  });

  it('turns a login away at once when the queue is full', async () => {
    const gate = new HandshakeGate({ maxConcurrent: 1, maxQueued: 1, maxWaitMs: 60_000 });
    const running = await gate.enter();
    const queued = gate.enter();
    expect(await gate.enter()).toBeUndefined();
    expect(gate.stats()).toMatchObject({ active: 1, queued: 1, turnedAway: 1 });
    running?.();
    expect(await queued).toBeTypeOf('function');
  });

  it('turns away a login that waited maxWaitMs, and its place does not block the ones after it', async () => {
    vi.useFakeTimers();
    const gate = new HandshakeGate({ maxConcurrent: 1, maxQueued: 10, maxWaitMs: 1_000 });
    const running = (await gate.enter()) as Release;
    const early = gate.enter();
    await vi.advanceTimersByTimeAsync(600);
    const late = gate.enter();
    await vi.advanceTimersByTimeAsync(500);
    expect(await early).toBeUndefined();
    expect(gate.stats()).toMatchObject({ queued: 1, turnedAway: 1 });
    running();
    expect(await late).toBeTypeOf('function');
    expect(gate.stats()).toMatchObject({ active: 1, queued: 0 });
  });

  it('tells a turned-away login to come back when the ones ahead of it will be through, 1 to 20 s', async () => {
    let now = 1_000_000;
    const gate = new HandshakeGate({ maxConcurrent: 1, maxQueued: 2, maxWaitMs: 60_000 }, () => now);
    // Nothing finished yet: the assumed 20 ms a login, and nobody ahead → the 1 s floor.
    expect(gate.retryAfterMs()).toBe(1_000);
    // 50 logins finish within a second: 10 a second over the 5-second window.
    for (let i = 0; i < 50; i++) (await gate.enter())?.();
    // Two waiting and 98 turned away are ahead of the next one: 100 at 10/s = 10 s.
    const running = await gate.enter();
    const waiting = [gate.enter(), gate.enter()];
    for (let i = 0; i < 98; i++) expect(await gate.enter()).toBeUndefined();
    expect(gate.retryAfterMs()).toBe(10_000);
    // A crowd far beyond what 20 s can take is still told 20 s.
    for (let i = 0; i < 1_000; i++) await gate.enter();
    expect(gate.retryAfterMs()).toBe(20_000);
    // Six seconds on, the window has forgotten them (and the rate: assumed again).
    now += 6_000;
    expect(gate.retryAfterMs()).toBe(1_000);
    running?.();
    for (const turn of waiting) (await turn)?.();
    expect(gate.stats()).toMatchObject({ active: 0, queued: 0 });
  });
});
