// Test seam: `node:fs/promises` with writes that fail on demand, as a full disk (ENOSPC), a
// full quota (EDQUOT) or a failing device (EIO) makes them fail. Reads, listings and deletes
// keep working, as they do on a full disk. Used through vi.mock in the full-disk tests:
//   vi.mock('node:fs/promises', async (real) => (await import('./failing-fs.ts')).failingFs(await real()));
import { existsSync } from 'node:fs';
import type * as fsp from 'node:fs/promises';

type Fsp = typeof fsp;

/** What fails while `code` is set: every write, new file, directory and rename under `under` (all paths when unset). */
export const diskFault: { code: 'ENOSPC' | 'EDQUOT' | 'EIO' | undefined; under: string | undefined; failures: number } = {
  code: undefined,
  under: undefined,
  failures: 0,
};

const MESSAGES: Record<string, string> = { ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EIO: 'i/o error' };

function failing(path: unknown): boolean {
  if (diskFault.code === undefined) return false;
  return diskFault.under === undefined || (typeof path === 'string' && path.startsWith(diskFault.under));
}

function fault(op: string, path: unknown): NodeJS.ErrnoException {
  diskFault.failures++;
  const code = diskFault.code ?? 'EIO';
  return Object.assign(new Error(`${code}: ${MESSAGES[code] ?? code}, ${op} '${String(path)}'`), { code, syscall: op, path: String(path) });
}

const WRITES = new Set(['write', 'writeFile', 'appendFile', 'writev', 'datasync', 'sync', 'truncate']);

function wrapHandle(fh: fsp.FileHandle, path: unknown): fsp.FileHandle {
  return new Proxy(fh, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value as (...args: unknown[]) => unknown;
      if (typeof prop === 'string' && WRITES.has(prop)) {
        return (...args: unknown[]) => (failing(path) ? Promise.reject(fault(prop, path)) : fn.apply(target, args));
      }
      return fn.bind(target);
    },
  });
}

export function failingFs(real: Fsp): Fsp {
  const open: Fsp['open'] = async (path, flags, mode) => {
    const writes = flags !== undefined && flags !== 'r' && flags !== 0;
    if (writes && failing(path)) throw fault('open', path);
    return wrapHandle(await real.open(path, flags, mode), path);
  };
  // A full disk still "makes" a folder that exists (recursive); a failing device fails it anyway.
  const mkdir = (async (path: Parameters<Fsp['mkdir']>[0], options?: Parameters<Fsp['mkdir']>[1]) => {
    if (failing(path) && (diskFault.code === 'EIO' || !existsSync(path))) throw fault('mkdir', path);
    return real.mkdir(path, options);
  }) as Fsp['mkdir'];
  const writeFile: Fsp['writeFile'] = async (path, data, options) => {
    if (failing(path)) throw fault('write', path);
    return real.writeFile(path, data, options);
  };
  const rename: Fsp['rename'] = async (from, to) => {
    if (failing(to)) throw fault('rename', to);
    return real.rename(from, to);
  };
  const mocked = { ...real, open, mkdir, writeFile, rename };
  return { ...mocked, default: mocked } as Fsp;
}
