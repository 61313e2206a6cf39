import type { Clock, IdleSource } from '../../core/ports.ts';

/**
 * Idle time set by the test. Given a clock, idle time also grows as that clock advances, and input() resets it,
 * so idle-lock logic can be driven by FakeClock alone.
 */
export class FakeIdleSource implements IdleSource {
  readonly #clock: Clock | undefined;
  #seconds = 0;
  #lastInput: number;

  constructor(clock?: Clock) {
    this.#clock = clock;
    this.#lastInput = clock?.now() ?? 0;
  }

  set(seconds: number): void {
    this.#seconds = seconds;
    if (this.#clock !== undefined) this.#lastInput = this.#clock.now() - seconds * 1_000;
  }

  /** The person at the PC touched the keyboard or mouse. */
  input(): void {
    this.set(0);
  }

  async idleSeconds(): Promise<number> {
    return this.#clock === undefined ? this.#seconds : (this.#clock.now() - this.#lastInput) / 1_000;
  }
}
