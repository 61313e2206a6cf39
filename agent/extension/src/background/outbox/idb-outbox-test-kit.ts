// Helpers shared by the outbox tests: a fresh fake IndexedDB per test, ids, a manual
// clock and a logger that remembers what it was told. Imported only by *.test.ts.
import type { OutboxKind, OutboxLogger } from '@vigil/agent/outbox-types';
import { IDBFactory } from 'fake-indexeddb';
import { monotonicFactory } from 'ulid';
import { IdbOutbox, type IdbOutboxOptions } from './idb-outbox.ts';

export const nextId: () => string = monotonicFactory();

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

/** A fresh, private IndexedDB and an opener for it, so a test can close and reopen. */
export function freshDb(options: Omit<IdbOutboxOptions, 'indexedDB'> = {}): {
  factory: IDBFactory;
  open: (more?: Omit<IdbOutboxOptions, 'indexedDB'>) => Promise<IdbOutbox>;
} {
  const factory = new IDBFactory();
  return { factory, open: (more = {}) => IdbOutbox.open({ ...options, ...more, indexedDB: factory }) };
}

/** A body of exactly `size` UTF-8 bytes (ASCII). */
export function body(size: number): string {
  return 'x'.repeat(size);
}

/** Enqueues one record per kind with `size`-byte bodies; returns the ids in order (one per kind, typed as a tuple). */
export async function fill<const K extends readonly OutboxKind[]>(outbox: IdbOutbox, kinds: K, size = 10): Promise<{ [I in keyof K]: string }> {
  const ids: string[] = [];
  for (const kind of kinds) {
    const id = nextId();
    await outbox.enqueue({ id, kind, body: body(size) });
    ids.push(id);
  }
  return ids as { [I in keyof K]: string };
}

export async function pendingIds(outbox: IdbOutbox): Promise<string[]> {
  return (await outbox.peek(Number.MAX_SAFE_INTEGER)).map((r) => r.id);
}

/** A clock that only moves when told to; timers fire in due order. */
export class ManualClock {
  #now = 0;
  #seq = 0;
  readonly #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }

  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    const key = this.#seq++;
    this.#timers.set(key, { at: this.#now + ms, fn });
    return { cancel: () => this.#timers.delete(key) };
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
