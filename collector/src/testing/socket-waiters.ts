// Waiting for something a test WebSocket client received, without polling: every
// incoming message (and the close) wakes the pending checks. Shared by the test agent
// (agents/testing) and the test console client (live/testing).

export interface SocketClosed {
  readonly code: number;
  readonly reason: string;
}

export class SocketWaiters {
  readonly #wakers = new Set<() => void>();
  readonly #closed: () => SocketClosed | undefined;
  readonly #describe: () => string;

  /** `closed`: how the socket closed, once it has; `describe`: what was received, for a timeout's message. */
  constructor(closed: () => SocketClosed | undefined, describe: () => string = () => '') {
    this.#closed = closed;
    this.#describe = describe;
  }

  /** Re-runs every pending check; call on each message and on close. */
  wake(): void {
    for (const wake of this.#wakers) wake();
  }

  /** Resolves with the first defined `check()`; rejects when the socket closes first or on timeout. */
  waitFor<T>(what: string, timeoutMs: number, check: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const attempt = () => {
        const value = check();
        if (value !== undefined) return finish(() => resolve(value));
        const closed = this.#closed();
        if (closed !== undefined) return finish(() => reject(new Error(`socket closed (${closed.code} ${closed.reason}) while waiting for ${what}`)));
      };
      const timer = setTimeout(() => {
        const got = this.#describe();
        finish(() => reject(new Error(`timed out waiting for ${what}${got === '' ? '' : `; got ${got}`}`)));
      }, timeoutMs);
      const finish = (settle: () => void) => {
        clearTimeout(timer);
        this.#wakers.delete(attempt);
        settle();
      };
      this.#wakers.add(attempt);
      attempt();
    });
  }
}
