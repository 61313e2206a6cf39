import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { makeEnvelope, sanitizeText, type LockPayload, type LockStatePayload } from '@vigil/shared/protocol';
import type { LockView } from './detector.service.ts';
import type { Outbox } from './outbox/index.ts';
import { messageRecord } from './outbox-records.ts';
import type { Clock, Notifier, ScreenLocker } from './ports.ts';

export interface LockServiceOptions {
  locker: ScreenLocker;
  notifier: Notifier;
  clock: Clock;
  outbox: Pick<Outbox, 'enqueue'>;
  log: Logger;
  /** How often the lock state is read back, to notice a lock lifted or applied outside the agent. */
  pollMs?: number;
}

interface TeacherLock {
  lockId: string;
  until?: number;
  timer?: { cancel(): void };
}

/**
 * Teacher locks from the collector (lock / unlock, optionally until a time) through the
 * ScreenLocker, and the screen's lock state for everyone else: the detector pauses while
 * it is locked, the heartbeat reports it, and every change is sent as `lock-state`.
 */
export class LockService implements LockView {
  readonly #o: Required<Pick<LockServiceOptions, 'pollMs'>> & LockServiceOptions;
  readonly #nextId = monotonicFactory();
  readonly #listeners = new Set<(locked: boolean) => void>();
  #locked = false;
  #teacher: TeacherLock | undefined;
  #pollTimer: { cancel(): void } | undefined;
  #running = false;
  /** Commands and polls run one at a time, so a poll never races a lock in progress. */
  #chain: Promise<void> = Promise.resolve();
  #writes: Promise<void> = Promise.resolve();

  constructor(opts: LockServiceOptions) {
    this.#o = { pollMs: 5_000, ...opts };
  }

  get locked(): boolean {
    return this.#locked;
  }

  /** The lock a teacher applied and that is still in force. */
  get teacherLockId(): string | undefined {
    return this.#teacher?.lockId;
  }

  onChange(listener: (locked: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#serial(async () => {
      const locked = await this.#readLocked();
      // A screen found locked at start-up is worth telling the collector; an unlocked one is the norm.
      if (locked === true) this.#set(true, { reason: 'startup' });
    });
    this.#schedulePoll();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#pollTimer?.cancel();
    this.#teacher?.timer?.cancel();
    await this.#chain;
    await this.#writes;
  }

  /** A `lock` message from the collector. */
  handle(cmd: LockPayload): Promise<void> {
    return this.#serial(() => (cmd.on ? this.#lock(cmd) : this.#unlock(cmd.lockId, 'teacher')));
  }

  async #lock(cmd: LockPayload): Promise<void> {
    const now = this.#o.clock.now();
    if (cmd.until !== undefined && cmd.until <= now) {
      this.#o.log.info({ lockId: cmd.lockId }, 'lock already expired; not applied');
      return;
    }
    if (this.#teacher?.lockId === cmd.lockId && this.#locked) return;
    try {
      await this.#o.locker.lock(cmd.message === undefined ? undefined : { message: cmd.message });
    } catch (err) {
      this.#o.log.error({ err, lockId: cmd.lockId }, 'could not lock the screen');
      return;
    }
    this.#teacher?.timer?.cancel();
    const teacher: TeacherLock = { lockId: cmd.lockId, until: cmd.until };
    if (cmd.until !== undefined) {
      teacher.timer = this.#o.clock.setTimeout(() => void this.#serial(() => this.#unlock(cmd.lockId, 'teacher')), cmd.until - now);
    }
    this.#teacher = teacher;
    this.#o.log.info({ lockId: cmd.lockId, until: cmd.until }, 'screen locked by a teacher');
    this.#set(true, { reason: 'teacher', lockId: cmd.lockId, message: cmd.message });
    if (cmd.message !== undefined && cmd.message !== '') {
      const from = cmd.by === undefined || cmd.by === '' ? 'your teacher' : cmd.by;
      this.#o.notifier.notify(`Screen locked by ${from}`, cmd.message).catch((err: unknown) => this.#o.log.warn({ err }, 'lock message not shown'));
    }
  }

  async #unlock(lockId: string, reason: 'teacher'): Promise<void> {
    const teacher = this.#teacher;
    if (teacher !== undefined && teacher.lockId !== lockId) {
      // An unlock for an older lock must not lift a newer one.
      this.#o.log.info({ lockId, current: teacher.lockId }, 'unlock for a lock not in force; ignored');
      return;
    }
    teacher?.timer?.cancel();
    this.#teacher = undefined;
    try {
      await this.#o.locker.unlock();
    } catch (err) {
      this.#o.log.error({ err, lockId }, 'could not unlock the screen');
    }
    const locked = (await this.#readLocked()) ?? false;
    this.#o.log.info({ lockId, locked }, 'teacher lock lifted');
    this.#set(locked, { reason, lockId }, true);
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#pollTimer = this.#o.clock.setTimeout(() => {
      void this.#serial(async () => {
        const locked = await this.#readLocked();
        if (locked === undefined || locked === this.#locked) return;
        if (!locked && this.#teacher !== undefined) {
          // The locker was closed at the keyboard (or died): the teacher lock is no longer in force.
          this.#o.log.warn({ lockId: this.#teacher.lockId }, 'teacher lock ended outside the agent');
          this.#teacher.timer?.cancel();
          this.#teacher = undefined;
        }
        this.#set(locked, { reason: 'os' });
      }).finally(() => this.#schedulePoll());
    }, this.#o.pollMs);
  }

  async #readLocked(): Promise<boolean | undefined> {
    try {
      return await this.#o.locker.isLocked();
    } catch (err) {
      this.#o.log.debug({ err }, 'lock state unreadable');
      return undefined;
    }
  }

  #set(locked: boolean, report?: Pick<LockStatePayload, 'reason' | 'lockId' | 'message'>, force = false): void {
    const changed = locked !== this.#locked;
    this.#locked = locked;
    if (report !== undefined && (changed || force)) this.#report(locked, report);
    if (changed) for (const listener of this.#listeners) listener(locked);
  }

  #report(locked: boolean, facts: Pick<LockStatePayload, 'reason' | 'lockId' | 'message'>): void {
    const at = this.#o.clock.now();
    const id = this.#nextId(at);
    const payload: LockStatePayload = { id, locked, reason: facts.reason, at };
    if (facts.lockId !== undefined) payload.lockId = facts.lockId;
    if (facts.message !== undefined) payload.message = sanitizeText(facts.message, 500);
    const record = messageRecord(makeEnvelope('lock-state', payload, { id, now: () => at }));
    this.#writes = this.#writes
      .then(() => this.#o.outbox.enqueue(record))
      .then(
        () => undefined,
        (err: unknown) => this.#o.log.error({ err }, 'could not queue lock-state'),
      );
  }

  /** Never rejects: a failed operation is logged and the next one runs. */
  #serial(op: () => Promise<void>): Promise<void> {
    this.#chain = this.#chain.then(op).catch((err: unknown) => this.#o.log.error({ err }, 'lock operation failed'));
    return this.#chain;
  }
}
