import { z } from 'zod';

// The line protocol between the system service (root: identity, outbox, matcher) and its
// session helper (the signed-in pupil's uid: X window, keyboard hook, screen, idle, locker,
// notifications). One JSON object per line, both ways, over a socket pair the service makes
// and only the helper inherits.
//
// The helper runs as the pupil, who can ptrace or replace it, so everything it sends is
// hostile input: lines are bounded, every message is decoded against a schema, replies are
// checked against the schema of the request they answer, and nothing it says is logged
// verbatim (keys above all: they exist only in this pipe and in the service's memory).

export const SESSION_PROTOCOL_VERSION = 1;
/** A 4K screenshot at JPEG 95 is ~3 MB, ~4 MB in base64: anything far beyond is not ours. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

const text = (max: number) => z.string().max(max);
const activeWindowSchema = z.object({
  app: text(512),
  title: text(4_096),
  url: text(8_192).optional(),
  pid: z.number().int().nonnegative().optional(),
});

const lockRequestSchema = z.object({
  message: text(4_096).optional(),
  by: text(512).optional(),
  until: z.number().nonnegative().optional(),
  reason: z.enum(['teacher', 'idle']).optional(),
});

/** What the service asks of the helper; each is answered by one `reply` with the same id. */
export const sessionRequestSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('ping') }),
  z.object({ op: z.literal('current-window') }),
  z.object({ op: z.literal('capture'), maxWidth: z.number().int().min(1).max(7_680), quality: z.number().int().min(1).max(100).optional() }),
  z.object({ op: z.literal('idle-seconds') }),
  z.object({ op: z.literal('lock'), request: lockRequestSchema.optional() }),
  z.object({ op: z.literal('unlock') }),
  z.object({ op: z.literal('is-locked') }),
  z.object({ op: z.literal('notify'), title: text(512), body: text(8_192), countdownTo: z.number().int().nonnegative().optional(), notice: z.boolean().optional() }),
]);
export type SessionRequest = z.infer<typeof sessionRequestSchema>;
export type SessionOp = SessionRequest['op'];

/** The value each request's reply carries. The image travels as base64 inside the line. */
export const replyValueSchemas = {
  ping: z.null(),
  'current-window': activeWindowSchema.nullable(),
  capture: z.object({
    base64: z.string().max(MAX_LINE_BYTES).regex(/^[A-Za-z0-9+/]*={0,2}$/),
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

/** Service → helper. */
export const serviceMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('request'), id: requestId, req: sessionRequestSchema }),
]);
export type ServiceMessage = z.infer<typeof serviceMessageSchema>;

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

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: 'not-json' | 'invalid-message' };

function decodeWith<T>(schema: z.ZodType<T>, line: string): DecodeResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, code: 'not-json' };
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, code: 'invalid-message' };
}

/** Never throws: a bad line is a result the caller counts (and then drops the helper). */
export const decodeHelperMessage = (line: string) => decodeWith(helperMessageSchema, line);
export const decodeServiceMessage = (line: string) => decodeWith(serviceMessageSchema, line);

/** A reply's value for the request it answers, or undefined when it is not that shape. */
export function decodeReplyValue<Op extends SessionOp>(op: Op, value: unknown): ReplyValue<Op> | undefined {
  const parsed = (replyValueSchemas[op] as z.ZodType).safeParse(value);
  return parsed.success ? (parsed.data as ReplyValue<Op>) : undefined;
}

/** One message as one line. JSON.stringify escapes newlines inside strings, so a line is a message. */
export function encodeLine(msg: ServiceMessage | HelperMessage): string {
  return `${JSON.stringify(msg)}\n`;
}

/**
 * Splits a byte stream into lines, refusing to buffer more than `maxBytes` of one line (a
 * peer that never sends a newline must not grow the service's memory without bound).
 */
export class LineSplitter {
  readonly #maxBytes: number;
  #parts: Buffer[] = [];
  #size = 0;

  constructor(maxBytes: number = MAX_LINE_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** The complete lines in `chunk` (with what came before it); `overflow` once a line is too long. */
  push(chunk: Buffer): { lines: string[]; overflow: boolean } {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.#size + piece.length > this.#maxBytes) return this.#overflow(lines);
      lines.push(Buffer.concat([...this.#parts, piece]).toString('utf8'));
      this.#parts = [];
      this.#size = 0;
      start = nl + 1;
    }
    const rest = chunk.subarray(start);
    if (this.#size + rest.length > this.#maxBytes) return this.#overflow(lines);
    if (rest.length > 0) {
      this.#parts.push(Buffer.from(rest));
      this.#size += rest.length;
    }
    return { lines, overflow: false };
  }

  #overflow(lines: string[]): { lines: string[]; overflow: boolean } {
    this.#parts = [];
    this.#size = 0;
    return { lines, overflow: true };
  }
}
