import { ulid } from 'ulid';
import { PROTOCOL_VERSION } from './envelope.schema.ts';
import type { AgentMessage } from './agent-messages.schema.ts';
import type { CollectorMessage } from './collector-messages.schema.ts';

// Building and serialising envelopes. Encoding trusts its (typed) input; the other
// side decodes and validates, so validation is not repeated here.

// Web Crypto, present in browsers and Node ≥ 19; declared locally because `shared`
// is type-checked without DOM or Node typings.
declare const crypto: { getRandomValues<A extends Uint8Array>(array: A): A };

// ulid's default PRNG asks the OS for one byte per character (~75 µs an id in Node);
// drawing from a refilled pool of random bytes is ~40× faster with the same source.
const randomPool = new Uint8Array(512);
let randomNext = randomPool.length;
function pooledRandom(): number {
  if (randomNext >= randomPool.length) {
    crypto.getRandomValues(randomPool);
    randomNext = 0;
  }
  return (randomPool[randomNext++] ?? 0) / 256; // 256 is a multiple of 32: no base32 bias
}

export type ProtocolMessage = AgentMessage | CollectorMessage;
export type MessageType = ProtocolMessage['type'];
export type MessageOf<T extends MessageType> = Extract<ProtocolMessage, { type: T }>;
export type PayloadOf<T extends MessageType> = MessageOf<T>['payload'];

/** The shape `makeEnvelope` returns; for a concrete `T` it is exactly `MessageOf<T>`. */
export interface Envelope<T extends MessageType> {
  v: typeof PROTOCOL_VERSION;
  id: string;
  type: T;
  sentAt: number;
  payload: PayloadOf<T>;
}

export interface MakeEnvelopeOptions {
  /** Reuse an id, e.g. when the outbox re-sends a message. Defaults to a fresh ULID. */
  id?: string;
  /** Clock for `sentAt` and the ULID's time part; defaults to `Date.now`. */
  now?: () => number;
}

export function makeEnvelope<T extends MessageType>(type: T, payload: PayloadOf<T>, options: MakeEnvelopeOptions = {}): Envelope<T> {
  const sentAt = (options.now ?? Date.now)();
  return { v: PROTOCOL_VERSION, id: options.id ?? ulid(sentAt, pooledRandom), type, sentAt, payload };
}

export function encode(envelope: ProtocolMessage): string {
  return JSON.stringify(envelope);
}
