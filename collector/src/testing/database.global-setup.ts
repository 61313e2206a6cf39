import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres } from '../db/embedded-postgres.ts';
import { createLogger } from '../logging/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Admin URL (maintenance database) of the PostgreSQL server tests create their databases on. */
    databaseServerUrl: string;
    /** 'external' when TEST_DATABASE_URL is set, otherwise 'embedded'. */
    databaseServerKind: 'external' | 'embedded';
  }
}

/**
 * vitest globalSetup for the collector and e2e projects: one PostgreSQL server for the
 * whole run. With TEST_DATABASE_URL (CI sets it to the machine's server) that server;
 * otherwise an embedded-postgres in a temporary directory, stopped and removed at the end.
 * Each test file then makes its own database on it (createTestDatabase).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.TEST_DATABASE_URL?.trim();
  if (external !== undefined && external !== '') {
    project.provide('databaseServerUrl', external);
    project.provide('databaseServerKind', 'external');
    return async () => {};
  }
  const log = createLogger(process.env.LOG_LEVEL === 'debug' ? 'debug' : 'warn');
  const baseDir = await mkdtemp(join(tmpdir(), 'vigil-test-pg-'));
  // mkdtemp makes the directory 0700; as root the server runs as `postgres` and must get in.
  await chmod(baseDir, 0o755);
  const server = await startEmbeddedPostgres({ baseDir, log, database: 'postgres' });
  project.provide('databaseServerUrl', server.serverUrl);
  project.provide('databaseServerKind', 'embedded');
  return async () => {
    await server.stop();
    await rm(baseDir, { recursive: true, force: true });
  };
}
