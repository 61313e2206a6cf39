import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors/app-error.ts';

/**
 * Encrypts small secrets kept in the database (TOTP seeds) with AES-256-GCM, so a
 * database dump or backup alone does not yield anyone's second factor.
 *
 * The key comes from, in order:
 *   1. `VIGIL_SECRET_KEY`: 32 bytes as 64 hex digits or base64/base64url. Set the SAME
 *      value on every collector that shares a database (each would otherwise make its
 *      own file and could not read the others' seeds).
 *   2. `DATA_DIR/secrets/totp.key`: created on first use (directory 0700, file 0600),
 *      holding the key in base64. Back it up with the data directory but apart from
 *      database dumps; without it every TOTP enrolment must be redone.
 *
 * Stored form: `v1.<iv>.<tag>.<ciphertext>` (base64url). The user id is bound in as
 * associated data, so a seed copied onto another user's row does not decrypt.
 */
export const secretKeyEnvVar = 'VIGIL_SECRET_KEY';

const keyBytes = 32;
const ivBytes = 12;
const format = 'v1';

export type KeyResult = { readonly ok: true; readonly key: Buffer } | { readonly ok: false; readonly code: 'secret-key-invalid'; readonly message: string };

/** Decodes `VIGIL_SECRET_KEY`; never throws. */
export function decodeSecretKey(raw: string): KeyResult {
  const text = raw.trim();
  const key = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : Buffer.from(text, 'base64url');
  if (key.length !== keyBytes) {
    return {
      ok: false,
      code: 'secret-key-invalid',
      message: `${secretKeyEnvVar} must be ${keyBytes} bytes as 64 hex digits or base64 (got ${key.length} bytes)`,
    };
  }
  return { ok: true, key };
}

function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** Reads DATA_DIR/secrets/totp.key, creating it (0600) when missing. */
export async function loadOrCreateKeyFile(dataDir: string): Promise<Buffer> {
  const dir = join(dataDir, 'secrets');
  const file = join(dir, 'totp.key');
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    // `wx`: two collectors starting on one data directory must not overwrite each other's key.
    await writeFile(file, `${randomBytes(keyBytes).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if (!isErrnoException(error, 'EEXIST')) throw error;
  }
  const decoded = decodeSecretKey((await readFile(file, 'utf8')).trim());
  if (!decoded.ok) throw new Error(`${file} is not a ${keyBytes}-byte key in base64; restore it from backup`);
  return decoded.key;
}

export class SecretBox {
  readonly #key: () => Promise<Buffer>;

  /** `key` is asked for lazily, so a collector with no TOTP users never writes a key file. */
  constructor(key: () => Promise<Buffer>) {
    let loaded: Promise<Buffer> | undefined;
    this.#key = () => (loaded ??= key());
  }

  async seal(plaintext: string, context: string): Promise<string> {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', await this.#key(), iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [format, iv, cipher.getAuthTag(), ciphertext].map((part) => (typeof part === 'string' ? part : part.toString('base64url'))).join('.');
  }

  /** The plaintext, or an AppError `secret-unreadable` (wrong key, tampered, other user's row). */
  async open(sealed: string, context: string): Promise<string> {
    const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
    if (version !== format || iv === undefined || tag === undefined || ciphertext === undefined || rest.length > 0) {
      throw new AppError('secret-unreadable', 500, 'A stored secret has an unknown format');
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', await this.#key(), Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new AppError('secret-unreadable', 500, "A stored secret cannot be decrypted with this collector's key");
    }
  }
}

/** The box for a collector: `VIGIL_SECRET_KEY` when set (validated now), else the key file. */
export function secretBoxFor(dataDir: string, envKey: string | undefined): SecretBox {
  if (envKey !== undefined && envKey.trim() !== '') {
    const decoded = decodeSecretKey(envKey);
    if (!decoded.ok) throw new AppError(decoded.code, 500, decoded.message);
    return new SecretBox(async () => decoded.key);
  }
  return new SecretBox(() => loadOrCreateKeyFile(dataDir));
}
