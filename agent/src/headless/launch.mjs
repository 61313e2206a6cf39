// `pnpm agent`: turns on Node's compile cache in the agent's state folder, then becomes the
// supervisor — on Linux the shell script supervise.sh (this process replaces itself with it),
// elsewhere supervisor.ts — which runs the agent with the same cache: the bundle
// dist/headless/main.mjs, built first when older than the sources (agent-bundle.mjs), else
// main.ts. From the second start on the supervisor loads no TypeScript type-stripping compiler
// (~20 MiB of RSS), and the bundled agent never does (bench/src/agent-idle.bench.ts; numbers
// in agent/README.md).
//
// Plain JavaScript on purpose: a .ts entry would load that compiler before it could turn
// the cache on.
import { accessSync, constants, lstatSync, mkdirSync } from 'node:fs';
import module from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * On Linux, where Node can replace itself with another program (process.execve, Node ≥ 23.11), the agent is
 * supervised by supervise.sh instead of a second Node process: ~1 MiB instead of ~45 MiB beside the agent
 * (issue #13, bench/src/agent-idle.bench.ts). Elsewhere, with --no-supervise or --help, or with
 * VIGIL_NODE_SUPERVISOR=1, supervisor.ts does the job in Node.
 * @param {readonly string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {{ shell: string, script: string } | undefined}
 */
export function shellSupervisor(argv, env) {
  if (process.platform !== 'linux' || typeof process.execve !== 'function') return undefined;
  if (env.VIGIL_NODE_SUPERVISOR === '1') return undefined;
  if (argv.some((a) => a === '--no-supervise' || a === '--help' || a === '-h')) return undefined;
  const shell = '/bin/sh';
  try {
    accessSync(shell, constants.X_OK);
  } catch {
    return undefined;
  }
  return { shell, script: fileURLToPath(new URL('./supervise.sh', import.meta.url)) };
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
const { agentNodeFlags, runSupervisor, stderrLog } = await import('./supervisor.ts');
const script = agentScript({ log: stderrLog });
const plan = shellSupervisor(argv, process.env);
if (plan !== undefined) {
  // This process becomes the supervisor shell (same PID, so whoever started `pnpm agent` still holds it).
  process.execve?.(plan.shell, [plan.shell, plan.script, process.execPath, ...agentNodeFlags(script), ...process.execArgv, script, ...argv], process.env);
}
await runSupervisor(argv, script);
