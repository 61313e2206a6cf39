import { backoffCeiling } from '@vigil/shared/backoff';
export interface BackoffOptions {
  initialMs?: number;
  maxMs?: number;
  /** 0..1: the share of each delay that is randomised, so many PCs don't retry in step. */
  jitter?: number;
}

/** Exponential backoff with jitter for restarting helper processes. */
export class Backoff {
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #jitter: number;
  #attempt = 0;

  constructor(opts: BackoffOptions = {}) {
    this.#initialMs = opts.initialMs ?? 500;
    this.#maxMs = opts.maxMs ?? 30_000;
    this.#jitter = opts.jitter ?? 0.2;
  }

  next(): number {
    const base = backoffCeiling(this.#attempt, { baseMs: this.#initialMs, capMs: this.#maxMs });
    this.#attempt += 1;
    return Math.round(base * (1 - this.#jitter * Math.random()));
  }

  reset(): void {
    this.#attempt = 0;
  }
}
