// Exponential backoff with "full jitter" (Brooker, AWS Architecture Blog, 2015): the wait
// is uniform in [0, min(cap, base·2^attempt)], which spreads a classroom of agents that
// lost the collector at the same moment instead of having them retry in lock-step.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 500, capMs: 60_000 });

/** Upper bound of the wait before retry number `attempt` (0 for the first retry). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt));
}

/** `random` returns a number in [0, 1), like Math.random; values outside are clamped. */
export function backoffDelay(attempt: number, random: () => number = Math.random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const raw = random();
  const r = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
  return Math.floor(r * backoffCeiling(attempt, policy));
}
