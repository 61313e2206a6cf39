import type { ChildProcess } from 'node:child_process';

/**
 * Tells the moment a locker ends that the agent did not end itself — killed (`kill -9`), closed,
 * or crashed — so the lock in force is put back at once rather than at the next lock-state poll
 * (seconds during which the desktop is usable). A locker the agent started is its child: its
 * `exit` event says so immediately. A locker taken over from a previous run of the agent is not
 * (no exit event reaches us): its PID is checked every `pidPollMs` instead.
 */
export class LockerWatch {
  readonly #listeners = new Set<() => void>();
  readonly #supervised = new WeakSet<ChildProcess>();
  /** Lockers the agent is ending itself (a teacher unlock): their exit is not a loss. */
  readonly #released = new WeakSet<ChildProcess>();
  readonly #pidPollMs: number;
  #pidTimer: NodeJS.Timeout | undefined;
  #pid: number | undefined;

  constructor(opts: { pidPollMs?: number } = {}) {
    this.#pidPollMs = opts.pidPollMs ?? 200;
  }

  onLost(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A locker child now in place: its exit, unless released first, is a lost lock. */
  supervise(child: ChildProcess): void {
    if (this.#supervised.has(child)) return;
    this.#supervised.add(child);
    child.once('exit', () => {
      if (!this.#released.has(child)) this.#lost();
    });
  }

  /** The agent ends this locker itself (unlock): not a loss. */
  release(child: ChildProcess): void {
    this.#released.add(child);
  }

  /** A locker that is not our child (taken over from a previous run): polled while `alive` says it runs. */
  watchPid(pid: number, alive: (pid: number) => Promise<boolean>): void {
    if (this.#pid === pid) return;
    this.stopPid();
    this.#pid = pid;
    let checking = false;
    this.#pidTimer = setInterval(() => {
      if (checking) return;
      checking = true;
      alive(pid)
        .then((running) => {
          if (running || this.#pid !== pid) return;
          this.stopPid();
          this.#lost();
        })
        .catch(() => undefined)
        .finally(() => {
          checking = false;
        });
    }, this.#pidPollMs);
    this.#pidTimer.unref();
  }

  /** Stops watching the taken-over PID (it was lifted by the agent, or is gone). */
  stopPid(): void {
    clearInterval(this.#pidTimer);
    this.#pidTimer = undefined;
    this.#pid = undefined;
  }

  #lost(): void {
    for (const listener of this.#listeners) listener();
  }
}
