import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.ts';
import { sha256Hex } from './blob-store.ts';
import { DiskBlobStore } from './disk-blob-store.ts';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

describe('DiskBlobStore', () => {
  let root: string;
  let store: DiskBlobStore;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vigil-blobs-'));
    store = new DiskBlobStore(join(root, 'blobs'));
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a blob content-addressed under ab/cd/<sha256>', async () => {
    const bytes = new TextEncoder().encode('a JPEG, believe it or not');
    const sha256 = sha256Hex(bytes);
    expect(await store.put(sha256, bytes)).toEqual({ created: true });
    const path = join(root, 'blobs', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
    expect(await readFile(path)).toEqual(Buffer.from(bytes));
    expect(await filesUnder(root)).toEqual([path]);
    expect(await store.has(sha256)).toBe(true);
    expect(Buffer.from((await store.get(sha256)) ?? [])).toEqual(Buffer.from(bytes));
  });

  it('a second put of the same content is a no-op', async () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const sha256 = sha256Hex(bytes);
    await store.put(sha256, bytes);
    expect(await store.put(sha256, bytes)).toEqual({ created: false });
    expect(await filesUnder(root)).toHaveLength(1);
  });

  it('rejects bytes that do not match their sha256 with sha256-mismatch and stores nothing', async () => {
    const claimed = sha256Hex(new Uint8Array([1, 2, 3]));
    const error = await store.put(claimed, new Uint8Array([6, 6, 6])).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'sha256-mismatch', status: 422 });
    expect(await store.has(claimed)).toBe(false);
    expect(await filesUnder(root).catch(() => [])).toEqual([]);
  });

  it('refuses a key that is not a sha256 (no path tricks)', async () => {
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'sha256-invalid' });
    await expect(store.put('AB'.repeat(32), new Uint8Array([1]))).rejects.toMatchObject({ code: 'sha256-invalid' });
  });

  it('get and delete answer for missing blobs without throwing', async () => {
    const sha256 = 'ef'.repeat(32);
    expect(await store.get(sha256)).toBeUndefined();
    expect(await store.delete(sha256)).toBe(false);
    const bytes = new Uint8Array([9]);
    await store.put(sha256Hex(bytes), bytes);
    expect(await store.delete(sha256Hex(bytes))).toBe(true);
    expect(await store.has(sha256Hex(bytes))).toBe(false);
  });
});
