import type { LockRequest } from '../../core/ports.ts';

// The wire of the line protocol between the system service (root) and its session helper (the
// pupil's uid): one JSON object per line, both ways, over a socket pair the service makes and
// only the helper inherits. This half has no zod, because the session helper loads it and must
// stay a small process (issue #13's memory budget: loading zod costs a process ~6 MiB). The
// service's requests are checked here by hand — the helper's only peer is the root service, so
// a malformed request is a bug to answer with an error, not an attack. What the helper sends
// back is hostile input to the service and is decoded strictly, with zod, in session.protocol.ts.

export const SESSION_PROTOCOL_VERSION = 1;
/** A 4K screenshot at JPEG 95 is ~3 MB, ~4 MB in base64: anything far beyond is not ours. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** What the service asks of the helper; each is answered by one `reply` with the same id. */
export type SessionRequest =
  | { op: 'ping' }
  | { op: 'current-window' }
  | { op: 'capture'; maxWidth: number; quality?: number }
  | { op: 'idle-seconds' }
  | { op: 'lock'; request?: LockRequest }
  | { op: 'unlock' }
  | { op: 'is-locked' }
  | { op: 'notify'; title: string; body: string; countdownTo?: number; notice?: boolean };
export type SessionOp = SessionRequest['op'];

/** Service → helper. */
export interface ServiceMessage {
  t: 'request';
  id: number;
  req: SessionRequest;
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; code: 'not-json' | 'invalid-message' };

type Fields = Record<string, unknown>;
const isRecord = (raw: unknown): raw is Fields => typeof raw === 'object' && raw !== null && !Array.isArray(raw);
const isInt = (v: unknown, min: number, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length <= max;
/** Absent, or present and good. */
const optional = (v: unknown, good: (v: unknown) => boolean) => v === undefined || good(v);

/** Each operation, with the bounds of its fields; anything else in a request is dropped. */
const REQUESTS: { [Op in SessionOp]: (r: Fields) => Extract<SessionRequest, { op: Op }> | undefined } = {
  ping: () => ({ op: 'ping' }),
  'current-window': () => ({ op: 'current-window' }),
  'idle-seconds': () => ({ op: 'idle-seconds' }),
  unlock: () => ({ op: 'unlock' }),
  'is-locked': () => ({ op: 'is-locked' }),
  capture: (r) => {
    if (!isInt(r.maxWidth, 1, 7_680) || !optional(r.quality, (q) => isInt(q, 1, 100))) return undefined;
    return r.quality === undefined ? { op: 'capture', maxWidth: r.maxWidth } : { op: 'capture', maxWidth: r.maxWidth, quality: r.quality as number };
  },
  lock: (r) => {
    if (r.request === undefined) return { op: 'lock' };
    const q = r.request;
    if (!isRecord(q)) return undefined;
    const good =
      optional(q.message, (v) => isText(v, 4_096)) &&
      optional(q.by, (v) => isText(v, 512)) &&
      optional(q.until, (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0) &&
      optional(q.reason, (v) => v === 'teacher' || v === 'idle');
    if (!good) return undefined;
    const request: LockRequest = {};
    if (q.message !== undefined) request.message = q.message as string;
    if (q.by !== undefined) request.by = q.by as string;
    if (q.until !== undefined) request.until = q.until as number;
    if (q.reason !== undefined) request.reason = q.reason as 'teacher' | 'idle';
    return { op: 'lock', request };
  },
  notify: (r) => {
    if (!isText(r.title, 512) || !isText(r.body, 8_192)) return undefined;
    if (!optional(r.countdownTo, (v) => isInt(v, 0, Number.MAX_SAFE_INTEGER)) || !optional(r.notice, (v) => typeof v === 'boolean')) return undefined;
    const out: SessionRequest = { op: 'notify', title: r.title, body: r.body };
    if (r.countdownTo !== undefined) out.countdownTo = r.countdownTo as number;
    if (r.notice !== undefined) out.notice = r.notice as boolean;
    return out;
  },
};

/** One request line from the service. Never throws. */
export function decodeServiceMessage(line: string): DecodeResult<ServiceMessage> {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return { ok: false, code: 'not-json' };
  }
  if (!isRecord(raw) || raw.t !== 'request' || !isInt(raw.id, 1, Number.MAX_SAFE_INTEGER) || !isRecord(raw.req)) return { ok: false, code: 'invalid-message' };
  const op = raw.req.op;
  const decode = typeof op === 'string' && Object.hasOwn(REQUESTS, op) ? REQUESTS[op as SessionOp] : undefined;
  const req = decode?.(raw.req);
  return req === undefined ? { ok: false, code: 'invalid-message' } : { ok: true, value: { t: 'request', id: raw.id, req } };
}

/** One message as one line. JSON.stringify escapes newlines inside strings, so a line is a message. */
export function encodeLine(msg: object): string {
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
