import type { Logger } from 'pino';
import type { Policy } from '@vigil/shared/protocol';
import type { LockView } from './detector.service.ts';
import type { Clock, IdleSource, Notifier } from './ports.ts';

/** What the idle lock needs of the LockService: the lock state and a way to lock for idleness. */
export interface IdleLockTarget extends LockView {
  /** Locks the screen with the OS lock / locker command; false when that failed. */
  lockForIdle(): Promise<boolean>;
}

/** What it needs of the PolicyState: the policy in force and its changes. */
export interface IdlePolicySource {
  readonly current: Readonly<Pick<Policy, 'idleLockMinutes' | 'idleWarningSeconds'>>;
  onChange(listener: () => void): () => void;
}

/**
 * - `off`: the policy's `idleLockMinutes` is 0.
 * - `watching`: counting idle time.
 * - `warning`: the warning is showing; the screen locks at `lockAt` unless input resumes.
 * - `locked`: the screen is locked (by this service or anyone else); counting resumes at unlock.
 */
export type IdleLockPhase = 'off' | 'watching' | 'warning' | 'locked';

export interface IdleLockState {
  phase: IdleLockPhase;
  /** While `warning`: when the screen locks (epoch ms). */
  lockAt?: number;
}

export interface IdleLockOptions {
  idle: IdleSource;
  lock: IdleLockTarget;
  notifier: Notifier;
  clock: Clock;
  policy: IdlePolicySource;
  log: Logger;
  /** Longest gap between idle readings while watching (default 60 s; usually the next reading is due sooner, see below). */
  maxPollMs?: number;
  /** Gap between idle readings while the warning shows, to notice input quickly (default 1 s). */
  warningPollMs?: number;
  /** After the locker failed, wait this long before trying again (default 60 s). */
  retryMs?: number;
}

const MIN_POLL_MS = 250;

/**
 * The policy's idle lock: after `idleLockMinutes` without input, lock the screen through
 * the LockService (OS lock / locker command), warning `idleWarningSeconds` before.
 *
 * Cheap by construction: idle time grows no faster than the clock, so while someone is
 * working the next reading is due when the warning could first be needed — one
 * `xprintidle` per several minutes, not one every few seconds. During the warning it is
 * read every second; input cancels the warning. Counting starts again when the screen is
 * unlocked (from the unlock, so a screen unlocked remotely is not locked again at once).
 * Policy changes apply at once, mid-countdown too; the screen is never locked without the
 * full warning first (unless the warning is 0 s). The warning is at most half the idle time.
 */
export class IdleLockService {
  readonly #o: Required<Pick<IdleLockOptions, 'maxPollMs' | 'warningPollMs' | 'retryMs'>> & IdleLockOptions;
  readonly #listeners = new Set<(state: Readonly<IdleLockState>) => void>();
  readonly #unsubscribe: (() => void)[] = [];
  #state: IdleLockState = { phase: 'off' };
  #running = false;
  #timer: { cancel(): void } | undefined;
  #polling = false;
  #pollAgain = false;
  /** Idle time counts from here at most (the last unlock). */
  #countFrom = 0;
  #idleFailed = false;
  readonly stats = { warnings: 0, cancelled: 0, locks: 0, lockFailures: 0 };

  constructor(opts: IdleLockOptions) {
    this.#o = { maxPollMs: 60_000, warningPollMs: 1_000, retryMs: 60_000, ...opts };
  }

  get state(): Readonly<IdleLockState> {
    return this.#state;
  }

