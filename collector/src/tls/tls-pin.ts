import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * The pin agents hold: base64url SHA-256 of the server key's SubjectPublicKeyInfo (DER) —
 * the same value as HPKP's pin-sha256 and `openssl pkey -pubout -outform DER | openssl dgst
 * -sha256 -binary | base64` (with + / → - _ and no padding). A key, not a certificate:
 * re-issuing the certificate for the same key keeps every agent's pin.
 */
export function spkiPin(source: KeyObject | X509Certificate): string {
  const key = source instanceof X509Certificate ? source.publicKey : source.type === 'private' ? createPublicKey(source) : source;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('base64url');
}
