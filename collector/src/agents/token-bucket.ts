export interface TokenBucketOptions {
  /** Tokens added per second (the sustained message rate). */
  readonly perSecond: number;
  /** Bucket size: how many messages may arrive at once after a quiet spell. */
  readonly burst: number;
}

/**
 * Per-device message-rate limit. A bucket is two numbers, so ten thousand idle
 * sockets cost nothing; refilling happens lazily when a message arrives.
 */
export class TokenBucket {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #last: number;

  constructor(options: TokenBucketOptions, now: () => number = performance.now.bind(performance)) {
    this.#perMs = options.perSecond / 1000;
    this.#burst = options.burst;
    this.#now = now;
    this.#tokens = options.burst;
    this.#last = now();
  }

  /** Takes one token; false when the bucket is empty (the caller refuses the message). */
  take(): boolean {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
