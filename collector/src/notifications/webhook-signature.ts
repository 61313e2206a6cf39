import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature on every webhook with a secret (documented in collector/README.md):
//   X-Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
// The timestamp is signed with the body so a captured request cannot be replayed later
// (receivers reject a `t` older than a few minutes).

export const signatureHeader = 'x-vigil-signature';

export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

export function signatureHeaderValue(secret: string, body: string, now: Date = new Date()): string {
  const timestamp = Math.floor(now.getTime() / 1000);
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

export type SignatureCheck = { readonly ok: true } | { readonly ok: false; readonly code: 'signature-malformed' | 'signature-stale' | 'signature-mismatch' };

/** What a receiver does: parse the header, check the age, compare in constant time. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): SignatureCheck {
  const fields = new Map((header ?? '').split(',').map((part) => part.trim().split('=', 2) as [string, string | undefined]));
  const t = Number(fields.get('t'));
  const v1 = fields.get('v1');
  if (!Number.isInteger(t) || v1 === undefined || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, code: 'signature-malformed' };
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return { ok: false, code: 'signature-stale' };
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? { ok: true } : { ok: false, code: 'signature-mismatch' };
}
