// Percent-decoding that keeps track of where each decoded character came from, so hits
// in "unblocked%20games" still point at the right span of the original URL. One level of
// double encoding ("%2520") is undone too. Invalid escapes or UTF-8 stay as the literal
// characters; nothing here throws.

export type CodePointVisitor = (cp: number, start: number, end: number) => void;

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87;
  return -1;
}

/** Length in characters of the escape escapedByte() last decoded: 3 ("%20") or 5 ("%2520"). */
let escapeLength = 3;

function hexPair(text: string, at: number): number {
  if (at + 1 >= text.length) return -1;
  const hi = hexValue(text.charCodeAt(at));
  const lo = hexValue(text.charCodeAt(at + 1));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

// A double-encoded escape ("%2520": the % itself escaped, as URLs pasted into a search box or
// redirect parameter end up) decodes to its byte too, so "send%2520nudes" reads "send nudes".
function escapedByte(text: string, at: number): number {
  if (text.charCodeAt(at) !== 37) return -1;
  const byte = hexPair(text, at + 1);
  escapeLength = 3;
  if (byte === 0x25) {
    const inner = hexPair(text, at + 3);
    if (inner >= 0) {
      escapeLength = 5;
      return inner;
    }
  }
  return byte;
}

/** Length of the UTF-8 sequence a lead byte announces, 0 if it cannot lead one. */
function utf8Length(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) return 2;
  if (lead >= 0xe0 && lead <= 0xef) return 3;
  if (lead >= 0xf0 && lead <= 0xf4) return 4;
  return 0;
}

/**
 * Visits the code points of `text` with %XX escapes decoded (and `+` as a space when
 * `plusIsSpace`), each with its [start, end) in the original text.
 */
export function visitPercentDecoded(text: string, plusIsSpace: boolean, visit: CodePointVisitor): void {
  let i = 0;
  while (i < text.length) {
    const byte = escapedByte(text, i);
    if (byte >= 0) {
      const decoded = decodeEscapedSequence(text, i, byte);
      if (decoded !== undefined) {
        visit(decoded.cp, i, decoded.end);
        i = decoded.end;
        continue;
      }
    }
    const cp = text.codePointAt(i) ?? 0;
    const len = cp > 0xffff ? 2 : 1;
    visit(plusIsSpace && cp === 43 ? 32 : cp, i, i + len);
    i += len;
  }
}

function decodeEscapedSequence(text: string, at: number, lead: number): { cp: number; end: number } | undefined {
  const len = utf8Length(lead);
  if (len === 0) return undefined;
  let pos = at + escapeLength;
  if (len === 1) return { cp: lead, end: pos };
  let cp = lead & (0xff >> (len + 1));
  for (let k = 1; k < len; k++) {
    const b = escapedByte(text, pos);
    if (b < 0 || (b & 0xc0) !== 0x80) return undefined;
    cp = (cp << 6) | (b & 0x3f);
    pos += escapeLength;
  }
  const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return { cp, end: pos };
}
