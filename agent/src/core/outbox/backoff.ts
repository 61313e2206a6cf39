// The outbox sender's retry wait: the project's one backoff (shared/src/backoff) with full
// jitter — uniform in [0, min(cap, base·2^attempt)] — which spreads a classroom of agents that
// lost the collector at the same moment instead of having them retry in lock-step.
import { backoffCeiling as sharedCeiling, backoffDelay as sharedDelay, type BackoffPolicy } from '@vigil/shared/backoff';

export type { BackoffPolicy };

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({ baseMs: 500, capMs: 60_000 });

/** Upper bound of the wait before retry number `attempt` (0 for the first retry). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return sharedCeiling(attempt, policy);
}

/** `random` returns a number in [0, 1), like Math.random; values outside are clamped. */
export function backoffDelay(attempt: number, random: () => number = Math.random, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return sharedDelay(attempt, policy, 'full', random);
}
