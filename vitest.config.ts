import { configDefaults, defineConfig } from 'vitest/config';

// Three tiers, each a step of `pnpm test` (scripts/test.ts) and runnable alone with
// `pnpm test:unit`, `pnpm test:integration`, `pnpm test:e2e`:
// - unit (shared, agent, extension, console, collector): beside the code, with fakes; needs no
//   database. Servers they talk to (ws, SMTP) run in-process; a few adapter tests start Xvfb
//   or Chromium.
// - integration (collector src/**/*.int.test.ts): real PostgreSQL, the server in
//   TEST_DATABASE_URL or else an embedded one the global setup starts; each file makes its own
//   database on it.
// - e2e (test/): the whole system as child processes, agents under Xvfb, the console in
//   Chromium, on the same PostgreSQL set-up; needs the console built (collector/console/dist).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      // The repository's own tooling (the import rules pnpm lint checks).
      { test: { name: 'scripts', root: './scripts', include: ['*.test.ts'] } },
      { test: { name: 'agent', root: './agent', include: ['src/**/*.test.ts'] } },
      { test: { name: 'extension', root: './agent/extension', include: ['src/**/*.test.ts', 'tools/**/*.test.ts'], testTimeout: 30_000 } },
      { test: { name: 'console', root: './collector/console', include: ['src/**/*.test.{ts,tsx}'] } },
      {
        test: {
          name: 'collector',
          root: './collector',
          include: ['src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'src/**/*.int.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          root: './collector',
          include: ['src/**/*.int.test.ts'],
          globalSetup: ['./src/testing/database.global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: './test',
          include: ['src/**/*.test.ts'],
          globalSetup: ['../collector/src/testing/database.global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
