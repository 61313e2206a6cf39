// Which agent `pnpm agent` runs: the bundle (dist/headless/main.mjs, made by build.ts) when it
// is newer than every source it was made from, else it is built first (~0.3 s, in a separate
// process so the supervisor never holds esbuild), and main.ts when that cannot be done (no
// esbuild in a production install, a read-only install folder). The bundle is plain
// JavaScript: ~30 MiB less RSS than the sources and V8 flags they rule out (agent/README.md).
//
// Plain JavaScript for the same reason as launch.mjs: it runs before the compile cache is on.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = new URL('./', import.meta.url);
export const SOURCE_SCRIPT = fileURLToPath(new URL('main.ts', HERE));
export const BUILD_SCRIPT = fileURLToPath(new URL('build.ts', HERE));
export const BUNDLE_DIR = fileURLToPath(new URL('../../dist/headless/', HERE));
/** Set to 1 to run the TypeScript sources even when a bundle could be used. */
export const FROM_SOURCE_ENV = 'VIGIL_AGENT_FROM_SOURCE';

/**
 * True when `dir` holds main.mjs, the key-hook and image-worker children, the session helper and inputs.json, and no source listed
 * there is missing or newer than main.mjs.
 * @param {string} dir
 * @returns {boolean}
 */
export function bundleIsFresh(dir = BUNDLE_DIR) {
  try {
    const built = statSync(join(dir, 'main.mjs')).mtimeMs;
    /** @type {unknown} */
    const inputs = JSON.parse(readFileSync(join(dir, 'inputs.json'), 'utf8'));
    if (!Array.isArray(inputs) || inputs.length === 0) return false;
    statSync(join(dir, 'key-hook.child.mjs'));
    statSync(join(dir, 'image-worker.child.mjs'));
    statSync(join(dir, 'session-helper.mjs'));
    return inputs.every((input) => typeof input === 'string' && statSync(input).mtimeMs <= built);
  } catch {
    return false;
  }
}

/**
 * @typedef {(level: 'info' | 'warn', fields: Record<string, unknown>, msg: string) => void} BundleLog
 */

/**
 * The script the supervisor should run: the bundle (built now if it is stale) or main.ts.
 * @param {{ env?: NodeJS.ProcessEnv, log: BundleLog }} opts
 * @returns {string}
 */
export function agentScript({ env = process.env, log }) {
  if (env[FROM_SOURCE_ENV] === '1') return SOURCE_SCRIPT;
  const bundle = join(BUNDLE_DIR, 'main.mjs');
  if (bundleIsFresh()) return bundle;
  const started = performance.now();
  const result = spawnSync(process.execPath, [BUILD_SCRIPT], { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, encoding: 'utf8' });
  if (result.status === 0 && bundleIsFresh()) {
    log('info', { bundle, ms: Math.round(performance.now() - started) }, 'built the agent bundle');
    return bundle;
  }
  const reason =
    result.error?.message ??
    result.stderr
      .trim()
      .split('\n')
      .find((l) => l.trim() !== '') ??
    `exit ${String(result.status)}`;
  log('warn', { reason }, 'could not build the agent bundle; running the TypeScript sources');
  return SOURCE_SCRIPT;
}
