// `pnpm test`: typecheck, lint, build the console and the browser extension, then every vitest project (unit,
// integration on real PostgreSQL, end-to-end under Xvfb and Chromium). Stops at the
// first failing step and exits non-zero; prints a plain "N passed, N failed" line last.
import { mkdirSync, readFileSync } from 'node:fs';
import { runStep } from './run-step.ts';

const extraArgs = process.argv.slice(2);
const report = '.tsbuild/vitest-report.json';
mkdirSync('.tsbuild', { recursive: true });

const steps: Array<[string, string, string[]]> = [
  ['typecheck', 'pnpm', ['exec', 'tsc', '-b']],
  ['lint', 'pnpm', ['exec', 'eslint', '--max-warnings', '0', '.']],
  ['console build', 'pnpm', ['-F', '@vigil/console', 'build']],
  ['extension build', 'pnpm', ['-F', '@vigil/agent-extension', 'build']],
  ['tests', 'pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...extraArgs]],
];

for (const [label, command, args] of steps) {
  const code = await runStep(label, command, args);
  if (label === 'tests') printSummary();
  if (code !== 0) {
    console.error(`\nvigil test: ${label} failed`);
    process.exit(code);
  }
}

function printSummary(): void {
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number };
    console.log(`${json.numPassedTests} passed, ${json.numFailedTests} failed, ${json.numPendingTests} skipped`);
  } catch {
    console.log('0 passed, 1 failed');
  }
}
