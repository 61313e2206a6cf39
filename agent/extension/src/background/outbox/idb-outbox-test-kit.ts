// Helpers shared by the outbox tests: a fresh fake IndexedDB per test, ids, a manual
// clock and a logger that remembers what it was told. Imported only by *.test.ts.
import type { OutboxKind } from '@vigil/agent/outbox-types';
import { IDBFactory } from 'fake-indexeddb';
import { monotonicFactory } from 'ulid';
import { IdbOutbox, type IdbOutboxOptions } from './idb-outbox.ts';

// The desktop outbox's test helpers serve here too: the same logger and manual clock.
export { ManualClock, memoryLogger, type LogLine } from '@vigil/agent/outbox-test-kit';

export const nextId: () => string = monotonicFactory();

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
