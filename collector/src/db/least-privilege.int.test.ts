import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { appendAudit } from '../audit/audit.repository.ts';
import { createLogger } from '../logging/logger.ts';
import { createTestDatabase, databaseUrlOn, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { connectDatabase } from './database.ts';
import { appRolePowers, grantAppRole } from './database-roles.ts';
import { ensureMonthlyPartitions } from './partitions.ts';
import { alertEvents, alerts, auditLog, devices, sites } from './schema/index.ts';
import { expectConfinedToAppend, refusal } from './testing/role-checks.ts';

/** A logger whose lines a test can read. */
function capturingLogger(): { log: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const log = createLogger('warn', { write: (line: string) => void raw.push(line) });
  return { log, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe(`the collector's database role (${inject('databaseServerKind')} server)`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    await appendAudit(database.db, { actorLabel: 'Ms Example', action: 'alert.view', targetType: 'alert', targetId: '01JROLETEST000000000000000' });
  });
  afterAll(() => database.drop());

  it('connects as the app role, not the owner', () => {
    expect(database.database.roles).toEqual(database.roles);
  });

  it('can only append to audit_log: UPDATE, DELETE, TRUNCATE, trigger switches and session_replication_role are refused', async () => {
    await expectConfinedToAppend(database.pool, database.roles.owner);
    expect(await database.db.$count(auditLog)).toBe(1);
  });

  it('cannot turn the triggers off inside a transaction either', async () => {
    const client = await database.pool.connect();
    try {
      await client.query('begin');
      expect(await refusal(client.query('set local session_replication_role = replica'))).toMatchObject({ code: '42501' });
    } finally {
      await client.query('rollback');
      client.release();
    }
  });

  it('still writes audit entries and does its normal work on the other tables', async () => {
    await appendAudit(database.db, { actorLabel: 'Mr Second', action: 'alert.reveal', targetType: 'alert', targetId: '01JROLETEST000000000000001' });
    const [site] = await database.db.insert(sites).values({ name: 'Least Privilege Academy' }).returning();
    const [device] = await database.db
      .insert(devices)
      .values({ siteId: site!.id, hostname: 'LP-01', os: 'linux', secretHash: 'x'.repeat(64) })
      .returning();
    await database.db
      .update(sites)
      .set({ name: 'Renamed Academy' })
      .where(sql`id = ${site!.id}`);
    const [alert] = await database.db
      .insert(alerts)
      .values({
        id: '01JROLEALERT00000000000000',
        deviceId: device!.id,
        siteId: site!.id,
        ts: new Date(),
        source: 'typed',
        term: 'x',
        category: 'bullying',
        severity: 1,
      })
      .returning();
    // bigserial: the app role needs USAGE on the sequence.
    await database.db.insert(alertEvents).values({ alertId: alert!.id, actorLabel: 'system', kind: 'note', note: 'checked' });
    await database.db.delete(alerts).where(sql`id = ${alert!.id}`);
    expect(await database.db.$count(auditLog)).toBe(2);
    expect(await appRolePowers(database.pool, database.roles)).toEqual([]);
  });

  it('gets the same rights on tables the owner creates later (default privileges)', async () => {
    await database.ownerPool.query('create table later_feature (id int primary key)');
    await database.pool.query('insert into later_feature values (1)');
    expect((await database.pool.query('delete from later_feature')).rowCount).toBe(1);
    // Partitions are the owner's to make; rows in them the app's to write.
    await ensureMonthlyPartitions(database.ownerPool, new Date(Date.UTC(2098, 0, 1)), 0, 0);
    expect(await refusal(ensureMonthlyPartitions(database.pool, new Date(Date.UTC(2097, 0, 1)), 0, 0))).toMatchObject({ code: '42501' });
  });

  it('granting again (every start-up) keeps audit_log narrowed', async () => {
    await grantAppRole(database.ownerPool, database.roles.app);
    const rights = await database.ownerPool.query<{ privilege: string; granted: boolean }>(
      `select p as privilege, has_table_privilege($1, 'audit_log', p) as granted
         from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER']) as p`,
      [database.roles.app],
    );
    expect(Object.fromEntries(rights.rows.map((row) => [row.privilege, row.granted]))).toEqual({
      SELECT: true,
      INSERT: true,
      UPDATE: false,
      DELETE: false,
      TRUNCATE: false,
      TRIGGER: false,
    });
  });
});

describe('one role for both (DATABASE_MIGRATION_URL unset)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('still works, and warns at start-up that the audit log is then append-only only by its triggers', async () => {
    const { log, lines } = capturingLogger();
    const single = await connectDatabase(database.ownerUrl, log, { poolSize: 1 });
    try {
      expect(single.ownerPool).toBe(single.pool);
      expect(single.roles).toEqual({ app: database.roles.owner, owner: database.roles.owner });
      await appendAudit(single.db, { actorLabel: 'One Role', action: 'alert.view', targetType: 'alert', targetId: '01JONEROLE0000000000000000' });
      expect(await single.db.$count(auditLog)).toBe(1);
    } finally {
      await single.close();
    }
    const warning = lines().find((line) => line.level === 40);
    expect(warning?.msg).toMatch(/append-only against the collector only when DATABASE_URL is a role that owns nothing/);
    expect(warning?.powers).toEqual([`it is also the migration role (${database.roles.owner}), which owns the tables`]);
    expect(JSON.stringify(lines())).not.toContain(new URL(database.ownerUrl).password);
  });

  it('names a superuser app role as such', async () => {
    const name = new URL(database.url).pathname.slice(1);
    const superuser = await connectDatabase(databaseUrlOn(inject('databaseServerUrl'), name), testLogger(), { migrate: false, poolSize: 1 });
    try {
      const powers = await appRolePowers(superuser.pool, { app: superuser.roles.app, owner: database.roles.owner });
      expect(powers).toContain('it is a superuser');
    } finally {
      await superuser.close();
    }
  });
});