  /** Called on every phase change (the Electron shell shows and hides its countdown with it). */
  onChange(listener: (state: Readonly<IdleLockState>) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#unsubscribe.push(
      this.#o.policy.onChange(() => this.#pollSoon()),
      this.#o.lock.onChange((locked) => {
        if (!locked) this.#countFrom = this.#o.clock.now();
        this.#pollSoon();
      }),
    );
    this.#pollSoon();
  }

  stop(): void {
    this.#running = false;
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#timer?.cancel();
    this.#timer = undefined;
  }

  #pollSoon(): void {
    this.#schedule(0);
  }

  #schedule(ms: number): void {
    if (!this.#running) return;
    this.#timer?.cancel();
    this.#timer = this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#poll();
    }, ms);
  }

  async #poll(): Promise<void> {
    if (this.#polling) {
      this.#pollAgain = true;
      return;
    }
    this.#polling = true;
    try {
      do {
        this.#pollAgain = false;
        await this.#step();
      } while (this.#pollAgain && this.#running);
    } catch (err) {
      this.#o.log.error({ err }, 'idle lock check failed');
      this.#schedule(this.#o.maxPollMs);
    } finally {
      this.#polling = false;
    }
  }

  async #step(): Promise<void> {
    const { idleLockMinutes, idleWarningSeconds } = this.#o.policy.current;
    const limitS = idleLockMinutes * 60;
    if (limitS === 0) {
      // Off: nothing to read until the policy changes.
      this.#timer?.cancel();
      return this.#enter({ phase: 'off' }, 'turned off by policy');
    }
    if (this.#o.lock.locked) {
      // Locked by us or anyone else: nothing to count until the unlock (onChange).
      this.#timer?.cancel();
      return this.#enter({ phase: 'locked' }, 'screen locked');
    }
    const warnS = Math.min(idleWarningSeconds, Math.floor(limitS / 2));
    let idleS: number;
    try {
      idleS = Math.min(await this.#o.idle.idleSeconds(), (this.#o.clock.now() - this.#countFrom) / 1_000);
      this.#idleFailed = false;
    } catch (err) {
      if (!this.#idleFailed) this.#o.log.warn({ err }, 'idle time unavailable; the idle lock waits for it');
      this.#idleFailed = true;
      return this.#schedule(this.#o.maxPollMs);
    }
    if (!this.#running || this.#o.lock.locked) return;
    const now = this.#o.clock.now();
    const warnFromS = limitS - warnS;

    if (idleS < warnFromS) {
      if (this.#state.phase === 'warning') {
        this.stats.cancelled++;
        this.#o.log.info('idle lock warning cancelled: input resumed');
      }
      this.#enter({ phase: 'watching' });
      return this.#schedule(clamp((warnFromS - idleS) * 1_000, MIN_POLL_MS, this.#o.maxPollMs));
    }

    if (this.#state.phase !== 'warning') {
      // Always the full warning, even when the policy shortened the idle time mid-way.
      const lockAt = now + warnS * 1_000;
      this.#enter({ phase: 'warning', lockAt }, 'warning shown');
      if (warnS > 0) {
        this.stats.warnings++;
        this.#warn(warnS);
        return this.#schedule(clamp(warnS * 1_000, MIN_POLL_MS, this.#o.warningPollMs));
      }
    }
    const lockAt = this.#state.lockAt ?? now;
    if (now < lockAt) return this.#schedule(clamp(lockAt - now, MIN_POLL_MS, this.#o.warningPollMs));

    const locked = await this.#o.lock.lockForIdle();
    if (locked) {
      this.stats.locks++;
      return this.#enter({ phase: 'locked' }, 'screen locked');
    }
    this.stats.lockFailures++;
    // Stay in the warning without showing it again; try again later.
    this.#enter({ phase: 'warning', lockAt: this.#o.clock.now() + this.#o.retryMs });
    this.#schedule(this.#o.retryMs);
  }

  #warn(seconds: number): void {
    const body = `This computer will lock in ${seconds} seconds — move the mouse or press a key to stay signed in`;
    this.#o.notifier
      .notify('Screen lock', body, { countdownTo: this.#o.clock.now() + seconds * 1_000 })
      .catch((err: unknown) => this.#o.log.warn({ err }, 'idle lock warning not shown'));
  }

  #enter(state: IdleLockState, why?: string): void {
    const prev = this.#state;
    this.#state = state;
    if (prev.phase === state.phase && prev.lockAt === state.lockAt) return;
    if (why !== undefined && prev.phase !== state.phase) this.#o.log.debug({ phase: state.phase, lockAt: state.lockAt }, `idle lock: ${why}`);
    for (const listener of this.#listeners) listener(state);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.ceil(value)));
}
