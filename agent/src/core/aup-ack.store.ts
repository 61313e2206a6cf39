import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonFile, writeFileAtomic } from './state-dir.ts';

const ackSchema = z.object({ user: z.string().max(256), version: z.string().min(1).max(64), at: z.number().int().nonnegative() });

/**
 * Which acceptable-use notice each OS user has acknowledged: one small file per user under
 * `<state folder>/aup/`, named by a hash of the user name (user names may hold characters a
 * file name cannot). A damaged file counts as "not acknowledged": the notice shows again.
 */
export class AupAckStore {
  readonly #dir: string;

  constructor(stateDir: string) {
    this.#dir = join(stateDir, 'aup');
  }

  fileFor(user: string): string {
    return join(this.#dir, `${createHash('sha256').update(user).digest('hex').slice(0, 32)}.json`);
  }

  async acknowledged(user: string, version: string): Promise<boolean> {
    const read = await readJsonFile(this.fileFor(user), ackSchema);
    return read.ok && read.value.user === user && read.value.version === version;
  }

  async record(user: string, version: string, at: number): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.fileFor(user), JSON.stringify({ user, version, at }));
  }
}
