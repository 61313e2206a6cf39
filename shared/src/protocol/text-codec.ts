// UTF-8 helpers that work in Node and the browser alike. `shared` is built with the
// plain ES lib (no DOM, no @types/node), so the two standard globals are declared
// here, module-locally, instead of pulling in a whole environment's typings.
declare const TextEncoder: new () => { encode(input: string): Uint8Array<ArrayBuffer> };
declare const TextDecoder: new (label: 'utf-8', options: { fatal: boolean; ignoreBOM: boolean }) => { decode(input: Uint8Array): string };

const encoder = new TextEncoder();
// fatal: invalid UTF-8 (including encoded surrogates) is an error, not U+FFFD.
// ignoreBOM keeps a byte-order mark in the text, so bytes and strings are judged alike.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// Files (word lists) may start with a byte-order mark that is not part of the text.
const fileDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function utf8Encode(text: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(text);
}

/** Strict UTF-8 decode; `null` when the bytes are not valid UTF-8. */
export function utf8DecodeStrict(bytes: Uint8Array): string | null {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/** Strict UTF-8 decode of a text file, dropping a leading byte-order mark; `null` when invalid. */
export function utf8DecodeFile(bytes: Uint8Array): string | null {
  try {
    return fileDecoder.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Whether `text` encodes to more than `limit` UTF-8 bytes, without allocating the
 * encoding: the size check must come before any expensive work on hostile input.
 */
export function utf8LongerThan(text: string, limit: number): boolean {
  if (text.length > limit) return true; // every code unit is at least one byte
  if (text.length * 3 <= limit) return false; // every code unit is at most three bytes
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else bytes += 3; // BMP character, or a lone surrogate (encoded as U+FFFD)
    if (bytes > limit) return true;
  }
  return false;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** No lone UTF-16 surrogates: the text can be encoded as UTF-8 without loss. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * Text the collector can store: well-formed and free of NUL, which PostgreSQL `text`
 * columns reject outright.
 */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && isWellFormed(text);
}

/**
 * Makes arbitrary OS text (window titles, user names) acceptable to the protocol:
 * drops NUL, replaces lone surrogates with U+FFFD and truncates to `maxLength` UTF-16
 * code units without splitting a surrogate pair. Agents call this before building a
 * message so a strange title can never make an alert undeliverable.
 */
export function sanitizeText(text: string, maxLength: number): string {
  let clean = text.replaceAll('\u0000', '');
  if (!isWellFormed(clean)) clean = clean.replace(new RegExp(LONE_SURROGATE, 'g'), '\ufffd');
  if (clean.length <= maxLength) return clean;
  const cut = clean.charCodeAt(maxLength - 1);
  const end = cut >= 0xd800 && cut <= 0xdbff ? maxLength - 1 : maxLength;
  return clean.slice(0, Math.max(0, end));
}

/** Truncates to at most `maxBytes` of UTF-8 without splitting a character. */
export function clipUtf8(text: string, maxBytes: number): string {
  if (!utf8LongerThan(text, maxBytes)) return text;
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}
