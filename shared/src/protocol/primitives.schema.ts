import { z } from 'zod';
import { isStorableText } from './text-codec.ts';

// Building blocks shared by every message schema. Every free-text field goes through
// `textSchema()`: lengths are in UTF-16 code units (JavaScript `.length`), and strings with
// lone surrogates or NUL are refused because they cannot be stored or re-encoded.

/** Canonical ULID: 26 upper-case Crockford base32 characters, first ≤ 7 (48-bit time). */
export const ULID_PATTERN = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;

export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && ULID_PATTERN.test(value);
}

export const ulidSchema = z.string().regex(ULID_PATTERN, 'expected a ULID (26 upper-case Crockford base32 characters)');

export const uuidSchema = z.uuid();

/** Lower-case hex sha256 (the blob-store key and word-list version format). */
export const hex64Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 lower-case hex characters');

/** Largest instant `Date` can represent, in epoch milliseconds. */
export const MAX_EPOCH_MS = 8_640_000_000_000_000;

export const epochMsSchema = z.number().int().min(0).max(MAX_EPOCH_MS);

export const countSchema = z.number().int().min(0);

/** Image dimension in pixels. */
export const pixelsSchema = z.number().int().min(1).max(16_384);

export const imageMimeSchema = z.enum(['image/jpeg', 'image/png', 'image/webp']);

export const MAX_SCREENSHOT_BYTES = 10 * 1024 * 1024;

/** Free text of at most `max` UTF-16 code units, storable in PostgreSQL. */
export function textSchema(max: number, min = 0) {
  return z.string().min(min).max(max).refine(isStorableText, 'text must not contain NUL or lone surrogates');
}

/**
 * An opaque identifier or credential (lock ids, request ids, tokens, secrets):
 * printable ASCII without spaces, so it is safe in logs, URLs and headers.
 */
export function tokenSchema(min: number, max: number) {
  return z
    .string()
    .min(min)
    .max(max)
    .regex(/^[\x21-\x7e]*$/, 'expected printable ASCII without spaces');
}
