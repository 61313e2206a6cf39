// Helpers for the agent core's unit tests (and the Electron shell's): a small word list, an
// in-memory outbox that decodes what was queued, a settable lock view and a real clock.
import { pino, type Logger } from 'pino';
import type { AgentMessage, Category, TermEntry, WordlistPayload } from '@vigil/shared/protocol';
import { wordlistVersion } from '@vigil/shared/wordlist';
import type { LockView } from '../detector.service.ts';
import type { EnqueueResult, OutboxInput } from '../outbox/index.ts';
import { decodeRecord } from '../outbox-records.ts';
import type { Clock } from '../ports.ts';

export const silentLog: Logger = pino({ level: 'silent' });

const category = (id: string, severity: number, restricted = false): Category => ({ id, label: id, severity, restricted });
const term = (text: string, cat: string, severity: number, match: TermEntry['match']): TermEntry => ({ term: text, category: cat, severity, match });

/** A word list built like the collector builds one (version = content hash). */
export function makeWordlist(terms: readonly TermEntry[], allow: readonly string[] = []): WordlistPayload {
  const categories = [...new Set(terms.map((t) => t.category))].sort().map((id) => category(id, 3, id === 'self-harm'));
  return { version: wordlistVersion({ categories, terms, allow }), categories, terms: [...terms], allow: [...allow] };
}

export const TEST_WORDLIST: WordlistPayload = makeWordlist(
  [
    term('kill myself', 'self-harm', 5, 'phrase'),
    term('kms', 'self-harm', 4, 'word'),
    term('unblocked games', 'filter-circumvention', 2, 'substring'),
    term('porn', 'sexual-content', 3, 'substring'),
  ],
  ['skill'],
);

export interface QueuedRecord {
  input: OutboxInput;
  message: AgentMessage;
  bytes?: Uint8Array;
}

/** Records what would go into the outbox, decoded with the protocol's own decoders. */
export class RecordingOutbox {
  readonly records: QueuedRecord[] = [];
  failWith: Error | undefined;

  async enqueue(input: OutboxInput): Promise<EnqueueResult> {
    if (this.failWith !== undefined) throw this.failWith;
    const decoded = decodeRecord(input);
    if (!decoded.ok) throw new Error(`queued an undecodable record: ${decoded.code} ${decoded.detail}`);
    this.records.push({ input, ...decoded.value });
    return 'enqueued';
  }

  of<T extends AgentMessage['type']>(type: T): Extract<AgentMessage, { type: T }>[] {
    return this.records.map((r) => r.message).filter((m): m is Extract<AgentMessage, { type: T }> => m.type === type);
  }

  clear(): void {
    this.records.length = 0;
  }
}

export class SettableLock implements LockView {
  #locked = false;
  readonly #listeners = new Set<(locked: boolean) => void>();

  get locked(): boolean {
    return this.#locked;
  }

  set(locked: boolean): void {
    if (locked === this.#locked) return;
    this.#locked = locked;
    for (const l of this.#listeners) l(locked);
  }

  onChange(listener: (locked: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

/** Real time, unref'd timers (the platform's clock lives in an adapter the core may not import). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  },
};
