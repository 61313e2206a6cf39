import { readFileSync } from 'node:fs';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/**
 * The PID of the running locker command, kept in the state folder, so an agent restarted
 * after it was killed finds the locker its predecessor started — still on screen, since
 * nothing stopped it — and can lift it at a teacher unlock, instead of starting a second
 * locker that cannot grab the keyboard and leaving the first one nobody can remove.
 * A PID is trusted only while that process runs as this user under the locker's name.
 */
export class LockerPidFile {
  readonly path: string;
  readonly #name: string;
  /**
   * Writes and clears run one after another, in call order: a killed locker's clear (read, then remove)
   * must not remove the PID its replacement wrote meanwhile.
   */
  #ops: Promise<unknown> = Promise.resolve();

  constructor(path: string, command: string) {
    this.path = path;
    // /proc/<pid>/comm holds at most 15 characters of the executable's name.
    this.#name = basename(command).slice(0, 15);
  }

  write(pid: number): Promise<void> {
    return this.#serial(async () => {
      const tmp = `${this.path}.tmp-${process.pid}`;
      await writeFile(tmp, `${pid}\n`, { mode: 0o600 });
      await rename(tmp, this.path);
    });
  }

  /** Removes the file if it names `pid` (or whatever it names, without one). */
  clear(pid?: number): Promise<void> {
    return this.#serial(async () => {
      if (pid !== undefined && (await this.#read()) !== pid) return;
      await rm(this.path, { force: true });
    });
  }

  #serial(op: () => Promise<void>): Promise<void> {
    const next = this.#ops.then(op, op);
    this.#ops = next.catch(() => undefined);
    return next;
  }

  /** The locker a previous run left on screen, or undefined (a stale file is removed). */
  async find(): Promise<number | undefined> {
    const pid = await this.#read();
    if (pid === undefined) return undefined;
    if (await this.isLocker(pid)) return pid;
    await rm(this.path, { force: true });
    return undefined;
  }

  /** `pid` runs, as this user, under the locker's name (Linux /proc; elsewhere never). A killed one not yet reaped (zombie) does not. */
  async isLocker(pid: number): Promise<boolean> {
    try {
      const [comm, owner, procStat] = await Promise.all([readFile(`/proc/${pid}/comm`, 'utf8'), stat(`/proc/${pid}`), readFile(`/proc/${pid}/stat`, 'utf8')]);
      const uid = process.getuid?.();
      const zombie = procStat.slice(procStat.lastIndexOf(')') + 2, procStat.lastIndexOf(')') + 3) === 'Z';
      return !zombie && comm.trim() === this.#name && (uid === undefined || owner.uid === uid);
    } catch {
      return false;
    }
  }

  async #read(): Promise<number | undefined> {
    try {
      const pid = Number((await readFile(this.path, 'utf8')).trim());
      return Number.isSafeInteger(pid) && pid > 1 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}

/** SIGTERM, then SIGKILL after `graceMs`; resolves once `pid` is gone (it is not our child: polled). */
export async function stopProcess(pid: number, graceMs = 3_000): Promise<void> {
  // A killed orphan stays a zombie until init reaps it (or forever under a PID 1 that does not): gone all the same.
  const alive = () => {
    try {
      process.kill(pid, 0);
    } catch {
      return false;
    }
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive()) {
    if (Date.now() > deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await delay(50);
  }
  while (alive()) await delay(20);
}
