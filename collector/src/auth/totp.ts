import { Secret, TOTP } from 'otpauth';

/**
 * RFC 6238 TOTP exactly as every authenticator app expects by default: HMAC-SHA1,
 * 6 digits, 30-second steps. One step either side is accepted for clock drift.
 */
const period = 30;
const digits = 6;
const algorithm = 'SHA1';
const window = 1;
export const totpIssuer = 'Vigil';

export interface NewTotpSecret {
  /** base32, what the user may type into an app by hand (and what gets sealed). */
  readonly secret: string;
  /** `otpauth://totp/Vigil:<user>?secret=…&issuer=Vigil&…` for a QR code. */
  readonly uri: string;
}

/** A fresh 160-bit secret (RFC 4226's recommended length) for `username`. */
export function newTotpSecret(username: string): NewTotpSecret {
  const secret = new Secret({ size: 20 });
  const totp = new TOTP({ issuer: totpIssuer, label: username, secret, algorithm, digits, period });
  return { secret: secret.base32, uri: totp.toString() };
}

/** The time step a timestamp falls in (what `users.totp_last_step` records). */
export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / period);
}

/**
 * The step `code` was made for, when it is valid at `now` within the drift window and
 * newer than `lastStep` (so an observed code cannot be replayed); otherwise undefined.
 */
export function acceptedTotpStep(secretBase32: string, code: string, now: Date, lastStep: number | null): number | undefined {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = TOTP.validate({ token, secret: Secret.fromBase32(secretBase32), algorithm, digits, period, timestamp: now.getTime(), window });
  if (delta === null) return undefined;
  const step = totpStep(now) + delta;
  return lastStep !== null && step <= lastStep ? undefined : step;
}

/** The current code for a secret: for tests and for the e2e harness signing in. */
export function totpCode(secretBase32: string, at: Date): string {
  return TOTP.generate({ secret: Secret.fromBase32(secretBase32), algorithm, digits, period, timestamp: at.getTime() });
}
