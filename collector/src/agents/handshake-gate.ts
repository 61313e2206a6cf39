// Admission for agent logins. After a collector restart every agent of a trust says `hello` within
// seconds; each login is a few database round trips, and the pool has a handful of connections.
// Unbounded, the logins queue in the pool until their sockets time out and the agents read the
// close as a refusal. The gate admits `maxConcurrent` logins at a time — the rate the database
// sustains, found by the logins finishing — holds up to `maxQueued` more in order, and turns the
// rest away at once with 4503 "try again later", which the agents back off from briefly
// (shared/src/protocol/reconnect-policy.ts). A login that waited `maxWaitMs` is turned away too.
// Each one turned away is told when to come back (`retryAfterMs`): the logins waiting and the
// crowd turned away in the last seconds, divided by the rate logins finish at now — so the crowd
// returns spread over the time the collector needs for it, not in waves doubling to a minute.

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

/** Seconds of history the login rate and the turned-away crowd are read over. */
const WINDOW_SECONDS = 5;
/** Before any login finished: assume 20 ms a login per slot. */
const ASSUMED_MS_PER_LOGIN = 20;

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
  /** Per-second buckets over the last WINDOW_SECONDS: logins finished and logins turned away. */
  readonly #finished = new Array<number>(WINDOW_SECONDS).fill(0);
  readonly #refused = new Array<number>(WINDOW_SECONDS).fill(0);
  #bucketSecond = 0;
  readonly #now: () => number;

  constructor(options: Partial<HandshakeGateOptions> = {}, now: () => number = Date.now) {
    this.#o = { ...defaultHandshakeGate, ...options };
    this.#now = now;
  }

  /**
   * When a login turned away now should come back: the logins ahead of it (waiting, and turned
   * away in the last seconds, who are coming back too) at the rate logins finish, 1–20 s.
   */
  retryAfterMs(): number {
    // At most 20 s: with the agents' spread (hint / 2 … 3 × hint / 2) none waits more than 30 s for its next try.
    this.#roll();
    const finished = this.#finished.reduce((a, b) => a + b, 0);
    const perSecond = finished > 0 ? finished / WINDOW_SECONDS : (Math.max(1, this.#o.maxConcurrent) * 1_000) / ASSUMED_MS_PER_LOGIN;
    const ahead = this.#waiting + this.#refused.reduce((a, b) => a + b, 0);
    return Math.round(Math.min(20_000, Math.max(1_000, (ahead / perSecond) * 1_000)));
  }

  #roll(): void {
    const second = Math.floor(this.#now() / 1_000);
    const steps = Math.min(WINDOW_SECONDS, second - this.#bucketSecond);
    for (let i = 1; i <= steps; i++) {
      this.#finished[(this.#bucketSecond + i) % WINDOW_SECONDS] = 0;
      this.#refused[(this.#bucketSecond + i) % WINDOW_SECONDS] = 0;
    }
    if (steps > 0) this.#bucketSecond = second;
  }

  #count(buckets: number[]): void {
    this.#roll();
    const index = this.#bucketSecond % WINDOW_SECONDS;
    buckets[index] = (buckets[index] ?? 0) + 1;
  }

  /** A turn (resolves with its release), or undefined: turned away, the agent should come back later. */
  enter(): Promise<Release | undefined> {
    if (this.#active < this.#o.maxConcurrent && this.#waiting === 0) return Promise.resolve(this.#take());
    if (this.#waiting >= this.#o.maxQueued) {
      this.#turnedAway += 1;
      this.#count(this.#refused);
      return Promise.resolve(undefined);
    }
    return new Promise((resolve) => {
      const index = this.#queue.length;
      const timer = setTimeout(() => {
        if (this.#queue[index] === undefined) return;
        this.#queue[index] = undefined;
        this.#waiting -= 1;
        this.#turnedAway += 1;
        this.#count(this.#refused);
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
      this.#count(this.#finished);
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
