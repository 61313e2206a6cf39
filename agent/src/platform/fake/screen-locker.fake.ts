import type { LockRequest, ScreenLocker } from '../../core/ports.ts';

export type LockerCall = ({ op: 'lock' } & LockRequest) | { op: 'unlock' };

/**
 * Records lock / unlock calls; the test can also unlock "at the keyboard" with setLocked(false).
 * Like the real lockers, unlock() lifts a teacher lock but not an idle lock: the person signs in themselves.
 */
export class FakeScreenLocker implements ScreenLocker {
  readonly calls: LockerCall[] = [];
  #locked = false;
  #idleHeld = false;
  readonly #lostListeners = new Set<() => void>();
  /** When set, the next lock() rejects with this error (a locker that will not start). */
  failNextLock: Error | undefined;
  /** A lock screen that shows the teacher's message itself (the Linux agent's own window). */
  showsMessage = false;

  async lock(opts?: LockRequest): Promise<void> {
    this.calls.push({ op: 'lock', ...opts });
    const failure = this.failNextLock;
    if (failure !== undefined) {
      this.failNextLock = undefined;
      throw failure;
    }
    this.#locked = true;
    if (opts?.reason === 'idle') this.#idleHeld = true;
  }

  async unlock(): Promise<void> {
    this.calls.push({ op: 'unlock' });
    if (!this.#idleHeld) this.#locked = false;
  }

  async isLocked(): Promise<boolean> {
    return this.#locked;
  }

  onLost(listener: () => void): () => void {
    this.#lostListeners.add(listener);
    return () => this.#lostListeners.delete(listener);
  }

  /** The locker is killed (kill -9): the screen is open and the loss is told at once, as the Node locker does. */
  kill(): void {
    this.setLocked(false);
    for (const listener of this.#lostListeners) listener();
  }

  /** The person at the PC (or the OS) locked or unlocked the screen. */
  setLocked(locked: boolean): void {
    this.#locked = locked;
    if (!locked) this.#idleHeld = false;
  }
}
