import {
  agentMessageSchema,
  decodeAgentMessage,
  decodeBinary,
  encode,
  encodeBinary,
  type AgentMessage,
  type BinaryMessage,
  type DecodeResult,
} from '@vigil/shared/protocol';
import type { OutboxInput, OutboxKind, OutboxRecord } from './outbox/index.ts';

// What the agent puts in its outbox. A record's body is exactly what goes on the wire:
// a JSON envelope (text frame), or, for an evidence screenshot, the binary frame in
// base64 behind a `bin:` prefix (the outbox stores text; a JSON envelope never starts
// with `b`). The record id is the envelope id, which the collector acks.

const BINARY_PREFIX = 'bin:';

/** Messages that go through the outbox (delivered at least once, acked by id). */
export type QueuedMessage = Extract<AgentMessage, { type: 'alert' | 'activity' | 'lock-state' | 'idle-state' | 'message-shown' }>;

const KIND: Record<QueuedMessage['type'], OutboxKind> = {
  alert: 'alert',
  'lock-state': 'state',
  'idle-state': 'state',
  'message-shown': 'state',
  activity: 'activity',
};

/**
 * Checked against the protocol schema before it is stored: a record the collector would
 * refuse (and close the socket over) must never sit at the head of the outbox.
 */
export function messageRecord(message: QueuedMessage): OutboxInput {
  const checked = agentMessageSchema.safeParse(message);
  if (!checked.success)
    throw new Error(`refusing to queue an invalid ${message.type}: ${checked.error.issues[0]?.path.join('.') ?? ''} ${checked.error.issues[0]?.message ?? ''}`);
  return { id: message.id, kind: KIND[message.type], body: encode(message) };
}

/**
 * An evidence screenshot rides in the `state` lane: delivered after the alerts it belongs
 * to, and, when the outbox is full, dropped before any alert text is.
 */
export function binaryRecord(message: BinaryMessage, bytes: Uint8Array): OutboxInput {
  const frame = encodeBinary(message, bytes);
  return { id: message.id, kind: 'state', body: BINARY_PREFIX + Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).toString('base64') };
}

/** The WebSocket payload of a record: text for envelopes, bytes for binary frames. */
export function wireData(record: Pick<OutboxRecord, 'body'>): string | Buffer {
  return record.body.startsWith(BINARY_PREFIX) ? Buffer.from(record.body.slice(BINARY_PREFIX.length), 'base64') : record.body;
}

/** Decodes a record back into its message (tests, diagnostics); never throws. */
export function decodeRecord(record: Pick<OutboxRecord, 'body'>): DecodeResult<{ message: AgentMessage; bytes?: Uint8Array }> {
  const data = wireData(record);
  if (typeof data === 'string') {
    const text = decodeAgentMessage(data);
    return text.ok ? { ok: true, value: { message: text.value } } : text;
  }
  const binary = decodeBinary(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return binary.ok ? { ok: true, value: { message: binary.value.envelope, bytes: binary.value.bytes } } : binary;
}
