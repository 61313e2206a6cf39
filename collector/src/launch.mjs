// The collector as `pnpm start` runs it (scripts/start.mjs), or `node collector/src/launch.mjs` on a server:
// the V8 flags it is sized for, then Node's compile cache in DATA_DIR/compile-cache, then main.ts.
//
// Why: with V8's defaults on a machine with a lot of RAM the young generation grows to 128 MiB and start-up
// garbage (the drizzle-orm ES modules alone leave ~130 MiB) waits for a full GC that an idle server never
// triggers, so an idle collector sat at ~290 MiB RSS. With a 4 MiB semi-space and a 16 MiB initial old space
// it collects early and idles at about half that; the compile cache spares the TypeScript type stripper
// (~30 MiB) from the second start on (bench/src/connections.bench.ts prints the figure; collector/README.md).
//
// Plain JavaScript on purpose: a .ts entry would load the type stripper before the cache could be turned on.
import { lstatSync, mkdirSync } from 'node:fs';
import module from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The V8 flags the collector runs with. Flags given on the command line as well come after these and win. */
export const COLLECTOR_NODE_FLAGS = Object.freeze(['--max-semi-space-size=4', '--initial-old-space-size=16']);

/**
 * Environment the collector runs with, unless the operator set these already. glibc gives each thread that
 * allocates at once its own malloc arena (up to 8 per core); the short-lived 64 KiB read buffers of thousands
 * of sockets then fragment across them, and what they free is not returned: with 19,000 agents the same V8
 * heap sat at 253–372 MiB RSS from run to run. Two arenas keep it at the low end (connections bench).
 */
export const COLLECTOR_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/** Set to 1 to run with Node's own heap sizing (for comparison). */
export const NO_FLAGS_ENV = 'VIGIL_COLLECTOR_DEFAULT_HEAP';

/**
 * Restarts this process (same PID, process.execve) with COLLECTOR_NODE_FLAGS in front and COLLECTOR_ENV set
 * when they are missing (glibc reads MALLOC_ARENA_MAX at start, so it too needs a new process image); returns
 * when they are in place, or when that cannot be done (no execve: Windows, Node < 23.11).
 * Call it before anything heavy is loaded.
 * @param {NodeJS.ProcessEnv} [env]
 */
export function withCollectorFlags(env = process.env) {
  if (env[NO_FLAGS_ENV] === '1' || typeof process.execve !== 'function') return;
  const missing = COLLECTOR_NODE_FLAGS.filter((flag) => !process.execArgv.some((given) => given.split('=')[0] === flag.split('=')[0]));
  const unset = Object.entries(COLLECTOR_ENV).filter(([name]) => env[name] === undefined);
  if (missing.length === 0 && unset.length === 0) return;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], { ...env, ...Object.fromEntries(unset) });
}

/**
 * Turns on Node's compile cache in DATA_DIR/compile-cache (owner-only, like the rest of DATA_DIR's secrets
 * folder); returns the folder, or undefined when it cannot be made so (the collector then runs without it).
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
export function enableCollectorCompileCache(env = process.env) {
  const dataDir = env.DATA_DIR?.trim() || './data';
  const dir = join(isAbsolute(dataDir) ? dataDir : resolve(dataDir), 'compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    const uid = process.getuid?.();
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) return undefined;
  } catch {
    return undefined;
  }
  const result = module.enableCompileCache(dir);
  return result.directory ?? dir;
}

/** Flags, compile cache, then the collector (main.ts). */
export async function launchCollector() {
  withCollectorFlags();
  enableCollectorCompileCache();
  await import('./main.ts');
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await launchCollector();
