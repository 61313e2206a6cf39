import { z } from 'zod';
import { epochMsSchema, ulidSchema } from './primitives.schema.ts';

// Every message, in either direction, is one JSON envelope. The `v` field is the wire
// protocol version; a peer speaking another version is refused with a close code
// rather than half-understood.

export const PROTOCOL_VERSION = 1;

/** Builds the schema of one message: the common envelope around its own payload. */
export function messageSchema<const T extends string, P extends z.ZodType>(type: T, payload: P) {
  return z.object({
    v: z.literal(PROTOCOL_VERSION),
    id: ulidSchema,
    type: z.literal(type),
    sentAt: epochMsSchema,
    payload,
  });
}

/** The envelope without knowing the message type: used to classify decode errors. */
export const envelopeHeaderSchema = z.object({
  id: ulidSchema,
  type: z.string().min(1).max(64),
  sentAt: epochMsSchema,
  payload: z.unknown(),
});
