import type { ScreenLocker } from '../../core/ports.ts';

export type LockerCall = { op: 'lock'; message?: string } | { op: 'unlock' };

/** Records lock / unlock calls; the test can also unlock "at the keyboard" with setLocked(false). */
export class FakeScreenLocker implements ScreenLocker {
  readonly calls: LockerCall[] = [];
  #locked = false;
  /** When set, the next lock() rejects with this error (a locker that will not start). */
  failNextLock: Error | undefined;

  async lock(opts?: { message?: string }): Promise<void> {
    this.calls.push(opts?.message === undefined ? { op: 'lock' } : { op: 'lock', message: opts.message });
    const failure = this.failNextLock;
    if (failure !== undefined) {
      this.failNextLock = undefined;
      throw failure;
    }
    this.#locked = true;
  }

  async unlock(): Promise<void> {
    this.calls.push({ op: 'unlock' });
    this.#locked = false;
  }

  async isLocked(): Promise<boolean> {
    return this.#locked;
  }

  setLocked(locked: boolean): void {
    this.#locked = locked;
  }
}
