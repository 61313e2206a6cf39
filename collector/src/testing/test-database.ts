import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connectDatabase, type Database, type Db } from '../db/database.ts';
import { createLogger, type Logger } from '../logging/logger.ts';

export interface TestDatabase {
  /** URL of this test's own database (contains the server's password, if any). */
  readonly url: string;
  readonly db: Db;
  readonly pool: pg.Pool;
  /** The same connection as a `Database`, ready for `buildApp(config, { database })`. */
  readonly database: Database;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

/** A logger that writes nothing unless LOG_LEVEL asks for it while debugging a test. */
export function testLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL;
  return createLogger(level === 'debug' || level === 'info' || level === 'trace' ? level : 'silent');
}

/** URL of `database` on the server behind `serverUrl`. */
export function databaseUrlOn(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

/** Runs `work` on a short-lived admin connection to the test server's maintenance database. */
export async function withServerClient<T>(work: (client: pg.Client) => Promise<T>, serverUrl = inject('databaseServerUrl')): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh, uniquely named database on the run's test server (see
 * database.global-setup.ts) with every migration applied, through the same
 * `connectDatabase` path the collector uses. Call `drop()` in afterAll/afterEach.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('databaseServerUrl');
  const name = `vigil_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withServerClient((client) => client.query(`create database ${client.escapeIdentifier(name)}`), serverUrl);
  const url = databaseUrlOn(serverUrl, name);
  let database: Database;
  try {
    database = await connectDatabase(url, testLogger(), { migrate: options.migrate ?? true, poolSize: 5 });
  } catch (error) {
    await withServerClient((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`), serverUrl);
    throw error;
  }
  let dropping: Promise<void> | undefined;
  return {
    url,
    db: database.db,
    pool: database.pool,
    database,
    drop: () =>
      (dropping ??= (async () => {
        await database.close();
        await withServerClient((client) => client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`), serverUrl);
      })()),
  };
}
