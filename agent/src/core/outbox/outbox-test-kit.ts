// Helpers shared by the outbox tests: temp folders, ids, a manual clock and a logger
// that remembers what it was told.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monotonicFactory } from 'ulid';
import type { Clock } from '../ports.ts';
import type { OutboxLogger } from './outbox-types.ts';

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-outbox-'));
  try {
    return await fn(join(dir, 'outbox'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function idFactory(): () => string {
  const next = monotonicFactory();
  return () => next();
}

export async function listFiles(dir: string, suffix: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith(suffix)).sort();
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  obj: object;
  msg: string;
}

export function memoryLogger(): OutboxLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (obj, msg) => lines.push({ level: 'info', obj, msg }),
    warn: (obj, msg) => lines.push({ level: 'warn', obj, msg }),
    error: (obj, msg) => lines.push({ level: 'error', obj, msg }),
  };
}

/** A clock that only moves when told to; timers fire in due order. */
export class ManualClock implements Clock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; ms: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const key = this.#seq++;
    this.#timers.set(key, { at: this.#now + ms, ms, fn });
    return { cancel: () => this.#timers.delete(key) };
  }

  /** Delays of the timers currently scheduled, in scheduling order. */
  pendingDelays(): number[] {
    return [...this.#timers.values()].map((t) => t.ms);
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = [...this.#timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = until;
  }
}
