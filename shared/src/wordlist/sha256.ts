// The word-list version hash. Synchronous on purpose: crypto.subtle is async and would make
// the loader and mergeWordlist async for no other reason, and @vigil/shared may not import
// node:crypto (it also runs in the browser agent's service worker).
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { utf8Encode } from '../protocol/text-codec.ts';

/** SHA-256 of `data` (text is hashed as UTF-8), as lower-case hex. */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256(typeof data === 'string' ? utf8Encode(data) : data));
}
