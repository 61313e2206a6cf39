// `pnpm start`: build the console when its bundle is missing or older than its sources,
// then run the collector in this process (it owns signal handling and shutdown).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runStep } from './run-step.ts';

const consoleDir = 'collector/console';
const built = join(consoleDir, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

if (!existsSync(built) || newestMtime(join(consoleDir, 'src')) > statSync(built).mtimeMs) {
  const code = await runStep('console build', 'pnpm', ['-F', '@vigil/console', 'build']);
  if (code !== 0) process.exit(code);
}
// A path in a variable: the collector is its own TypeScript project, checked there.
const collectorMain = '../collector/src/main.ts';
await import(collectorMain);
