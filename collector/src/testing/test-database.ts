import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { connectDatabase, type Database, type Db } from '../db/database.ts';
import { createLogger, type Logger } from '../logging/logger.ts';

export interface TestDatabase {
  /** This test's own database as its app role, like DATABASE_URL (contains a password). */
  readonly url: string;
  /** The same database as its owner role, like DATABASE_MIGRATION_URL. */
  readonly ownerUrl: string;
  /** The app and owner roles, made for this database alone. */
  readonly roles: { readonly app: string; readonly owner: string };
  /** Connected as the app role, as the collector is. */
  readonly db: Db;
  readonly pool: pg.Pool;
  /** Connected as the owner: for what a test does as the school's DBA or the migrator. */
  readonly ownerPool: pg.Pool;
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

/** `url` (a database on the test server) as `role` with `password`. */
function asRole(url: string, role: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(role);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

// Roles are cluster-wide and test files run in parallel (and several runs may share one
// server), so each test database gets a pair of its own, named after it, made in the
// production shape: an owner that owns the database, an app role that owns nothing.
async function createRoles(client: pg.Client, name: string, roles: TestDatabase['roles'], password: string): Promise<void> {
  const attributes = `login nosuperuser nocreatedb nocreaterole noreplication nobypassrls password ${client.escapeLiteral(password)}`;
  await client.query(`create role ${client.escapeIdentifier(roles.owner)} with ${attributes}`);
  await client.query(`create role ${client.escapeIdentifier(roles.app)} with ${attributes} noinherit`);
  await client.query(`create database ${client.escapeIdentifier(name)} owner ${client.escapeIdentifier(roles.owner)}`);
}

async function dropWithRoles(client: pg.Client, name: string, roles: TestDatabase['roles']): Promise<void> {
  await client.query(`drop database if exists ${client.escapeIdentifier(name)} with (force)`);
  for (const role of [roles.app, roles.owner]) await client.query(`drop role if exists ${client.escapeIdentifier(role)}`);
}

/**
 * A fresh, uniquely named database on the run's test server (see
 * database.global-setup.ts) with every migration applied, through the same
 * `connectDatabase` path the collector uses: migrated by its owner role, used as its
 * app role, so every test runs with the collector's least privilege. Call `drop()` in
 * afterAll/afterEach.
 */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = inject('databaseServerUrl');
  const name = `vigil_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const roles = { app: `${name}_app`, owner: `${name}_owner` };
  const password = randomBytes(18).toString('base64url');
  await withServerClient((client) => createRoles(client, name, roles, password), serverUrl);
  const url = asRole(databaseUrlOn(serverUrl, name), roles.app, password);
  const ownerUrl = asRole(databaseUrlOn(serverUrl, name), roles.owner, password);
  let database: Database;
  try {
    database = await connectDatabase(url, testLogger(), { ownerUrl, migrate: options.migrate ?? true, poolSize: 5 });
  } catch (error) {
    await withServerClient((client) => dropWithRoles(client, name, roles), serverUrl);
    throw error;
  }
  let dropping: Promise<void> | undefined;
  return {
    url,
    ownerUrl,
    roles,
    db: database.db,
    pool: database.pool,
    ownerPool: database.ownerPool,
    database,
    drop: () =>
      (dropping ??= (async () => {
        await database.close();
        await withServerClient((client) => dropWithRoles(client, name, roles), serverUrl);
      })()),
  };
}
