import type { FastifyBaseLogger } from 'fastify';

export interface PeerFaultLogOptions {
  readonly log: Pick<FastifyBaseLogger, 'warn'>;
  /** What the faults are, for the message: "bad agent frame". */
  readonly what: string;
  /** At most one summary per address and code in this long (default a minute). */
  readonly intervalMs?: number;
  /** Addresses × codes tracked at once; past it, new ones are only counted (default 10,000). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

interface Tally {
  since: number;
  repeats: number;
}

/**
 * Logs faults that remote peers cause (malformed frames, protocol violations) without
 * letting one peer flood the log: the first fault per address and code is logged at
 * warn, without a stack (the stack is ours and says nothing about the peer); repeats are
 * counted and summarised at most once per interval. `flush()` (a timer, and at close)
 * writes pending summaries and forgets quiet addresses, so memory stays bounded.
 */
export class PeerFaultLog {
  readonly #log: Pick<FastifyBaseLogger, 'warn'>;
  readonly #what: string;
  readonly #intervalMs: number;
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #tallies = new Map<string, Tally & { ip: string; code: string }>();
  /** Faults from addresses that did not fit in the table (a spread-out flood): counted, summarised in flush. */
  #untracked = 0;

  constructor(options: PeerFaultLogOptions) {
    this.#log = options.log;
    this.#what = options.what;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** One fault by `ip`; `detail` (no secrets, no payload bytes) goes with the first line only. */
  note(ip: string, code: string, detail: Record<string, unknown> = {}): void {
    const key = `${code} ${ip}`;
    const now = this.#now();
    const tally = this.#tallies.get(key);
    if (tally === undefined) {
      if (this.#tallies.size >= this.#maxKeys) this.flush();
      if (this.#tallies.size >= this.#maxKeys) {
        this.#untracked++;
        return;
      }
      this.#tallies.set(key, { ip, code, since: now, repeats: 0 });
      this.#log.warn({ ...detail, ip, code }, `refused a ${this.#what}; repeats from this address are summarised at most once a minute`);
      return;
    }
    tally.repeats++;
    if (now - tally.since >= this.#intervalMs) this.#summarise(key, tally, now);
  }

  /** Writes due summaries and forgets addresses quiet for a whole interval; `all`: every pending one (at shutdown). */
  flush(all = false): void {
    const now = this.#now();
    for (const [key, tally] of this.#tallies) {
      if (!all && now - tally.since < this.#intervalMs) continue;
      if (tally.repeats > 0) this.#summarise(key, tally, now);
      else this.#tallies.delete(key);
    }
    if (this.#untracked > 0) {
      this.#log.warn({ count: this.#untracked }, `refused ${this.#untracked} more ${this.#what}s from too many addresses to list`);
      this.#untracked = 0;
    }
  }

  #summarise(key: string, tally: Tally & { ip: string; code: string }, now: number): void {
    this.#log.warn(
      { ip: tally.ip, code: tally.code, count: tally.repeats, periodMs: now - tally.since },
      `refused ${tally.repeats} more ${this.#what}s from this address`,
    );
    // Kept (with a fresh window) so the next repeat is counted, not logged as a first.
    this.#tallies.set(key, { ...tally, since: now, repeats: 0 });
  }
}
