import { z } from 'zod';
import { messageSchema } from './envelope.schema.ts';
import { policySchema } from './policy.schema.ts';
import { wordlistPayloadSchema } from './wordlist.schema.ts';
import { welcomeTlsSchema } from './collector-pin.ts';
import { epochMsSchema, hex64Schema, textSchema, tokenSchema, ulidSchema } from './primitives.schema.ts';

// Messages the collector sends to an agent.

export const welcomePayloadSchema = z.object({
  deviceId: ulidSchema,
  /** Sent once, on first enrolment; the agent stores it and the collector keeps only a hash. */
  secret: tokenSchema(32, 128).optional(),
  policy: policySchema,
  /** The current word list; the agent asks for nothing if it already holds this version. */
  wordlistVersion: hex64Schema,
  /** Lets the agent notice a badly wrong clock. */
  serverTime: epochMsSchema,
  /**
   * Where the collector speaks TLS and the key pins it may present (current first, then the
   * next key of a rotation). Absent when the collector serves no TLS itself. Optional: added
   * after v1 shipped; older agents ignore it.
   */
  tls: welcomeTlsSchema.optional(),
});

export const ackPayloadSchema = z.object({
  /** Envelope ids of agent messages now committed; the agent may delete them from its outbox. */
  ids: z.array(ulidSchema).min(1).max(1000),
});

export const lockPayloadSchema = z.object({
  on: z.boolean(),
  lockId: tokenSchema(1, 64),
  message: textSchema(500).optional(),
  /** The lock lifts by itself at this instant. */
  until: epochMsSchema.optional(),
  /** Who locked, shown on the lock screen. */
  by: textSchema(200).optional(),
});

export const messagePayloadSchema = z.object({
  id: ulidSchema,
  text: textSchema(2000, 1),
  from: textSchema(200),
  /**
   * The collector takes a `message-shown` for this message (what the PC put on screen). Optional: added
   * after v1 shipped; an agent sends `message-shown` only when it is set, so an older collector never gets one.
   */
  reportShown: z.boolean().optional(),
});

export const livePayloadSchema = z.object({
  on: z.boolean(),
  fps: z.number().min(0.1).max(10),
  width: z.number().int().min(64).max(1920),
});

export const screenshotRequestPayloadSchema = z.object({
  requestId: tokenSchema(1, 64),
  width: z.number().int().min(64).max(3840),
});

export const errorPayloadSchema = z.object({
  code: tokenSchema(1, 64),
  message: textSchema(500),
  /**
   * The envelope id of the agent message this error is about, when the collector refuses one
   * record for good (`ingest-rejected`, `sha256-mismatch`): the agent drops it from its outbox
   * instead of re-sending it forever. Optional: added after v1 shipped.
   */
  refId: ulidSchema.optional(),
});

export const welcomeMessageSchema = messageSchema('welcome', welcomePayloadSchema);
export const ackMessageSchema = messageSchema('ack', ackPayloadSchema);
export const policyMessageSchema = messageSchema('policy', policySchema);
export const wordlistMessageSchema = messageSchema('wordlist', wordlistPayloadSchema);
export const lockMessageSchema = messageSchema('lock', lockPayloadSchema);
export const messageMessageSchema = messageSchema('message', messagePayloadSchema);
export const liveMessageSchema = messageSchema('live', livePayloadSchema);
export const screenshotRequestMessageSchema = messageSchema('screenshot-request', screenshotRequestPayloadSchema);
export const errorMessageSchema = messageSchema('error', errorPayloadSchema);

export const collectorMessageSchema = z.discriminatedUnion('type', [
  welcomeMessageSchema,
  ackMessageSchema,
  policyMessageSchema,
  wordlistMessageSchema,
  lockMessageSchema,
  messageMessageSchema,
  liveMessageSchema,
  screenshotRequestMessageSchema,
  errorMessageSchema,
]);

export type CollectorMessage = z.infer<typeof collectorMessageSchema>;
export type CollectorMessageType = CollectorMessage['type'];
export type WelcomePayload = z.infer<typeof welcomePayloadSchema>;
export type AckPayload = z.infer<typeof ackPayloadSchema>;
export type LockPayload = z.infer<typeof lockPayloadSchema>;
export type MessagePayload = z.infer<typeof messagePayloadSchema>;
export type LivePayload = z.infer<typeof livePayloadSchema>;
export type ScreenshotRequestPayload = z.infer<typeof screenshotRequestPayloadSchema>;
export type ErrorPayload = z.infer<typeof errorPayloadSchema>;
export type WelcomeMessage = z.infer<typeof welcomeMessageSchema>;
export type AckMessage = z.infer<typeof ackMessageSchema>;
export type PolicyMessage = z.infer<typeof policyMessageSchema>;
export type WordlistMessage = z.infer<typeof wordlistMessageSchema>;
export type LockMessage = z.infer<typeof lockMessageSchema>;
export type MessageMessage = z.infer<typeof messageMessageSchema>;
export type LiveMessage = z.infer<typeof liveMessageSchema>;
export type ScreenshotRequestMessage = z.infer<typeof screenshotRequestMessageSchema>;
export type ErrorMessage = z.infer<typeof errorMessageSchema>;

/** Every collector message type, derived from the union so the list cannot drift. */
export const collectorMessageTypes: readonly CollectorMessageType[] = Object.freeze(collectorMessageSchema.options.map((option) => option.shape.type.value));
