import type { z } from 'zod';
import { PROTOCOL_VERSION, envelopeHeaderSchema } from './envelope.schema.ts';
import { agentMessageSchema, agentMessageTypes } from './agent-messages.schema.ts';
import type { AgentMessage } from './agent-messages.schema.ts';
import { collectorMessageSchema, collectorMessageTypes } from './collector-messages.schema.ts';
import type { CollectorMessage } from './collector-messages.schema.ts';
import { isWellFormed, utf8DecodeStrict, utf8LongerThan } from './text-codec.ts';

// Decoding untrusted frames. Never throws: every failure is a result with a stable code
// that the gateway maps to a close code (see close-codes.ts). The checks run cheapest
// first, and the size check runs before any parsing.

export type DecodeErrorCode = 'too-large' | 'bad-utf8' | 'not-json' | 'bad-envelope' | 'bad-version' | 'unknown-type' | 'bad-payload' | 'bad-binary';

export interface DecodeError {
  ok: false;
  code: DecodeErrorCode;
  /** Human-readable, for logs; for `bad-payload` / `bad-envelope` it starts with the field path. */
  detail: string;
}

export type DecodeResult<T> = { ok: true; value: T } | DecodeError;

export interface DecodeOptions {
  /** Largest accepted message, in UTF-8 bytes. */
  maxBytes?: number;
}

export const DEFAULT_AGENT_MESSAGE_MAX_BYTES = 256 * 1024;
export const DEFAULT_COLLECTOR_MESSAGE_MAX_BYTES = 16 * 1024 * 1024;

const MAX_DETAIL_LENGTH = 200;

export function decodeError(code: DecodeErrorCode, detail: string): DecodeError {
  return { ok: false, code, detail: detail.length > MAX_DETAIL_LENGTH ? `${detail.slice(0, MAX_DETAIL_LENGTH - 1)}…` : detail };
}

interface Direction<T> {
  own: ReadonlySet<string>;
  other: ReadonlySet<string>;
  otherName: string;
  schema: z.ZodType<T>;
}

const agentDirection: Direction<AgentMessage> = {
  own: new Set(agentMessageTypes),
  other: new Set(collectorMessageTypes),
  otherName: 'collector',
  schema: agentMessageSchema,
};

const collectorDirection: Direction<CollectorMessage> = {
  own: new Set(collectorMessageTypes),
  other: new Set(agentMessageTypes),
  otherName: 'agent',
  schema: collectorMessageSchema,
};

/** Decodes a message sent by an agent (what the collector receives). */
export function decodeAgentMessage(raw: string | Uint8Array, options: DecodeOptions = {}): DecodeResult<AgentMessage> {
  return decodeMessage(raw, options.maxBytes ?? DEFAULT_AGENT_MESSAGE_MAX_BYTES, agentDirection);
}

/** Decodes a message sent by the collector (what an agent receives). */
export function decodeCollectorMessage(raw: string | Uint8Array, options: DecodeOptions = {}): DecodeResult<CollectorMessage> {
  return decodeMessage(raw, options.maxBytes ?? DEFAULT_COLLECTOR_MESSAGE_MAX_BYTES, collectorDirection);
}

function decodeMessage<T>(raw: unknown, maxBytes: number, direction: Direction<T>): DecodeResult<T> {
  const text = toText(raw, maxBytes);
  if (!text.ok) return text;
  let json: unknown;
  try {
    json = JSON.parse(text.value);
  } catch (error) {
    return decodeError('not-json', error instanceof Error ? error.message : 'invalid JSON');
  }
  return classify(json, direction);
}

function toText(raw: unknown, maxBytes: number): DecodeResult<string> {
  if (typeof raw === 'string') {
    if (utf8LongerThan(raw, maxBytes)) return decodeError('too-large', `message exceeds ${maxBytes} bytes`);
    if (!isWellFormed(raw)) return decodeError('bad-utf8', 'text contains a lone surrogate');
    return { ok: true, value: raw };
  }
  if (raw instanceof Uint8Array) {
    if (raw.byteLength > maxBytes) return decodeError('too-large', `message of ${raw.byteLength} bytes exceeds ${maxBytes}`);
    const text = utf8DecodeStrict(raw);
    if (text === null) return decodeError('bad-utf8', 'message is not valid UTF-8');
    return { ok: true, value: text };
  }
  // Only reachable from untyped callers; still a result, never an exception.
  return decodeError('not-json', 'message is neither text nor bytes');
}

function classify<T>(json: unknown, direction: Direction<T>): DecodeResult<T> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return decodeError('bad-envelope', 'envelope must be a JSON object');
  }
  const version = 'v' in json ? json.v : undefined;
  if (version === undefined) return decodeError('bad-envelope', 'v: required');
  if (version !== PROTOCOL_VERSION) {
    return decodeError('bad-version', `unsupported protocol version ${preview(version)}; this side speaks ${PROTOCOL_VERSION}`);
  }
  const header = envelopeHeaderSchema.safeParse(json);
  if (!header.success) return decodeError('bad-envelope', formatIssues(header.error));
  const { type } = header.data;
  if (!direction.own.has(type)) {
    const hint = direction.other.has(type) ? ` (a ${direction.otherName} message)` : '';
    return decodeError('unknown-type', `unknown message type ${preview(type)}${hint}`);
  }
  const message = direction.schema.safeParse(json);
  if (!message.success) return decodeError('bad-payload', formatIssues(message.error));
  return { ok: true, value: message.data };
}

function formatIssues(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  const path = issue.path.map(String).join('.') || '(root)';
  const more = error.issues.length > 1 ? ` (+${error.issues.length - 1} more)` : '';
  return `${path}: ${issue.message}${more}`;
}

/** A short, log-safe rendering of an untrusted value. */
function preview(value: unknown): string {
  const rendered = JSON.stringify(value) ?? typeof value;
  return rendered.length > 40 ? `${rendered.slice(0, 39)}…` : rendered;
}
