import type { Clock } from '../../core/ports.ts';

interface Timer {
  due: number;
  seq: number;
  fn: () => void;
}

const MAX_TIMER_MS = 2_147_483_647;

/** A clock that only moves when told to; timers fire in due order (ties in the order they were set). */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers: Timer[] = [];

  constructor(start = Date.UTC(2025, 0, 6, 9, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    // Like Node's setTimeout: a delay beyond 2^31-1 ms (~24.8 days) fires almost at once.
    const delay = ms > MAX_TIMER_MS ? 1 : Math.max(0, ms);
    const timer: Timer = { due: this.#now + delay, seq: this.#seq++, fn };
    this.#timers.push(timer);
    return {
      cancel: () => {
        this.#timers = this.#timers.filter((t) => t !== timer);
      },
    };
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way at its own due time, including
   * timers set by the callbacks themselves.
   */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#now = timer.due;
      timer.fn();
    }
    this.#now = target;
  }

  /** Like advance(), but lets promise callbacks run after each timer (for code that awaits between timers). */
  async advanceAsync(ms: number): Promise<void> {
    const target = this.#now + ms;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#now = timer.due;
      timer.fn();
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    this.#now = target;
  }

  #nextDue(target: number): Timer | undefined {
    let next: Timer | undefined;
    for (const t of this.#timers) {
      if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.seq < next.seq))) next = t;
    }
    if (next !== undefined) this.#timers = this.#timers.filter((t) => t !== next);
    return next;
  }
}
