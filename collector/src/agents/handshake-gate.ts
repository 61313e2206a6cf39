// Admission for agent logins. After a collector restart every agent of a trust says `hello` within
// seconds; each login is a few database round trips, and the pool has a handful of connections.
// Unbounded, the logins queue in the pool until their sockets time out and the agents read the
// close as a refusal. The gate admits `maxConcurrent` logins at a time — the rate the database
// sustains, found by the logins finishing — holds up to `maxQueued` more in order, and turns the
// rest away at once with 4503 "try again later", which the agents back off from briefly
// (shared/src/protocol/reconnect-policy.ts). A login that waited `maxWaitMs` is turned away too.

export interface HandshakeGateOptions {
  /** Logins running at once (default 16: about twice the database pool). */
  readonly maxConcurrent: number;
  /** Logins waiting for a turn (default 4,000); beyond, turned away at once. */
  readonly maxQueued: number;
  /** Longest wait for a turn (default 10 s: under the handshake timeout, and the agent's 15 s wait for `welcome`). */
  readonly maxWaitMs: number;
}

export const defaultHandshakeGate: HandshakeGateOptions = Object.freeze({ maxConcurrent: 16, maxQueued: 4_000, maxWaitMs: 10_000 });

/** Ends a login's turn; call it once, when the login is over (welcome sent, refused or failed). */
export type Release = () => void;

interface Waiter {
  readonly resolve: (release: Release | undefined) => void;
  readonly timer: NodeJS.Timeout;
}

export interface HandshakeGateStats {
  readonly active: number;
  readonly queued: number;
  /** Logins turned away (queue full or waited too long) since the start. */
  readonly turnedAway: number;
  /** The most logins that were waiting at once. */
  readonly peakQueued: number;
}

export class HandshakeGate {
  readonly #o: HandshakeGateOptions;
  #active = 0;
  #turnedAway = 0;
  #peakQueued = 0;
  // A FIFO as an array with a moving head: shift() on thousands of waiters is quadratic.
  #queue: (Waiter | undefined)[] = [];
  #head = 0;
  #waiting = 0;

  constructor(options: Partial<HandshakeGateOptions> = {}) {
    this.#o = { ...defaultHandshakeGate, ...options };
  }

  /** A turn (resolves with its release), or undefined: turned away, the agent should come back later. */
  enter(): Promise<Release | undefined> {
    if (this.#active < this.#o.maxConcurrent && this.#waiting === 0) return Promise.resolve(this.#take());
    if (this.#waiting >= this.#o.maxQueued) {
      this.#turnedAway += 1;
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const index = this.#queue.length;
      const timer = setTimeout(() => {
        if (this.#queue[index] === undefined) return;
        this.#queue[index] = undefined;
        this.#waiting -= 1;
        this.#turnedAway += 1;
        resolve(undefined);
      }, this.#o.maxWaitMs);
      timer.unref();
      this.#queue.push({ resolve, timer });
      this.#waiting += 1;
      this.#peakQueued = Math.max(this.#peakQueued, this.#waiting);
    });
  }

  stats(): HandshakeGateStats {
    return { active: this.#active, queued: this.#waiting, turnedAway: this.#turnedAway, peakQueued: this.#peakQueued };
  }

  #take(): Release {
    this.#active += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#next();
    };
  }

  #next(): void {
    while (this.#active < this.#o.maxConcurrent && this.#waiting > 0) {
      const waiter = this.#queue[this.#head];
      this.#queue[this.#head] = undefined;
      this.#head += 1;
      if (waiter === undefined) continue;
      this.#waiting -= 1;
      clearTimeout(waiter.timer);
      waiter.resolve(this.#take());
    }
    if (this.#waiting === 0) {
      // Everything before the head is spent: start the array again.
      this.#queue = [];
      this.#head = 0;
    }
  }
}
