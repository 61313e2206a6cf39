// The short piece of text around a hit that travels with an alert, and its redaction.
// Only this (never the raw keystrokes) leaves the PC, so it is kept small and scrubbed.

export const CONTEXT_MAX = 120;

function isHigh(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Up to `max` UTF-16 units of `text` around [start, end), the hit centred where possible. */
export function contextAround(text: string, start: number, end: number, max = CONTEXT_MAX): string {
  const len = text.length;
  const hitLen = end - start;
  let from: number;
  let to: number;
  if (hitLen >= max) {
    from = start;
    to = start + max;
  } else {
    const spare = max - hitLen;
    from = Math.max(0, start - Math.ceil(spare / 2));
    to = Math.min(len, from + max);
    from = Math.max(0, Math.min(from, to - max));
  }
  if (from > 0 && isLow(text.charCodeAt(from))) from++;
  if (to < len && isHigh(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const TOKEN = /[A-Za-z0-9_+/=-]{16,}/g;
const DIGITS = /\p{Nd}{3,}/gu;
const LETTER = /[A-Za-z]/;
const DIGIT = /[0-9]/;

/**
 * Scrubs a context before it is sent: e-mail addresses → [email], long tokens mixing letters
 * and digits (passwords, session ids, keys) → [token], runs of three or more digits (phone
 * numbers, dates of birth, account numbers) → #; then trims to `max` units around the middle.
 */
export function redactContext(text: string, max = CONTEXT_MAX): string {
  let out = text.replace(EMAIL, '[email]');
  out = out.replace(TOKEN, (t) => (LETTER.test(t) && DIGIT.test(t) ? '[token]' : t));
  out = out.replace(DIGITS, '#');
  if (out.length <= max) return out;
  const keep = max - 2;
  const from = Math.floor((out.length - keep) / 2);
  return `…${contextAround(out, from, from + keep, keep)}…`;
}
