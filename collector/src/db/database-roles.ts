import pg from 'pg';

// Least privilege (DESIGN "Security model"): the collector's role owns nothing and cannot
// switch triggers off; the owner role migrates and grants. The audit log's triggers only
// bind the collector if it can neither own audit_log (owners may disable or drop triggers)
// nor set session_replication_role (which skips every trigger).

/** Tables the collector may only read and append to: no UPDATE, DELETE or TRUNCATE. */
export const appendOnlyTables = ['audit_log'] as const;

// Collectors starting together would otherwise GRANT on the same catalog rows at once,
// which PostgreSQL answers with "tuple concurrently updated".
const grantLockKey = 0x76_67_72_6e; // "vgrn"

/** The roles behind the two pools, as PostgreSQL reports them (`current_user`). */
export interface DatabaseRoles {
  /** The collector's role (DATABASE_URL). */
  readonly app: string;
  /** The schema owner's role (DATABASE_MIGRATION_URL). */
  readonly owner: string;
}

export async function currentRole(pool: pg.Pool): Promise<string> {
  const result = await pool.query<{ role: string }>('select current_user as role');
  const role = result.rows[0]?.role;
  if (role === undefined) throw new Error('the database did not say which role we are');
  return role;
}

/**
 * Run as the owner after every migration: gives `appRole` what the collector needs on
 * what exists now and, by default privileges, on what the owner creates later (the
 * monthly partitions, future migrations). Idempotent. The append-only tables are
 * narrowed after the blanket grant, so a later migration cannot widen them by accident.
 */
export async function grantAppRole(owner: pg.Pool, appRole: string): Promise<void> {
  const app = pg.escapeIdentifier(appRole);
  const client = await owner.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [grantLockKey]);
    await client.query(`grant usage on schema public to ${app}`);
    await client.query(`grant select, insert, update, delete on all tables in schema public to ${app}`);
    await client.query(`grant usage, select on all sequences in schema public to ${app}`);
    await client.query(`alter default privileges in schema public grant select, insert, update, delete on tables to ${app}`);
    await client.query(`alter default privileges in schema public grant usage, select on sequences to ${app}`);
    for (const table of appendOnlyTables) {
      await client.query(`revoke update, delete, truncate, references, trigger on ${pg.escapeIdentifier(table)} from ${app}`);
    }
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * What, as the collector's own role, would let it rewrite the audit log; empty when it
 * is properly confined. Asked of the database rather than inferred from the URLs, so a
 * superuser or owner-member app role is caught however it was configured.
 */
export async function appRolePowers(app: pg.Pool, roles: DatabaseRoles): Promise<string[]> {
  const powers: string[] = [];
  if (roles.app === roles.owner) powers.push(`it is also the migration role (${roles.owner}), which owns the tables`);
  const result = await app.query<{ superuser: boolean; createrole: boolean; owner_member: boolean; audit_owner_member: boolean | null; version: number }>(
    `select r.rolsuper as superuser, r.rolcreaterole as createrole,
            pg_has_role(current_user, o.oid, 'MEMBER') as owner_member,
            (select pg_has_role(current_user, c.relowner, 'MEMBER') from pg_class c where c.oid = to_regclass('public.audit_log')) as audit_owner_member,
            current_setting('server_version_num')::int as version
       from pg_roles r left join pg_roles o on o.rolname = $1
      where r.rolname = current_user`,
    [roles.owner],
  );
  const row = result.rows[0];
  if (row === undefined) return [...powers, 'its role could not be inspected'];
  if (row.superuser) powers.push('it is a superuser');
  if (row.createrole) powers.push('it has CREATEROLE (it could grant itself other roles)');
  if (roles.app !== roles.owner && (row.owner_member || row.audit_owner_member === true)) powers.push('it is a member of the role that owns the tables');
  if (!row.superuser && row.version >= 150_000) {
    // PostgreSQL 15 can grant SET on a superuser-only parameter to an ordinary role.
    const set = await app.query<{ ok: boolean }>(`select has_parameter_privilege('session_replication_role', 'SET') as ok`);
    if (set.rows[0]?.ok === true) powers.push('it may SET session_replication_role (which skips triggers)');
  }
  return powers;
}
