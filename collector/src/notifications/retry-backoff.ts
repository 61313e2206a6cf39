import { backoffDelay } from '@vigil/shared/backoff';

// Notification retries wait the project's one backoff (shared/src/backoff) with equal
// jitter: half the ceiling is fixed and half random, so a failed send is never retried at
// once (full jitter may draw 0 ms) yet many failures do not retry in lock-step.

export interface RetryPolicy {
  readonly baseMs: number;
  readonly capMs: number;
  /** Attempts in all (the first send included); then the message is given up as failed. */
  readonly maxAttempts: number;
}

/** 1 s, 2 s, 4 s … up to 5 minutes; 10 attempts span about 20 minutes. */
export const defaultRetryPolicy: RetryPolicy = Object.freeze({ baseMs: 1_000, capMs: 5 * 60_000, maxAttempts: 10 });

/** The wait after failed attempt number `attempt` (1 for the first send). `random` is in [0, 1). */
export function retryDelayMs(attempt: number, random: () => number = Math.random, policy: RetryPolicy = defaultRetryPolicy): number {
  return backoffDelay(attempt - 1, policy, 'equal', random);
}

/** Whether the message should be tried again after failed attempt number `attempt`. */
export function shouldRetry(attempt: number, policy: RetryPolicy = defaultRetryPolicy): boolean {
  return attempt < policy.maxAttempts;
}
