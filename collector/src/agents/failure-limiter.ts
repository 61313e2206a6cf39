export interface FailureLimit {
  /** Failures allowed per key within the window; the next attempt is refused. */
  readonly maxFailures: number;
  readonly windowMs: number;
}

interface Window {
  startedAt: number;
  failures: number;
}

/** Beyond this many tracked keys, expired windows are swept before adding another. */
const sweepThreshold = 10_000;

/**
 * Counts authentication failures per key (an IP address, a device id) in fixed
 * windows. A blocked key is refused without touching the database, so a guessing
 * client costs the collector almost nothing.
 */
export class FailureLimiter {
  readonly #limit: FailureLimit;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(limit: FailureLimit, now: () => number = Date.now) {
    this.#limit = limit;
    this.#now = now;
  }

  isBlocked(key: string): boolean {
    const window = this.#live(key);
    return window !== undefined && window.failures >= this.#limit.maxFailures;
  }

  recordFailure(key: string): void {
    const window = this.#live(key);
    if (window !== undefined) {
      window.failures++;
      return;
    }
    if (this.#windows.size >= sweepThreshold) this.#sweep();
    this.#windows.set(key, { startedAt: this.#now(), failures: 1 });
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  #live(key: string): Window | undefined {
    const window = this.#windows.get(key);
    if (window === undefined) return undefined;
    if (this.#now() - window.startedAt >= this.#limit.windowMs) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  #sweep(): void {
    const now = this.#now();
    for (const [key, window] of this.#windows) {
      if (now - window.startedAt >= this.#limit.windowMs) this.#windows.delete(key);
    }
  }
}
