import type { DecodeError, DecodeErrorCode } from './decode.ts';
import { clipUtf8 } from './text-codec.ts';

// WebSocket close codes of /agent/v1, in the 4000–4999 private range. The last three
// digits echo the nearest HTTP status so logs read naturally.

export const closeCodes = {
  malformed: 4400,
  unauthenticated: 4401,
  forbidden: 4403,
  heartbeatTimeout: 4408,
  replaced: 4409,
  tooLarge: 4413,
  unsupportedVersion: 4426,
  rateLimited: 4429,
  serverError: 4500,
  /** The collector is busy (a restart with every agent reconnecting at once): come back shortly, nothing is wrong with you. */
  tryAgainLater: 4503,
} as const;

export type CloseCodeName = keyof typeof closeCodes;
export type CloseCode = (typeof closeCodes)[CloseCodeName];

export const closeReasons = {
  malformed: 'malformed message',
  unauthenticated: 'authentication required or failed',
  forbidden: 'not allowed',
  heartbeatTimeout: 'no heartbeat received in time',
  replaced: 'replaced by a newer connection from the same device',
  tooLarge: 'message too large',
  unsupportedVersion: 'unsupported protocol version',
  rateLimited: 'too many messages',
  serverError: 'server error',
  tryAgainLater: 'collector busy: try again shortly',
} as const satisfies Record<CloseCodeName, string>;

/** The WebSocket protocol allows at most 123 bytes of UTF-8 in a close reason. */
export const MAX_CLOSE_REASON_BYTES = 123;

export interface CloseFrame {
  code: CloseCode;
  reason: string;
}

const closeNameForDecodeError = {
  'too-large': 'tooLarge',
  'bad-utf8': 'malformed',
  'not-json': 'malformed',
  'bad-envelope': 'malformed',
  'bad-version': 'unsupportedVersion',
  'unknown-type': 'malformed',
  'bad-payload': 'malformed',
  'bad-binary': 'malformed',
} as const satisfies Record<DecodeErrorCode, CloseCodeName>;

/** A close frame for a named close code, with an optional detail after the standard reason. */
export function closeFrame(name: CloseCodeName, detail?: string): CloseFrame {
  const reason = detail === undefined || detail === '' ? closeReasons[name] : `${closeReasons[name]}: ${detail}`;
  return { code: closeCodes[name], reason: clipUtf8(reason, MAX_CLOSE_REASON_BYTES) };
}

/** Maps a decode failure to the close frame the gateway sends; the reason names the stable code. */
export function closeForDecodeError(error: Pick<DecodeError, 'code' | 'detail'>): CloseFrame {
  const name = closeNameForDecodeError[error.code];
  return { code: closeCodes[name], reason: clipUtf8(`${error.code}: ${error.detail}`, MAX_CLOSE_REASON_BYTES) };
}
