import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { isErrno } from './embedded-files.ts';
import type { EmbeddedPostgresServer } from './embedded-postgres.ts';

// The embedded server's two roles, so the zero-configuration install gets the same
// least privilege as a school's own server (see "Database roles" in the README).
// Password authentication, not trust: the server listens on loopback TCP, which every
// local account on a shared school PC can reach, so "local" proves nothing about who
// connects. Each password is generated once and kept in DATA_DIR with mode 0600, beside
// the superuser's.

export const embeddedRoles = { owner: 'vigil_owner', app: 'vigil_app' } as const;

// Neither role may create roles or databases, bypass row security or replicate; the app
// role also inherits nothing. Re-applied on every start, so a role someone widened by
// hand is narrowed again.
const roleAttributes = 'login nosuperuser nocreatedb nocreaterole noreplication nobypassrls';
const attributes = { owner: `${roleAttributes} inherit`, app: `${roleAttributes} noinherit` } as const;

// Serialises the set-up between a collector and an admin CLI starting together.
const setupLockKey = 0x76_72_6f_6c; // "vrol"

export function rolePasswordFile(baseDir: string, role: string): string {
  return join(baseDir, `postgres.${role}.password`);
}

/** The stored password of `role`, generated (mode 0600) when there is none. */
async function readOrCreateRolePassword(baseDir: string, role: string): Promise<string> {
  const path = rolePasswordFile(baseDir, role);
  const read = async () => (await readFile(path, 'utf8').catch((error: unknown) => (isErrno(error, 'ENOENT') ? '' : Promise.reject(error)))).trim();
  const stored = await read();
  if (stored !== '') return stored;
  const password = randomBytes(24).toString('base64url');
  try {
    // 'wx': if another process just wrote one, theirs wins and we read it back.
    await writeFile(path, `${password}\n`, { mode: 0o600, flag: 'wx' });
    return password;
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return read();
    throw error;
  }
}

function urlAs(serverUrl: string, role: string, password: string): string {
  const url = new URL(serverUrl);
  url.username = encodeURIComponent(role);
  url.password = encodeURIComponent(password);
  return url.toString();
}

/**
 * As the embedded superuser: creates (or re-asserts) `vigil_owner` and `vigil_app` with
 * their stored passwords, makes `vigil_owner` the owner of the application database and
 * of everything in it (a data directory from before these roles had it all owned by the
 * superuser), and returns the URLs to connect as each. Idempotent.
 */
export async function prepareEmbeddedRoles(server: Pick<EmbeddedPostgresServer, 'url'>, baseDir: string): Promise<{ owner: string; app: string }> {
  const passwords = {
    owner: await readOrCreateRolePassword(baseDir, embeddedRoles.owner),
    app: await readOrCreateRolePassword(baseDir, embeddedRoles.app),
  };
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    await client.query('begin');
    await client.query('select pg_advisory_xact_lock($1)', [setupLockKey]);
    for (const kind of ['owner', 'app'] as const) {
      const role = client.escapeIdentifier(embeddedRoles[kind]);
      const found = await client.query('select 1 from pg_roles where rolname = $1', [embeddedRoles[kind]]);
      // Utility statements take no bind parameters; the password is base64url anyway.
      const clause = `with ${attributes[kind]} password ${client.escapeLiteral(passwords[kind])}`;
      await client.query(found.rowCount === 0 ? `create role ${role} ${clause}` : `alter role ${role} ${clause}`);
    }
    const database = decodeURIComponent(new URL(server.url).pathname.slice(1));
    await client.query(`alter database ${client.escapeIdentifier(database)} owner to ${client.escapeIdentifier(embeddedRoles.owner)}`);
    await client.query(adoptObjects);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
  return { owner: urlAs(server.url, embeddedRoles.owner, passwords.owner), app: urlAs(server.url, embeddedRoles.app, passwords.app) };
}

// Hands what earlier versions created as the superuser to vigil_owner, so it can keep
// migrating and dropping partitions. Tables first: their indexes and column sequences
// follow them. A no-op once everything is owned.
const adoptObjects = `
DO $$
DECLARE
  item record;
BEGIN
  FOR item IN SELECT nspname FROM pg_namespace WHERE nspname IN ('public', 'drizzle') AND nspowner <> 'vigil_owner'::regrole
    AND nspowner <> 'pg_database_owner'::regrole LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO vigil_owner', item.nspname);
  END LOOP;
  FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'drizzle') AND c.relkind IN ('r', 'p') AND c.relowner <> 'vigil_owner'::regrole LOOP
    EXECUTE format('ALTER TABLE %s OWNER TO vigil_owner', item.name);
  END LOOP;
  FOR item IN SELECT c.oid::regclass AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname IN ('public', 'drizzle') AND c.relkind = 'S' AND c.relowner <> 'vigil_owner'::regrole LOOP
    EXECUTE format('ALTER SEQUENCE %s OWNER TO vigil_owner', item.name);
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname IN ('public', 'drizzle') AND p.proowner <> 'vigil_owner'::regrole LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO vigil_owner', item.name);
  END LOOP;
END
$$`;
