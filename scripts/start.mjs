// `pnpm start` (and `bash scripts/bootstrap.sh start`): the collector's V8 flags, then the console built when
// its bundle is missing or older than its sources, then the collector in this process (it owns signal
// handling and shutdown) with Node's compile cache on (collector/src/launch.mjs says why).
//
// Plain JavaScript on purpose: a .ts file here would load Node's type stripper into the collector's process
// before the compile cache could spare it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { enableCollectorCompileCache, withCollectorFlags } from '../collector/src/launch.mjs';

withCollectorFlags();

const consoleDir = 'collector/console';
const built = join(consoleDir, 'dist', 'index.html');

/** @param {string} dir @returns {number} */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(built) || newestMtime(join(consoleDir, 'src')) > statSync(built).mtimeMs) {
  console.error('\n▶ console build: pnpm -F @vigil/console build');
  const started = performance.now();
  const result = spawnSync('pnpm', ['-F', '@vigil/console', 'build'], { stdio: 'inherit' });
  const code = result.status ?? 1;
  console.error(`${code === 0 ? '✔' : '✖'} console build (${((performance.now() - started) / 1000).toFixed(1)} s)`);
  if (code !== 0) process.exit(code);
}

enableCollectorCompileCache();
await import('../collector/src/main.ts');
