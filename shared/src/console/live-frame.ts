import type { LiveFrameHeader } from './console-api.schema.ts';

// Binary frames on WS /console/live: [u32 big-endian header length][UTF-8 JSON header][image].

export function encodeLiveFrame(header: LiveFrameHeader, bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(4 + json.length + bytes.length);
  new DataView(out.buffer).setUint32(0, json.length, false);
  out.set(json, 4);
  out.set(bytes, 4 + json.length);
  return out;
}

/** The header and a view of the image bytes, or undefined for a frame that is not well formed. */
export function decodeLiveFrame(buf: Uint8Array): { header: LiveFrameHeader; bytes: Uint8Array } | undefined {
  if (buf.length < 4) return undefined;
  const length = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, false);
  if (length > 16 * 1024 || 4 + length > buf.length) return undefined;
  try {
    const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(4, 4 + length))) as LiveFrameHeader;
    if (typeof header !== 'object' || header === null || typeof header.deviceId !== 'string') return undefined;
    return { header, bytes: buf.subarray(4 + length) };
  } catch {
    return undefined;
  }
}
