import type { Clock } from './ports.ts';

export interface PacerSettings {
  /** Sustained messages per second. */
  perSecond: number;
  /** Messages that may go at once after a quiet spell. */
  burst: number;
}

/**
 * Keeps the agent under the collector's per-device message rate (the gateway closes a
 * socket that exceeds it with 4429). Matters when a long outage left thousands of spans
 * in the outbox: they drain at a steady pace instead of tripping the limit and
 * reconnecting in a loop.
 */
export class SendPacer {
  readonly #perMs: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #last: number;

  constructor(settings: PacerSettings, clock: Clock) {
    this.#perMs = settings.perSecond / 1_000;
    this.#burst = settings.burst;
    this.#clock = clock;
    this.#tokens = settings.burst;
    this.#last = clock.now();
  }

  /** Resolves when one more message may be sent. */
  async take(): Promise<void> {
    for (;;) {
      const now = this.#clock.now();
      this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#perMs);
      this.#last = now;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      const waitMs = Math.ceil((1 - this.#tokens) / this.#perMs);
      await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, waitMs));
    }
  }
}
