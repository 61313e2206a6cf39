import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { makeEnvelope, sanitizeText, type LockPayload, type LockStatePayload } from '@vigil/shared/protocol';
import type { LockView } from './detector.service.ts';
import type { Outbox } from './outbox/index.ts';
import { messageRecord } from './outbox-records.ts';
import type { Clock, LockRequest, Notifier, ScreenLocker } from './ports.ts';
import type { TeacherLock, TeacherLockStore } from './teacher-lock.store.ts';

export interface LockServiceOptions {
  locker: ScreenLocker;
  notifier: Notifier;
  clock: Clock;
  outbox: Pick<Outbox, 'enqueue'>;
  log: Logger;
  /** How often the lock state is read back, to notice a lock lifted or applied outside the agent. */
  pollMs?: number;
  /** Keeps the teacher lock in force across restarts (the state folder); without it a restart forgets it. */
  store?: Pick<TeacherLockStore, 'read' | 'write' | 'clear'>;
}

type Report = Pick<LockStatePayload, 'reason' | 'lockId' | 'message'>;
type HeldLock = TeacherLock & { timer?: { cancel(): void } };

/** Least time between two checks asked for by the locker's loss signal. */
const LOST_CHECK_SPACING_MS = 250;

/** setTimeout's limit (~24.8 days); a timed lock may run 30 days, so long waits are chained. */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Teacher locks from the collector (lock / unlock, optionally until a time) and idle locks
 * from the IdleLockService, through the ScreenLocker; and the screen's lock state for
 * everyone else: the detector pauses while it is locked, the heartbeat reports it, and
 * every change is sent as `lock-state`.
 *
 * A teacher lock holds: it is kept on disk and re-applied at start-up before the collector
 * is reachable, and re-applied when the locker ends outside the agent (closed, killed, or
 * unlocked with the pupil's own password): at once when the locker tells its loss (`onLost`),
 * else at the next poll. Lock ids are ordered (the collector's are
 * ULIDs): an unlock for an older lock never lifts a newer one, and one for a newer lock —
 * the collector's state after a reconnect — lifts whatever lock is in force.
 */
export class LockService implements LockView {
  readonly #o: Required<Pick<LockServiceOptions, 'pollMs'>> & LockServiceOptions;
  readonly #nextId = monotonicFactory();
  readonly #listeners = new Set<(locked: boolean) => void>();
  #locked = false;
  #teacher: HeldLock | undefined;
  /** The agent applied an idle lock that is still in force. */
  #idleLocked = false;
  #reapplyFailures = 0;
  #pollTimer: { cancel(): void } | undefined;
  #running = false;
  #stopWatching: (() => void) | undefined;
  /** A check asked for by the locker's loss signal and not run yet; when the last one ran. */
  #lostCheck: { cancel(): void } | undefined;
  #lastLostCheckAt = Number.NEGATIVE_INFINITY;
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

  /** The teacher lock in force (message, who, until), for a lock screen that shows it. */
  get teacherLock(): Readonly<TeacherLock> | undefined {
    const t = this.#teacher;
    return t === undefined ? undefined : withoutTimer(t);
  }

  /** True while an idle lock the agent applied is in force. */
  get idleLocked(): boolean {
    return this.#idleLocked;
  }

  onChange(listener: (locked: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Re-applies a stored teacher lock (before any connection), reads the lock state, starts polling it. */
  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#serial(async () => {
      await this.#restore();
      const locked = await this.#readLocked();
      // A screen found locked at start-up is worth telling the collector; an unlocked one is the norm.
      if (locked === true && !this.#locked) this.#set(true, { reason: 'startup' });
    });
    this.#schedulePoll();
    this.#stopWatching = this.#o.locker.onLost?.(() => this.#onLost());
  }

  /** Stops polling. A teacher lock in force stays on disk and on screen: it outlives the agent. */
  async stop(): Promise<void> {
    this.#running = false;
    this.#stopWatching?.();
    this.#lostCheck?.cancel();
    this.#pollTimer?.cancel();
    this.#teacher?.timer?.cancel();
    await this.#chain;
    await this.#writes;
  }

  /** A `lock` message from the collector. */
  handle(cmd: LockPayload): Promise<void> {
    return this.#serial(() => (cmd.on ? this.#lock(withoutUndefined(cmd), 'collector') : this.#unlock(cmd.lockId)));
  }

  /**
   * The idle lock (IdleLockService): the OS lock / locker command. Resolves true once the
   * screen is locked (or already was), false when the locker failed (logged).
   */
  lockForIdle(): Promise<boolean> {
    let ok = false;
    return this.#serial(async () => {
      if (this.#locked) {
        ok = true;
        return;
      }
      try {
        await this.#o.locker.lock({ reason: 'idle' });
      } catch (err) {
        this.#o.log.error({ err }, 'could not lock the idle screen');
        return;
      }
      ok = true;
      this.#idleLocked = true;
      this.#o.log.info('screen locked after the idle time');
      this.#set(true, { reason: 'idle' });
    }).then(() => ok);
  }

  async #restore(): Promise<void> {
    const store = this.#o.store;
    if (store === undefined) return;
    const stored = await store.read();
    if (!stored.ok) {
      if (stored.code !== 'missing') {
        this.#o.log.warn({ code: stored.code, detail: stored.detail }, 'stored teacher lock unreadable; ignored');
        await this.#clearStore();
      }
      return;
    }
    const lock = stored.value;
    if (lock.until !== undefined && lock.until <= this.#o.clock.now()) {
      this.#o.log.info({ lockId: lock.lockId }, 'the stored teacher lock ended while the agent was off; not applied');
      await this.#clearStore();
      return;
    }
    this.#o.log.info({ lockId: lock.lockId, until: lock.until }, 'teacher lock restored from the state folder');
    await this.#lock(lock, 'restored');
  }

  async #lock(lock: TeacherLock, source: 'collector' | 'restored' | 'reapplied'): Promise<void> {
    const now = this.#o.clock.now();
    if (lock.until !== undefined && lock.until <= now) {
      this.#o.log.info({ lockId: lock.lockId }, 'lock already expired; not applied');
      return;
    }
    const current = this.#teacher;
    if (source !== 'reapplied' && current !== undefined) {
      if (current.lockId === lock.lockId && this.#locked) return;
      if (olderThan(lock.lockId, current.lockId)) {
        this.#o.log.info({ lockId: lock.lockId, current: current.lockId }, 'lock older than the one in force; ignored');
        return;
      }
    }
    const request: LockRequest = { reason: 'teacher' };
    if (lock.message !== undefined) request.message = lock.message;
    if (lock.by !== undefined) request.by = lock.by;
    if (lock.until !== undefined) request.until = lock.until;
    try {
      await this.#o.locker.lock(request);
    } catch (err) {
      this.#o.log.error({ err, lockId: lock.lockId }, 'could not lock the screen');
      // A lock kept from the last run is still in force (the collector may be out of reach):
      // hold it, and the next lock-state poll tries again.
      if (source === 'restored') this.#hold(lock);
      return;
    }
    current?.timer?.cancel();
    this.#hold(lock);
    this.#reapplyFailures = 0;
    if (source === 'collector') await this.#persist(lock);
    this.#o.log.info({ lockId: lock.lockId, until: lock.until, source }, 'screen locked by a teacher');
    this.#set(true, { reason: 'teacher', lockId: lock.lockId, message: lock.message }, true);
    // The agent's own lock screen shows the message itself; an OS locker has nowhere to put it.
    if (source !== 'reapplied' && lock.message !== undefined && lock.message !== '' && this.#o.locker.showsMessage !== true) {
      const from = lock.by === undefined || lock.by === '' ? 'your teacher' : lock.by;
      this.#o.notifier.notify(`Screen locked by ${from}`, lock.message).catch((err: unknown) => this.#o.log.warn({ err }, 'lock message not shown'));
    }
  }

  async #unlock(lockId: string): Promise<void> {
    const teacher = this.#teacher;
    if (teacher === undefined) {
      // Nothing of ours to lift (the collector re-sends its last state on every reconnect).
      this.#o.log.debug({ lockId }, 'unlock with no teacher lock in force');
      return;
    }
    if (teacher.lockId !== lockId && olderThan(lockId, teacher.lockId)) {
      // An unlock for an older lock must not lift a newer one.
      this.#o.log.info({ lockId, current: teacher.lockId }, 'unlock for a lock not in force; ignored');
      return;
    }
    teacher.timer?.cancel();
    this.#teacher = undefined;
    await this.#clearStore();
    try {
      // An idle lock stays: the locker lifts only the teacher's part (the pupil signs in themselves).
      await this.#o.locker.unlock();
    } catch (err) {
      this.#o.log.error({ err, lockId }, 'could not unlock the screen');
    }
    const locked = (await this.#readLocked()) ?? false;
    if (!locked) this.#idleLocked = false;
    this.#o.log.info({ lockId: teacher.lockId, by: lockId, locked }, 'teacher lock lifted');
    this.#set(locked, { reason: 'teacher', lockId: teacher.lockId }, true);
  }

  #hold(lock: TeacherLock): void {
    const teacher: HeldLock = { ...lock };
    this.#teacher = teacher;
    this.#armExpiry(teacher);
  }

  #armExpiry(teacher: HeldLock): void {
    const until = teacher.until;
    if (until === undefined) return;
    const wait = Math.min(MAX_TIMER_MS, Math.max(0, until - this.#o.clock.now()));
    teacher.timer = this.#o.clock.setTimeout(() => {
      if (this.#teacher !== teacher) return;
      if (this.#o.clock.now() < until) this.#armExpiry(teacher);
      else void this.#serial(() => this.#unlock(teacher.lockId));
    }, wait);
  }

  #schedulePoll(): void {
    if (!this.#running) return;
    this.#pollTimer = this.#o.clock.setTimeout(() => {
      void this.#serial(() => this.#poll()).finally(() => this.#schedulePoll());
    }, this.#o.pollMs);
  }

  /**
   * The locker says the lock it put up ended (killed, closed): check now rather than at the next poll, so a
   * teacher lock is back within a moment. At most one check per LOST_CHECK_SPACING_MS: a locker that dies
   * as soon as it is up cannot spin the agent.
   */
  #onLost(): void {
    if (!this.#running || this.#lostCheck !== undefined) return;
    const wait = Math.max(0, this.#lastLostCheckAt + LOST_CHECK_SPACING_MS - this.#o.clock.now());
    this.#lostCheck = this.#o.clock.setTimeout(() => {
      this.#lostCheck = undefined;
      this.#lastLostCheckAt = this.#o.clock.now();
      this.#o.log.info({ teacherLock: this.#teacher?.lockId }, 'the locker ended outside the agent; checking the lock at once');
      void this.#serial(() => this.#poll());
    }, wait);
  }

  async #poll(): Promise<void> {
    const locked = await this.#readLocked();
    if (locked === undefined) return;
    const teacher = this.#teacher;
    if (!locked && teacher !== undefined) {
      await this.#reapply(teacher);
      return;
    }
    if (locked === this.#locked) return;
    if (locked) {
      this.#set(true, { reason: 'os' });
    } else if (this.#idleLocked) {
      this.#idleLocked = false;
      this.#o.log.info('idle lock ended');
      this.#set(false, { reason: 'idle' });
    } else {
      this.#set(false, { reason: 'os' });
    }
  }

  /** The locker ended while a teacher lock is in force (closed, killed, unlocked at the keyboard): lock again. */
  async #reapply(teacher: TeacherLock): Promise<void> {
    if (this.#locked) {
      this.#o.log.warn({ lockId: teacher.lockId }, 'teacher lock ended outside the agent; locking again');
      this.#set(false, { reason: 'os', lockId: teacher.lockId });
      this.#idleLocked = false;
    }
    await this.#lock(withoutTimer(teacher), 'reapplied');
    if (this.#locked) return;
    this.#reapplyFailures++;
    // Logged on the 1st, 2nd, 4th, 8th… failure: a locker that cannot start must not flood the log.
    if ((this.#reapplyFailures & (this.#reapplyFailures - 1)) === 0) {
      this.#o.log.error({ lockId: teacher.lockId, failures: this.#reapplyFailures }, 'teacher lock could not be applied again; retrying');
    }
  }

  async #persist(lock: TeacherLock): Promise<void> {
    try {
      await this.#o.store?.write(lock);
    } catch (err) {
      this.#o.log.error({ err, lockId: lock.lockId }, 'could not store the teacher lock: a restart would lift it');
    }
  }

  async #clearStore(): Promise<void> {
    try {
      await this.#o.store?.clear();
    } catch (err) {
      this.#o.log.error({ err }, 'could not remove the stored teacher lock');
    }
  }

  async #readLocked(): Promise<boolean | undefined> {
    try {
      return await this.#o.locker.isLocked();
    } catch (err) {
      this.#o.log.debug({ err }, 'lock state unreadable');
      return undefined;
    }
  }

  #set(locked: boolean, report?: Report, force = false): void {
    const changed = locked !== this.#locked;
    this.#locked = locked;
    if (report !== undefined && (changed || force)) this.#report(locked, report);
    if (changed) for (const listener of this.#listeners) listener(locked);
  }

  #report(locked: boolean, facts: Report): void {
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

/**
 * Lock ids from the collector are ULIDs, which sort by time; other ids (tests, older
 * collectors) compare the same way. Equal ids are not older.
 */
function olderThan(a: string, b: string): boolean {
  return a.length === b.length ? a < b : a.length < b.length;
}

function withoutUndefined(cmd: LockPayload): TeacherLock {
  const lock: TeacherLock = { lockId: cmd.lockId };
  if (cmd.message !== undefined) lock.message = cmd.message;
  if (cmd.by !== undefined) lock.by = cmd.by;
  if (cmd.until !== undefined) lock.until = cmd.until;
  return lock;
}

function withoutTimer(t: TeacherLock & { timer?: unknown }): TeacherLock {
  const { timer: _timer, ...lock } = t;
  return lock;
}
