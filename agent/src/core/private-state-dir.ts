import { chmod, lstat, mkdir, readdir, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, parse } from 'node:path';

// The system service's state folder holds the device secret, the outbox and the policy cache:
// only its owner (root) may reach it. Checked at every start, like sshd's StrictModes:
//  - the folder is a real directory (not a symlink) owned by the service's user;
//  - readable by others only → fixed (chmod 0700) and reported: the secret may have been read;
//  - writable by others, or owned by someone else → refused: entries may have been planted
//    (an `outbox` symlink into a pupil's home would have root write the outbox there);
//  - every folder above it is owned by root (or the owner) and not writable by others unless
//    sticky (/tmp), so nobody can swap the folder for another;
//  - the entries in it and in outbox/ are the owner's and no symlinks.

export type PrivateDirResult = { ok: true; fixed: string[] } | { ok: false; path: string; problem: string };

export interface PrivateDirOptions {
  /** The uid that must own the folder (default: this process's, root for the service). */
  uid?: number;
}

/** Sub-folders whose entries are checked too (one level: that is all the agent makes). */
const CHECKED_SUBDIRS = ['outbox'];

export async function securePrivateStateDir(dir: string, opts: PrivateDirOptions = {}): Promise<PrivateDirResult> {
  const uid = opts.uid ?? process.getuid?.() ?? 0;
  if (!isAbsolute(dir)) return { ok: false, path: dir, problem: 'must be an absolute path' };
  const fixed: string[] = [];
  try {
    // Create what is missing owner-only; then check the real path of the parent, link by link.
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const parent = await realpath(dirname(dir));
    for (const ancestor of ancestorsOf(parent)) {
      const st = await lstat(ancestor);
      if (st.uid !== 0 && st.uid !== uid) return { ok: false, path: ancestor, problem: `is owned by uid ${st.uid}: whoever owns it can swap the state folder` };
      if ((st.mode & 0o022) !== 0 && (st.mode & 0o1000) === 0)
        return { ok: false, path: ancestor, problem: `is writable by others (mode ${octal(st.mode)}) and not sticky: anyone could swap the state folder` };
    }
    const path = join(parent, parse(dir).base);
    const st = await lstat(path);
    if (st.isSymbolicLink() || !st.isDirectory()) return { ok: false, path, problem: 'is not a directory (a symlink?)' };
    if (st.uid !== uid) return { ok: false, path, problem: `is owned by uid ${st.uid}, not ${uid}: remove it or chown it to uid ${uid}` };
    if ((st.mode & 0o022) !== 0)
      return { ok: false, path, problem: `was writable by others (mode ${octal(st.mode)}): entries may have been planted; check and chmod 0700 it by hand` };
    if ((st.mode & 0o077) !== 0) {
      await chmod(path, 0o700);
      fixed.push(`${path}: mode ${octal(st.mode)} → 0700 (readable by others until now: consider re-enrolling this device)`);
    }
    const bad = await foreignEntry(path, uid);
    if (bad !== undefined) return { ok: false, ...bad };
    for (const sub of CHECKED_SUBDIRS) {
      const subPath = join(path, sub);
      if (!(await isDir(subPath))) continue;
      const subSt = await lstat(subPath);
      if ((subSt.mode & 0o077) !== 0) {
        await chmod(subPath, 0o700);
        fixed.push(`${subPath}: mode ${octal(subSt.mode)} → 0700`);
      }
      const badSub = await foreignEntry(subPath, uid);
      if (badSub !== undefined) return { ok: false, ...badSub };
    }
  } catch (err) {
    return { ok: false, path: dir, problem: err instanceof Error ? err.message : String(err) };
  }
  return { ok: true, fixed };
}

/** The first entry of `dir` that is a symlink or not owned by `uid`. */
async function foreignEntry(dir: string, uid: number): Promise<{ path: string; problem: string } | undefined> {
  for (const name of await readdir(dir)) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (st.isSymbolicLink()) return { path, problem: 'is a symlink: the state folder holds none' };
    if (st.uid !== uid) return { path, problem: `is owned by uid ${st.uid}, not ${uid}` };
  }
  return undefined;
}

async function isDir(path: string): Promise<boolean> {
  try {
    const st = await lstat(path);
    return st.isDirectory() && !st.isSymbolicLink();
  } catch {
    return false;
  }
}

/** "/", "/var", "/var/lib" for "/var/lib". */
export function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  for (let p = path; ; p = dirname(p)) {
    out.unshift(p);
    if (dirname(p) === p) break;
  }
  return out;
}

const octal = (mode: number) => `0${(mode & 0o7777).toString(8)}`;
