// The agent packages the collector hands out: files an administrator copies into
// DATA_DIR/downloads (`pnpm -F @vigil/agent package:deb`, the electron-builder MSI/NSIS/pkg).
// They carry no secret (the enrolment token is given at install time, never in the file), so
// they are public; only names that look like a package file are served, and only from that folder.
import { open, readdir, realpath, stat, type FileHandle } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { agentPackageKinds, type AgentPackage } from '@vigil/shared/console';

/** A plain file name: no folder, no leading dot, no `..`, a package extension. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._+-]{0,199}$/;

export function downloadsDir(dataDir: string): string {
  return join(dataDir, 'downloads');
}

/** The package kind of a file name, or undefined when it is not a name we serve. */
export function packageKind(file: string): AgentPackage['kind'] | undefined {
  if (!FILE_NAME.test(file) || file.includes('..')) return undefined;
  const ext = file.slice(file.lastIndexOf('.') + 1).toLowerCase();
  return agentPackageKinds.find((kind) => kind === ext);
}

/** `vigil-agent_0.1.0_amd64.deb` → 0.1.0; `vigil-agent-0.1.0.msi`, `Vigil-Agent-Setup-0.1.0.exe` → 0.1.0. */
export function packageVersion(file: string): string | null {
  return /[_-](\d+\.\d+\.\d+(?:[-+~][0-9A-Za-z.]+)?)(?:_[a-z0-9]+)?\.[a-z]+$/i.exec(file)?.[1] ?? null;
}

/** The packages in the folder, newest version first within a kind; none when the folder is missing. */
export async function listPackages(dir: string): Promise<AgentPackage[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return [];
  }
  const found: AgentPackage[] = [];
  for (const file of names) {
    const kind = packageKind(file);
    if (kind === undefined) continue;
    const info = await stat(join(dir, file)).catch(() => undefined);
    if (info?.isFile() !== true) continue;
    found.push({ file, kind, version: packageVersion(file), bytes: info.size });
  }
  const byVersion = (v: string | null) => (v ?? '0.0.0').split(/[.+~-]/).map((part) => Number(part) || 0);
  return found.sort((a, b) => {
    if (a.kind !== b.kind) return a.kind.localeCompare(b.kind);
    const [x, y] = [byVersion(a.version), byVersion(b.version)];
    for (let i = 0; i < Math.max(x.length, y.length); i += 1) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (y[i] ?? 0) - (x[i] ?? 0);
    return a.file.localeCompare(b.file);
  });
}

/** An open handle on the named package, or undefined: bad name, missing, not a file, or a link out of the folder. */
export async function openPackage(dir: string, file: string): Promise<{ handle: FileHandle; bytes: number } | undefined> {
  if (packageKind(file) === undefined) return undefined;
  let real: string;
  let root: string;
  try {
    [real, root] = await Promise.all([realpath(join(dir, file)), realpath(dir)]);
  } catch {
    return undefined;
  }
  if (!real.startsWith(`${root}${sep}`)) return undefined;
  const handle = await open(real, 'r');
  const info = await handle.stat();
  if (!info.isFile()) {
    await handle.close();
    return undefined;
  }
  return { handle, bytes: info.size };
}
