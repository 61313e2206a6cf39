import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A random secret for a device, an enrolment token or a session cookie: 32 bytes,
 * base64url (43 characters).
 */
export function generateSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * sha256 (hex) of a generated secret; that is all the database keeps. A fast hash is
 * right here, unlike for passwords: these secrets carry 256 random bits, so there is
 * nothing to guess, and a lookup by hash must be cheap on every agent connect.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret with a stored hash. */
export function secretMatchesHash(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
