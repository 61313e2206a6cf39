import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { connectDatabase } from './database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres.ts';
import { prepareEmbeddedRoles } from './embedded-roles.ts';
import { migrationsFolder, runMigrations } from './migrate.ts';
import * as schema from './schema/index.ts';

const journal: { entries: unknown[] } = JSON.parse(readFileSync(join(migrationsFolder, 'meta/_journal.json'), 'utf8'));
const schemaExports: unknown[] = Object.values(schema);
const schemaTables = schemaExports
  .filter((value): value is PgTable => value instanceof PgTable)
  .map((table) => getTableConfig(table).name)
  .sort();

/** Everything a migration can change that we care about, as one comparable string. */
async function fingerprint(pool: pg.Pool): Promise<string> {
  const parts = await Promise.all([
    pool.query(`select table_name, column_name, data_type, is_nullable, column_default from information_schema.columns
                 where table_schema = 'public' order by 1, 2`),
    pool.query(`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by 1, 2`),
    pool.query(`select conrelid::regclass::text as t, conname from pg_constraint
                 where connamespace = 'public'::regnamespace order by 1, 2`),
    pool.query(`select tgrelid::regclass::text as t, tgname from pg_trigger where not tgisinternal order by 1, 2`),
    pool.query(`select count(*) from drizzle.__drizzle_migrations`),
  ]);
  return JSON.stringify(parts.map((part) => part.rows));
}

async function expectMigratesFromEmpty(pool: pg.Pool): Promise<void> {
  const before = await pool.query(`select count(*)::int as n from pg_tables where schemaname = 'public'`);
  expect(before.rows[0].n).toBe(0);

  const first = await runMigrations(pool, testLogger());
  expect(first.applied).toBe(journal.entries.length);

  const tables = await pool.query<{ tablename: string }>(
    `select tablename from pg_tables where schemaname = 'public' and tablename not like '%\\_p______' and tablename not like '%\\_default'
     union select relname from pg_class where relkind = 'p' and relnamespace = 'public'::regnamespace order by 1`,
  );
  expect(tables.rows.map((row) => row.tablename).sort()).toEqual(schemaTables);

  const partitioned = await pool.query(`select relkind from pg_class where relname = 'activity_spans'`);
  expect(partitioned.rows[0].relkind).toBe('p');

  const afterFirst = await fingerprint(pool);
  const second = await runMigrations(pool, testLogger());
  expect(second.applied).toBe(0);
  expect(await fingerprint(pool)).toBe(afterFirst);
}

describe(`migrations on the test server (${inject('databaseServerKind')})`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(() => database.drop());

  it('every migration runs on an empty database, and running them again changes nothing', async () => {
    await expectMigratesFromEmpty(database.ownerPool);
  });
});

describe('migrations on a freshly initialised embedded PostgreSQL', () => {
  let baseDir: string;
  let server: EmbeddedPostgresServer;
  beforeAll(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'vigil-migrations-'));
    await chmod(baseDir, 0o755);
    server = await startEmbeddedPostgres({ baseDir, log: testLogger() });
  });
  afterAll(async () => {
    await server?.stop();
    await rm(baseDir, { recursive: true, force: true });
  });

  it('every migration runs on an empty database, and running them again changes nothing', async () => {
    const urls = await prepareEmbeddedRoles(server, baseDir);
    const database = await connectDatabase(urls.app, testLogger(), { ownerUrl: urls.owner, migrate: false });
    try {
      await expectMigratesFromEmpty(database.ownerPool);
    } finally {
      await database.close();
    }
  });
});
