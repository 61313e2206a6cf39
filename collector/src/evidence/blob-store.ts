import { createHash } from 'node:crypto';
import { AppError } from '../errors/app-error.ts';

/**
 * Content-addressed storage for evidence (screenshots): the key IS the sha256 of the
 * bytes, so a blob can never be overwritten with other content and a re-upload is a
 * no-op. Implementations verify the hash on `put`.
 *
 * The disk store (disk-blob-store.ts) is the default. An S3-compatible store is the
 * planned seam for several stateless collectors: the same four operations over
 * PutObject (with `x-amz-checksum-sha256`), GetObject, HeadObject and DeleteObject,
 * keyed `blobs/ab/cd/<sha256>`.
 */
export interface BlobStore {
  /**
   * Stores `bytes` under `sha256` after checking that they hash to it; throws
   * AppError `sha256-mismatch` (422) otherwise and stores nothing. `created` is false
   * when the blob was already there.
   */
  put(sha256: string, bytes: Uint8Array): Promise<{ created: boolean }>;
  /** The bytes, or undefined when there is no such blob. */
  get(sha256: string): Promise<Uint8Array | undefined>;
  has(sha256: string): Promise<boolean>;
  /** True when a blob was removed. */
  delete(sha256: string): Promise<boolean>;
}

const sha256Pattern = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Throws AppError `sha256-invalid` (400) unless `sha256` is 64 lower-case hex characters. */
export function assertSha256(sha256: string): void {
  if (!sha256Pattern.test(sha256)) throw new AppError('sha256-invalid', 400, 'Expected a sha256 as 64 lower-case hex characters');
}

/** Throws AppError `sha256-mismatch` (422) unless `bytes` hash to `sha256`. */
export function assertBytesMatch(sha256: string, bytes: Uint8Array): void {
  assertSha256(sha256);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) {
    throw new AppError('sha256-mismatch', 422, 'The bytes do not match their sha256', { expected: sha256, actual });
  }
}
