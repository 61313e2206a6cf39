import { z } from 'zod';
import { MAX_LINE_BYTES, type DecodeResult, type SessionOp } from './session.wire.ts';

// The line protocol between the system service (root: identity, outbox, matcher) and its
// session helper (the signed-in pupil's uid: X window, keyboard hook, screen, idle, locker,
// notifications). One JSON object per line, both ways, over a socket pair the service makes
// and only the helper inherits.
//
// The helper runs as the pupil, who can ptrace or replace it, so everything it sends is
// hostile input: lines are bounded, every message is decoded against a schema, replies are
// checked against the schema of the request they answer, and nothing it says is logged
// verbatim (keys above all: they exist only in this pipe and in the service's memory).
// This is the service's half: the helper's messages, decoded with zod. The wire itself (line
// splitting, the requests the service sends) is session.wire.ts, which the helper loads.

const text = (max: number) => z.string().max(max);
const activeWindowSchema = z.object({
  app: text(512),
  title: text(4_096),
  url: text(8_192).optional(),
  pid: z.number().int().nonnegative().optional(),
});

/** The value each request's reply carries. The image travels as base64 inside the line. */
export const replyValueSchemas = {
  ping: z.null(),
  'current-window': activeWindowSchema.nullable(),
  capture: z.object({
    base64: z
      .string()
      .max(MAX_LINE_BYTES)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/),
    width: z.number().int().min(1).max(16_384),
    height: z.number().int().min(1).max(16_384),
    mime: z.enum(['image/jpeg', 'image/png', 'image/webp']),
  }),
  'idle-seconds': z.number().nonnegative().max(1e9),
  lock: z.null(),
  unlock: z.null(),
  'is-locked': z.boolean(),
  /** Where it went (an older helper answers null: unknown). */
  notify: z.enum(['notification', 'window', 'none']).nullable(),
} as const satisfies Record<SessionOp, z.ZodType>;
export type ReplyValue<Op extends SessionOp> = z.infer<(typeof replyValueSchemas)[Op]>;

const requestId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

/** Helper → service. `hello` comes first and names the protocol version the helper speaks. */
export const helperMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('hello'), v: z.number().int(), pid: z.number().int().positive() }),
  /** One key as the matcher understands it (translated through the session's layout by the helper). */
  z.object({ t: z.literal('key'), k: z.string().min(1).max(32) }),
  z.object({ t: z.literal('key-status'), status: z.enum(['ok', 'unavailable']), detail: text(1_000).optional() }),
  z.object({ t: z.literal('window'), win: activeWindowSchema.nullable() }),
  z.discriminatedUnion('ok', [
    z.object({ t: z.literal('reply'), id: requestId, ok: z.literal(true), value: z.unknown() }),
    z.object({ t: z.literal('reply'), id: requestId, ok: z.literal(false), error: text(1_000) }),
  ]),
]);
export type HelperMessage = z.infer<typeof helperMessageSchema>;

/** Never throws: a bad line is a result the caller counts (and then drops the helper). */
export function decodeHelperMessage(line: string): DecodeResult<HelperMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, code: 'not-json' };
  }
  const parsed = helperMessageSchema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'invalid-message' };
}

/** A reply's value for the request it answers, or undefined when it is not that shape. */
export function decodeReplyValue<Op extends SessionOp>(op: Op, value: unknown): ReplyValue<Op> | undefined {
  const parsed = (replyValueSchemas[op] as z.ZodType).safeParse(value);
  return parsed.success ? (parsed.data as ReplyValue<Op>) : undefined;
}
