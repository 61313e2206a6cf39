import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../node/exec.ts';

/** The graphical session a helper serves: whose it is and which X display it is on. */
export interface SessionTarget {
  user: string;
  uid: number;
  gid: number;
  home: string;
  /** ":0" */
  display: string;
  /** The X cookie the session's user can read, when the display needs one. */
  xauthority?: string;
  /** logind's session id, when logind named it. */
  sessionId?: string;
}

export function sameSession(a: SessionTarget | undefined, b: SessionTarget | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.uid === b.uid && a.display === b.display && a.sessionId === b.sessionId && a.xauthority === b.xauthority;
}

export interface PasswdEntry {
  user: string;
  uid: number;
  gid: number;
  home: string;
}

/** One `getent passwd` line (name:x:uid:gid:gecos:home:shell), or undefined. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const fields = line.trim().split(':');
  if (fields.length < 7) return undefined;
  const [user = '', , uid = '', gid = '', , home = ''] = fields;
  if (user === '' || !/^\d+$/.test(uid) || !/^\d+$/.test(gid) || !home.startsWith('/')) return undefined;
  return { user, uid: Number(uid), gid: Number(gid), home };
}

/**
 * Looks a user up by name or uid (NSS: local, LDAP, AD all work). The helper never runs as
 * root: a root session has nothing to hide from root, and X-facing code should not run as it.
 */
export async function lookupUser(nameOrUid: string | number): Promise<PasswdEntry> {
  let out: string;
  try {
    out = (await run('getent', ['passwd', String(nameOrUid)], { timeoutMs: 5_000 })).stdout;
  } catch {
    throw new Error(`no such user: ${String(nameOrUid)}`);
  }
  const entry = parsePasswdLine(out.split('\n')[0] ?? '');
  if (entry === undefined) throw new Error(`cannot read the passwd entry of ${String(nameOrUid)}`);
  if (entry.uid === 0) throw new Error(`the session helper does not run as root (user ${entry.user})`);
  return entry;
}

/** Where display managers leave the session's X cookie, when the caller did not say. */
export function guessXauthority(entry: PasswdEntry, exists: (path: string) => boolean = existsSync): string | undefined {
  const candidates = [join('/run/user', String(entry.uid), 'gdm', 'Xauthority'), join(entry.home, '.Xauthority')];
  return candidates.find((path) => exists(path));
}

/** Fixed, small: nothing of the service's own environment (VIGIL_*, NODE_OPTIONS) reaches the helper. */
export function helperEnv(target: SessionTarget): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: target.home,
    USER: target.user,
    LOGNAME: target.user,
    DISPLAY: target.display,
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
  if (target.xauthority !== undefined) env.XAUTHORITY = target.xauthority;
  const runtime = join('/run/user', String(target.uid));
  if (ownedBy(runtime, target.uid)) env.XDG_RUNTIME_DIR = runtime;
  return env;
}

function ownedBy(path: string, uid: number): boolean {
  try {
    return statSync(path).uid === uid;
  } catch {
    return false;
  }
}
