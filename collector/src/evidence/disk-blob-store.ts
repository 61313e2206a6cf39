import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { assertBytesMatch, assertSha256, type BlobStore } from './blob-store.ts';

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}

/**
 * Blobs as files under `root/ab/cd/<sha256>` (two levels of fan-out keep directories
 * small at millions of captures). A put writes a temporary file in the same directory,
 * fsyncs it and renames it into place, so a reader never sees half a blob and a crash
 * leaves at most a stray `.tmp-*` file; the directory is fsynced too, because the
 * gateway acks the upload (and the agent deletes its copy) right after.
 */
export class DiskBlobStore implements BlobStore {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
  }

  /** Where the blob for `sha256` lives (whether or not it exists). */
  pathOf(sha256: string): string {
    assertSha256(sha256);
    return join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(sha256: string, bytes: Uint8Array): Promise<{ created: boolean }> {
    assertBytesMatch(sha256, bytes);
    const path = this.pathOf(sha256);
    if (await this.has(sha256)) return { created: false };
    const dir = join(path, '..');
    await mkdir(dir, { recursive: true, mode: 0o750 });
    const temporary = `${path}.tmp-${randomBytes(6).toString('hex')}`;
    try {
      const file = await open(temporary, 'wx', 0o640);
      try {
        await file.writeFile(bytes);
        await file.datasync();
      } finally {
        await file.close();
      }
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    await syncDirectory(dir);
    return { created: true };
  }

  async get(sha256: string): Promise<Uint8Array | undefined> {
    try {
      return await readFile(this.pathOf(sha256));
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    try {
      return (await stat(this.pathOf(sha256))).isFile();
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async delete(sha256: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(sha256));
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }
}

async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The collector's blob store: `DATA_DIR/blobs`. */
export function createBlobStore(dataDir: string): BlobStore {
  return new DiskBlobStore(join(dataDir, 'blobs'));
}
