import { decodeAgentMessage, decodeError } from './decode.ts';
import type { DecodeResult } from './decode.ts';
import type { FrameMessage, ScreenshotMessage } from './agent-messages.schema.ts';
import { MAX_SCREENSHOT_BYTES } from './primitives.schema.ts';
import { utf8Encode } from './text-codec.ts';

// Image-carrying messages travel as one binary WebSocket frame, so the image needs
// no base64 (a third bigger) and the metadata cannot be separated from its bytes:
//
//   [uint32 big-endian header length N][N bytes: UTF-8 JSON envelope][image bytes]

export type BinaryMessage = FrameMessage | ScreenshotMessage;

export interface BinaryFrame {
  envelope: BinaryMessage;
  /** A view into the decoded buffer (no copy); copy it if the buffer is reused. */
  bytes: Uint8Array;
}

export interface BinaryDecodeOptions {
  /** Largest accepted frame in bytes, header included. */
  maxBytes?: number;
  /** Largest accepted JSON header in bytes. */
  maxHeaderBytes?: number;
}

export const BINARY_LENGTH_PREFIX_BYTES = 4;
export const MAX_BINARY_HEADER_BYTES = 16 * 1024;
/** Room for the largest screenshot the protocol allows plus the largest header. */
export const DEFAULT_BINARY_MAX_BYTES = MAX_SCREENSHOT_BYTES + BINARY_LENGTH_PREFIX_BYTES + MAX_BINARY_HEADER_BYTES;

export function encodeBinary(envelope: BinaryMessage, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const header = utf8Encode(JSON.stringify(envelope));
  if (header.byteLength > MAX_BINARY_HEADER_BYTES) {
    throw new RangeError(`binary header of ${header.byteLength} bytes exceeds ${MAX_BINARY_HEADER_BYTES}`);
  }
  const frame = new Uint8Array(BINARY_LENGTH_PREFIX_BYTES + header.byteLength + bytes.byteLength);
  new DataView(frame.buffer).setUint32(0, header.byteLength, false);
  frame.set(header, BINARY_LENGTH_PREFIX_BYTES);
  frame.set(bytes, BINARY_LENGTH_PREFIX_BYTES + header.byteLength);
  return frame;
}

/** Decodes a binary frame from an agent. Never throws. */
export function decodeBinary(buf: Uint8Array, options: BinaryDecodeOptions = {}): DecodeResult<BinaryFrame> {
  const maxBytes = options.maxBytes ?? DEFAULT_BINARY_MAX_BYTES;
  const maxHeaderBytes = options.maxHeaderBytes ?? MAX_BINARY_HEADER_BYTES;
  if (!(buf instanceof Uint8Array)) return decodeError('bad-binary', 'frame is not bytes');
  if (buf.byteLength > maxBytes) return decodeError('too-large', `frame of ${buf.byteLength} bytes exceeds ${maxBytes}`);
  if (buf.byteLength < BINARY_LENGTH_PREFIX_BYTES) return decodeError('bad-binary', 'truncated: no header length');

  const headerLength = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, false);
  const available = buf.byteLength - BINARY_LENGTH_PREFIX_BYTES;
  if (headerLength === 0) return decodeError('bad-binary', 'empty header');
  if (headerLength > available) {
    return decodeError('bad-binary', `truncated: header length ${headerLength} but only ${available} bytes follow`);
  }
  if (headerLength > maxHeaderBytes) {
    return decodeError('too-large', `header of ${headerLength} bytes exceeds ${maxHeaderBytes}`);
  }

  const headerEnd = BINARY_LENGTH_PREFIX_BYTES + headerLength;
  const header = decodeAgentMessage(buf.subarray(BINARY_LENGTH_PREFIX_BYTES, headerEnd), { maxBytes: maxHeaderBytes });
  if (!header.ok) return header;
  const envelope = header.value;
  if (envelope.type !== 'frame' && envelope.type !== 'screenshot') {
    return decodeError('bad-binary', `a ${envelope.type} message cannot carry bytes`);
  }

  const bytes = buf.subarray(headerEnd);
  if (bytes.byteLength > MAX_SCREENSHOT_BYTES) {
    return decodeError('too-large', `image of ${bytes.byteLength} bytes exceeds ${MAX_SCREENSHOT_BYTES}`);
  }
  const expectsBytes = envelope.type === 'screenshot' || envelope.payload.unchanged !== true;
  if (expectsBytes && bytes.byteLength === 0) return decodeError('bad-binary', `${envelope.type} without image bytes`);
  if (!expectsBytes && bytes.byteLength > 0) return decodeError('bad-binary', 'unchanged frame must carry no image bytes');
  return { ok: true, value: { envelope, bytes } };
}
