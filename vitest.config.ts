import { defineConfig } from 'vitest/config';

// One project per tier. Unit tests sit beside the code; integration tests
// (real PostgreSQL) end in .int.test.ts; whole-system tests live in test/.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', root: './shared', include: ['src/**/*.test.ts'] } },
      { test: { name: 'agent', root: './agent', include: ['src/**/*.test.ts'] } },
      { test: { name: 'extension', root: './agent/extension', include: ['src/**/*.test.ts', 'tools/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'collector',
          root: './collector',
          include: ['src/**/*.test.ts'],
          globalSetup: ['./src/testing/database.global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'console', root: './collector/console', include: ['src/**/*.test.{ts,tsx}'] } },
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
