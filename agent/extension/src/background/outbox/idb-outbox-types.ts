// Public shapes of the extension outbox (the class is in idb-outbox.ts).
import type { OutboxKind, OutboxLogger, OutboxRecord } from '@vigil/agent/outbox-types';

export interface IdbOutboxOptions {
  /** Database name (default 'vigil-outbox'). */
  dbName?: string;
  /** Bound on pending bytes (default 20 MiB). */
  maxBytes?: number;
  now?: () => number;
  logger?: OutboxLogger;
  /** Default `globalThis.indexedDB`; tests pass a fresh fake-indexeddb factory. */
  indexedDB?: IDBFactory;
}

export interface IdbOutboxInput {
  /** ULID; also the envelope id the collector dedupes on. */
  id: string;
  kind: OutboxKind;
  /** The JSON envelope text; '' for a binary frame. */
  body: string;
  /** A whole binary WebSocket frame (evidence screenshot), stored as bytes. */
  bytes?: Uint8Array;
  enqueuedAt?: number;
}

export type ExtensionOutboxRecord = OutboxRecord & { bytes?: Uint8Array };

export interface ExtensionOutboxStats {
  pending: number;
  pendingAlerts: number;
  bytes: number;
  droppedActivity: number;
  droppedAlerts: number;
  rejected: number;
}
