import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decodeSecretKey, loadOrCreateKeyFile, SecretBox, secretBoxFor } from './secret-box.ts';

let dataDir: string;
beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-secret-box-'));
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

const fixedKey = randomBytes(32);
const box = new SecretBox(async () => fixedKey);

describe('SecretBox', () => {
  it('round-trips, with a fresh IV each time', async () => {
    const a = await box.seal('JBSWY3DPEHPK3PXP', 'vigil-totp:u1');
    const b = await box.seal('JBSWY3DPEHPK3PXP', 'vigil-totp:u1');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(await box.open(a, 'vigil-totp:u1')).toBe('JBSWY3DPEHPK3PXP');
  });

  it("refuses another user's context, another key and a tampered ciphertext", async () => {
    const sealed = await box.seal('JBSWY3DPEHPK3PXP', 'vigil-totp:u1');
    await expect(box.open(sealed, 'vigil-totp:u2')).rejects.toMatchObject({ code: 'secret-unreadable' });
    await expect(new SecretBox(async () => randomBytes(32)).open(sealed, 'vigil-totp:u1')).rejects.toMatchObject({ code: 'secret-unreadable' });
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3] ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    parts[3] = flipped.toString('base64url');
    await expect(box.open(parts.join('.'), 'vigil-totp:u1')).rejects.toMatchObject({ code: 'secret-unreadable' });
    await expect(box.open('plain-text-secret', 'vigil-totp:u1')).rejects.toMatchObject({ code: 'secret-unreadable' });
  });
});

describe('the key', () => {
  it('is created once as DATA_DIR/secrets/totp.key with mode 0600 in a 0700 directory, then reused', async () => {
    const first = await loadOrCreateKeyFile(dataDir);
    expect(first).toHaveLength(32);
    expect((await stat(join(dataDir, 'secrets', 'totp.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'secrets'))).mode & 0o777).toBe(0o700);
    expect(await loadOrCreateKeyFile(dataDir)).toEqual(first);
    expect((await readFile(join(dataDir, 'secrets', 'totp.key'), 'utf8')).trim()).toBe(first.toString('base64'));
  });

  it('is not written until a secret is sealed', async () => {
    const lazy = secretBoxFor(dataDir, undefined);
    await expect(stat(join(dataDir, 'secrets', 'totp.key'))).rejects.toMatchObject({ code: 'ENOENT' });
    const sealed = await lazy.seal('x', 'c');
    expect(await secretBoxFor(dataDir, undefined).open(sealed, 'c')).toBe('x');
  });

  it('comes from VIGIL_SECRET_KEY (hex or base64) instead, and no file is made', async () => {
    const key = randomBytes(32);
    const fromHex = secretBoxFor(dataDir, key.toString('hex'));
    const sealed = await fromHex.seal('x', 'c');
    expect(await secretBoxFor(dataDir, key.toString('base64')).open(sealed, 'c')).toBe('x');
    expect(await secretBoxFor(dataDir, key.toString('base64url')).open(sealed, 'c')).toBe('x');
    await expect(stat(join(dataDir, 'secrets'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails fast, naming the variable, when VIGIL_SECRET_KEY is not 32 bytes', () => {
    expect(decodeSecretKey('too-short')).toMatchObject({ ok: false, code: 'secret-key-invalid' });
    expect(() => secretBoxFor(dataDir, 'abcd')).toThrow(/VIGIL_SECRET_KEY must be 32 bytes/);
  });

  it('refuses a damaged key file rather than making a new key', async () => {
    await loadOrCreateKeyFile(dataDir);
    await writeFile(join(dataDir, 'secrets', 'totp.key'), 'garbage\n');
    await expect(loadOrCreateKeyFile(dataDir)).rejects.toThrow(/restore it from backup/);
  });
});
