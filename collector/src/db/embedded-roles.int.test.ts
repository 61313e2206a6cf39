import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/audit.repository.ts';
import { testLogger } from '../testing/test-database.ts';
import { connectDatabase, openDatabase, type Database } from './database.ts';
import { appRolePowers } from './database-roles.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { embeddedRoles, rolePasswordFile } from './embedded-roles.ts';
import { auditLog } from './schema/index.ts';
import { expectConfinedToAppend } from './testing/role-checks.ts';

// The zero-configuration install: no DATABASE_URL, so the collector runs its own
// PostgreSQL and must set up the owner/app split itself. The data directory starts the
// way earlier versions left it (migrated by the superuser, which owned everything), so
// this also proves an existing install is adopted on upgrade.
describe('the embedded database runs the collector as vigil_app', { timeout: 120_000 }, () => {
  let baseDir: string;
  let database: Database;
  beforeAll(async () => {
    baseDir = await mkdtemp(join(tmpdir(), 'vigil-embedded-roles-'));
    await chmod(baseDir, 0o755);
    const log = testLogger();
    const server = await startEmbeddedPostgres({ baseDir, log });
    try {
      const legacy = await connectDatabase(server.url, log, { poolSize: 1 });
      await appendAudit(legacy.db, { actorLabel: 'Before The Upgrade', action: 'alert.view', targetType: 'alert', targetId: '01JLEGACY00000000000000000' });
      await legacy.close();
    } finally {
      await server.stop();
    }
    database = await openDatabase({ databaseUrl: undefined, databaseMigrationUrl: undefined, dataDir: baseDir }, log, { poolSize: 2 });
  });
  afterAll(async () => {
    await database?.close();
    await rm(baseDir, { recursive: true, force: true });
  });

  it('connects the app as vigil_app and migrates as vigil_owner, neither a superuser', async () => {
    expect(database.roles).toEqual({ app: 'vigil_app', owner: 'vigil_owner' });
    expect(database.ownerPool).not.toBe(database.pool);
    const roles = await database.pool.query<{ rolname: string; rolsuper: boolean; rolcreaterole: boolean; rolcreatedb: boolean; rolbypassrls: boolean }>(
      `select rolname, rolsuper, rolcreaterole, rolcreatedb, rolbypassrls from pg_roles where rolname like 'vigil\\_%' order by rolname`,
    );
    expect(roles.rows).toEqual([
      { rolname: 'vigil_app', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false },
      { rolname: 'vigil_owner', rolsuper: false, rolcreaterole: false, rolcreatedb: false, rolbypassrls: false },
    ]);
    expect(await appRolePowers(database.pool, database.roles)).toEqual([]);
  });

  it('hands everything the superuser created before to vigil_owner', async () => {
    const foreign = await database.pool.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname in ('public', 'drizzle') and c.relkind in ('r', 'p', 'S') and c.relowner <> 'vigil_owner'::regrole
       union all select nspname from pg_namespace where nspname = 'drizzle' and nspowner <> 'vigil_owner'::regrole`,
    );
    expect(foreign.rows).toEqual([]);
    const owner = await database.pool.query(`select pg_get_userbyid(datdba) as owner from pg_database where datname = current_database()`);
    expect(owner.rows[0]).toEqual({ owner: 'vigil_owner' });
  });

  it('keeps old audit entries readable and new ones appendable, and nothing can undo them', async () => {
    await appendAudit(database.db, { actorLabel: 'After The Upgrade', action: 'alert.view', targetType: 'alert', targetId: '01JLEGACY00000000000000001' });
    expect(await database.db.$count(auditLog)).toBe(2);
    await expectConfinedToAppend(database.pool, embeddedRoles.owner);
    expect(await database.db.$count(auditLog)).toBe(2);
  });

  it('keeps the generated passwords in DATA_DIR, readable by the collector alone', async () => {
    for (const role of Object.values(embeddedRoles)) {
      expect(((await stat(rolePasswordFile(baseDir, role))).mode & 0o777).toString(8)).toBe('600');
    }
  });

  it('opens again on the same data directory (the roles and their passwords are reused)', async () => {
    await database.close();
    database = await openDatabase({ databaseUrl: undefined, databaseMigrationUrl: undefined, dataDir: baseDir }, testLogger(), { poolSize: 2 });
    expect(database.roles).toEqual({ app: 'vigil_app', owner: 'vigil_owner' });
    expect(await database.db.$count(auditLog)).toBe(2);
  });
});
