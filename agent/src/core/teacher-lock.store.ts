import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { lockPayloadSchema } from '@vigil/shared/protocol';
import { readJsonFile, writeFileAtomic, type ReadResult } from './state-dir.ts';

// The teacher lock in force, kept in the state folder so it holds across an agent restart
// or a reboot while the collector is unreachable: the agent re-applies it before it
// connects, and the collector's answer on reconnect (the lock in force, or `on: false`)
// then wins. Owner-only, written atomically, removed when the lock is lifted or ends.

const fileSchema = z.object({
  version: z.literal(1),
  lockId: lockPayloadSchema.shape.lockId,
  message: lockPayloadSchema.shape.message,
  by: lockPayloadSchema.shape.by,
  until: lockPayloadSchema.shape.until,
});

/** A teacher lock as the agent holds it: what the lock screen shows and when it lifts by itself. */
export interface TeacherLock {
  lockId: string;
  message?: string;
  /** Who locked (a teacher's name). */
  by?: string;
  /** A timed lock lifts by itself at this instant (epoch ms). */
  until?: number;
}

export const TEACHER_LOCK_FILE = 'teacher-lock.json';

export class TeacherLockStore {
  readonly path: string;

  constructor(stateDir: string) {
    this.path = join(stateDir, TEACHER_LOCK_FILE);
  }

  /** The stored lock; `missing` when none is in force, `invalid`/`unreadable` for a damaged file. Never throws. */
  async read(): Promise<ReadResult<TeacherLock>> {
    const read = await readJsonFile(this.path, fileSchema);
    if (!read.ok) return read;
    const { version: _version, ...stored } = read.value;
    return { ok: true, value: withoutUndefined(stored) };
  }

  async write(lock: TeacherLock): Promise<void> {
    await writeFileAtomic(this.path, `${JSON.stringify({ version: 1, ...withoutUndefined(lock) })}\n`, 0o600);
  }

  async clear(): Promise<void> {
    await rm(this.path, { force: true });
  }
}

function withoutUndefined(lock: TeacherLock): TeacherLock {
  const out: TeacherLock = { lockId: lock.lockId };
  if (lock.message !== undefined) out.message = lock.message;
  if (lock.by !== undefined) out.by = lock.by;
  if (lock.until !== undefined) out.until = lock.until;
  return out;
}
