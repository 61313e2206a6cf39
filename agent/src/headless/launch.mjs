// `pnpm agent`: turns on Node's compile cache in the agent's state folder, then runs the
// supervisor (supervisor.ts), which runs the agent with the same cache: the bundle
// dist/headless/main.mjs, built first when older than the sources (agent-bundle.mjs), else
// main.ts. From the second start on the supervisor loads no TypeScript type-stripping compiler
// (~20 MiB of RSS), and the bundled agent never does (bench/src/agent-idle.bench.ts; numbers
// in agent/README.md).
//
// Plain JavaScript on purpose: a .ts entry would load that compiler before it could turn
// the cache on.
import { lstatSync, mkdirSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

/**
 * `compile-cache` in the state folder (from --state-dir, VIGIL_STATE_DIR, else the default;
 * a stateDir set only in a --config file is not looked at here). Owner-only like the rest of
 * the state folder — the cache holds code the agent runs — or undefined when it cannot be made
 * so, and the agent runs without it.
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function agentCompileCache(argv, env) {
  const flag = argv.indexOf('--state-dir');
  const inline = argv.find((a) => a.startsWith('--state-dir='))?.slice('--state-dir='.length);
  const uid = process.getuid?.();
  const fromEnv = env.VIGIL_STATE_DIR?.trim();
  const stateDir =
    (flag >= 0 ? argv[flag + 1] : undefined) ??
    inline ??
    (fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined) ??
    (uid === 0 ? '/var/lib/vigil-agent' : join(homedir(), '.local', 'state', 'vigil-agent'));
  if (stateDir === '') return undefined;
  const dir = join(isAbsolute(stateDir) ? stateDir : resolve(stateDir), 'compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const stat = lstatSync(dir);
    if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid) || (stat.mode & 0o077) !== 0) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

const argv = process.argv.slice(2);
const cache = process.env.NODE_COMPILE_CACHE ?? agentCompileCache(argv, process.env);
if (cache !== undefined) {
  // For the agent process too: it inherits the environment.
  process.env.NODE_COMPILE_CACHE = cache;
  module.enableCompileCache(cache);
}
// Two malloc arenas for the agent process (it inherits the environment) instead of one per
// thread: the image encoder's worker threads otherwise keep tens of MiB after a live session.
process.env.MALLOC_ARENA_MAX ??= '2';
const { agentScript } = await import('./agent-bundle.mjs');
const { runSupervisor, stderrLog } = await import('./supervisor.ts');
await runSupervisor(argv, agentScript({ log: stderrLog }));
