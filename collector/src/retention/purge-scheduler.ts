import type { FastifyBaseLogger as Logger } from 'fastify';
import { systemActor } from '../audit/actor.ts';
import type { RetentionPurge } from './retention-purge.service.ts';

export interface PurgeSchedulerOptions {
  readonly purge: Pick<RetentionPurge, 'run'>;
  readonly log: Logger;
  /** First run this long after `start()`. */
  readonly startDelayMs: number;
  /** Then this long after each run ends (so runs never overlap, however slow). */
  readonly intervalMs: number;
}

/**
 * Runs the purge once after start-up and then every `intervalMs`. A failed run is
 * logged and tried again at the next tick; nothing it throws reaches the process.
 * Timers are unref'd: a pending purge never keeps the collector alive on shutdown.
 */
export class PurgeScheduler {
  readonly #options: PurgeSchedulerOptions;
  #timer: NodeJS.Timeout | undefined;
  #inFlight: Promise<void> | undefined;
  #stopped = false;
  #nextRunAt: Date | undefined;

  constructor(options: PurgeSchedulerOptions) {
    this.#options = options;
  }

  /** When the next scheduled run is due (undefined while one runs or after stop). */
  get nextRunAt(): Date | undefined {
    return this.#nextRunAt;
  }

  start(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#schedule(this.#options.startDelayMs, 'startup');
  }

  /** Cancels the timer and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#nextRunAt = undefined;
    await this.#inFlight;
  }

  #schedule(delayMs: number, trigger: 'startup' | 'schedule'): void {
    if (this.#stopped) return;
    this.#nextRunAt = new Date(Date.now() + delayMs);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#nextRunAt = undefined;
      this.#inFlight = this.#tick(trigger).finally(() => {
        this.#inFlight = undefined;
        this.#schedule(this.#options.intervalMs, 'schedule');
      });
    }, delayMs);
    this.#timer.unref();
  }

  async #tick(trigger: 'startup' | 'schedule'): Promise<void> {
    try {
      const outcome = await this.#options.purge.run(trigger, systemActor);
      if (!outcome.ran) this.#options.log.debug('retention purge skipped: another run holds the lock');
    } catch (error) {
      this.#options.log.error({ err: error }, 'retention purge failed; retrying at the next interval');
    }
  }
}
