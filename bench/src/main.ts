// `pnpm bench`: runs every bench/src/*.bench.ts module in turn (each prints its own numbers).
// `pnpm bench matcher capture` runs only the modules whose names contain one of the words.
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const modules = (await readdir(here))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((f) => name.includes(f)))
  .sort();

let failed = 0;
for (const name of modules) {
  console.log(`\n=== ${name}`);
  const t0 = performance.now();
  try {
    const mod = (await import(pathToFileURL(`${here}/${name}`).href)) as { default?: () => Promise<void> };
    if (typeof mod.default !== 'function') throw new Error('no default export run()');
    await mod.default();
    console.log(`=== ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    failed++;
    console.error(`=== ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  }
}
if (modules.length === 0) console.log(`no bench modules match ${filters.join(', ')}`);
process.exitCode = failed > 0 ? 1 : 0;
