// The one exponential backoff of the project: the agent's outbox and reconnects, the browser
// agent, the console's sockets, the collector's notification retries and the helper restarts all
// wait `backoffDelay`. The ceiling doubles from `baseMs` to `capMs`; the jitter spreads a
// classroom (or a trust) of clients that failed at the same moment (Brooker, "Exponential
// Backoff And Jitter", AWS Architecture Blog, 2015):
//   full  — uniform in [0, ceiling]: the widest spread, may retry at once;
//   equal — half the ceiling fixed, half random: never retries at once.

export interface BackoffPolicy {
  readonly baseMs: number;
  readonly capMs: number;
}

export type Jitter = 'full' | 'equal';

/** Upper bound of the wait before retry number `attempt` (0 for the first retry). */
export function backoffCeiling(attempt: number, policy: BackoffPolicy): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 52);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
}

/** `random` returns a number in [0, 1), like Math.random; values outside (and NaN) are clamped. */
export function backoffDelay(attempt: number, policy: BackoffPolicy, jitter: Jitter, random: () => number = Math.random): number {
  const raw = random();
  const r = Number.isFinite(raw) ? Math.min(1, Math.max(0, raw)) : 0;
  const ceiling = backoffCeiling(attempt, policy);
  return jitter === 'full' ? Math.floor(r * ceiling) : Math.floor(ceiling / 2 + (r * ceiling) / 2);
}
