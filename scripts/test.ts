// `pnpm test`: typecheck, lint, format check (prettier), build the console and the browser extension, then the three test
// tiers of vitest.config.ts one after another: unit (no database), integration (real PostgreSQL),
// end-to-end (Xvfb and Chromium). Stops at the first failing step and exits non-zero; prints a
// plain "N passed, N failed, N skipped" line last, summed over the tiers that ran.
// Extra arguments (e.g. a file filter) go to every tier; a tier the filter leaves empty passes.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { runStep } from './run-step.ts';

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

const extraArgs = process.argv.slice(2);
mkdirSync('.tsbuild', { recursive: true });

const builds: Array<[string, string[]]> = [
  ['typecheck', ['exec', 'tsc', '-b']],
  ['lint', ['lint']],
  ['format check', ['format:check']],
  ['console build', ['-F', '@vigil/console', 'build']],
  ['extension build', ['-F', '@vigil/agent-extension', 'build']],
];

// The same project lists as the root package.json's test:unit, test:integration and test:e2e.
const tiers: Array<[label: string, report: string, projects: string[]]> = [
  ['unit tests', '.tsbuild/vitest-unit.json', ['scripts', 'shared', 'agent', 'extension', 'console', 'collector']],
  ['integration tests', '.tsbuild/vitest-integration.json', ['integration']],
  ['end-to-end tests', '.tsbuild/vitest-e2e.json', ['e2e']],
];

for (const [label, args] of builds) {
  const code = await runStep(label, 'pnpm', args);
  if (code !== 0) fail(label, code);
}

const totals: Totals = { passed: 0, failed: 0, skipped: 0 };
for (const [label, report, projects] of tiers) {
  // A report left by an earlier run must not stand in for one this run failed to write.
  rmSync(report, { force: true });
  const projectArgs = projects.flatMap((project) => ['--project', project]);
  const reporters = ['--reporter=default', '--reporter=json', `--outputFile.json=${report}`];
  const filter = extraArgs.length > 0 ? ['--passWithNoTests', ...extraArgs] : [];
  const args = ['exec', 'vitest', 'run', ...projectArgs, ...reporters, ...filter];
  const code = await runStep(label, 'pnpm', args);
  add(totals, readTotals(report, code));
  if (code !== 0) {
    printTotals(totals);
    fail(label, code);
  }
}
printTotals(totals);

function fail(label: string, code: number): never {
  console.error(`\nvigil test: ${label} failed`);
  process.exit(code);
}

/** One tier's counts from its JSON report; a failed run that wrote none counts as one failure. */
function readTotals(report: string, code: number): Totals {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
    return { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests };
  } catch {
    return { passed: 0, failed: code === 0 ? 0 : 1, skipped: 0 };
  }
}

function add(into: Totals, more: Totals): void {
  into.passed += more.passed;
  into.failed += more.failed;
  into.skipped += more.skipped;
}

function printTotals({ passed, failed, skipped }: Totals): void {
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
}
