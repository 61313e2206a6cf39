import { z } from 'zod';

// How an agent knows its collector: the base64url SHA-256 of the collector's TLS public key
// (SubjectPublicKeyInfo, DER) — "the pin". It travels in the enrolment token, so a PC that
// enrols trusts exactly the key IT's token named, and in `welcome` (pinned connections only
// are believed), so a collector can announce the key it will move to. No `node:` here: the
// browser agent decodes tokens too.

/** base64url without padding of 32 bytes: 43 characters. */
export const PIN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const pinSchema = z.string().regex(PIN_PATTERN, 'expected a key pin: base64url SHA-256 of the public key (43 characters)');

export function isPin(value: unknown): value is string {
  return typeof value === 'string' && PIN_PATTERN.test(value);
}

/**
 * `welcome.tls`: where this collector speaks TLS and the keys it may present. `pins` holds
 * the current key first, then any key it will rotate to.
 */
export const welcomeTlsSchema = z.object({
  url: z
    .string()
    .max(2048)
    .refine((raw) => URL.canParse(raw) && new URL(raw).protocol === 'wss:' && new URL(raw).hostname !== '', 'expected a wss:// URL'),
  pins: z.array(pinSchema).min(1).max(8),
});

export type WelcomeTls = z.infer<typeof welcomeTlsSchema>;

/** Separates a token's secret part from the pin: never a base64url character. */
export const TOKEN_PIN_SEPARATOR = '.';

/**
 * Appends the collector's pin to an enrolment token: `vigil-enrol-<32 random>.<43 pin>` (88
 * characters, within every token limit of 128). The collector stores the hash of the whole
 * string, so the pin cannot be changed without the token being refused.
 */
export function tokenWithPin(token: string, pin: string | undefined): string {
  return pin === undefined ? token : `${token}${TOKEN_PIN_SEPARATOR}${pin}`;
}

/** The pin a token carries (after its last `.`), or undefined for a token without one. */
export function pinOfToken(token: string): string | undefined {
  const at = token.lastIndexOf(TOKEN_PIN_SEPARATOR);
  if (at < 0) return undefined;
  const pin = token.slice(at + 1);
  return isPin(pin) ? pin : undefined;
}
