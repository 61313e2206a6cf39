// `pnpm lint` runs this after ESLint: no import cycles, and no new pair of folders importing each other
// (rules and reasons in import-graph.ts; the pairs still tolerated are in import-pairs.baseline.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkImports } from './import-graph.ts';

/** Every package's source root. */
export const ROOTS = ['shared/src', 'agent/src', 'agent/extension/src', 'collector/src', 'collector/console/src', 'test/src', 'bench/src'] as const;

const repo = fileURLToPath(new URL('..', import.meta.url));
const baseline = JSON.parse(readFileSync(new URL('./import-pairs.baseline.json', import.meta.url), 'utf8')) as { pairs: Record<string, [string, string][]> };
const { problems, tolerated } = checkImports(repo, ROOTS, baseline.pairs);
for (const problem of problems) console.error(`check-imports: ${problem}`);
if (problems.length > 0) {
  console.error(`check-imports: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(
  `check-imports: no import cycles, no new two-way folder pairs in ${ROOTS.length} source roots (${tolerated} older pairs listed in scripts/import-pairs.baseline.json)`,
);
