import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { CollectorConfig } from '../config/config.ts';
import { maskUrlPassword } from '../config/mask.ts';
import type { Logger } from '../logging/logger.ts';
import { appRolePowers, currentRole, grantAppRole, type DatabaseRoles } from './database-roles.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
import { prepareEmbeddedRoles } from './embedded-roles.ts';
import { runMigrations } from './migrate.ts';
import { ensureMonthlyPartitions } from './partitions.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;
/** The typed drizzle handle every repository takes. */
export type Db = NodePgDatabase<Schema>;

export interface Database {
  readonly db: Db;
  /** The node-postgres pool under `db`, for raw SQL, LISTEN/NOTIFY and health checks. */
  readonly pool: pg.Pool;
  /**
   * The schema owner's pool (DATABASE_MIGRATION_URL), only for what needs ownership:
   * creating and dropping monthly partitions. `pool` itself when one role does both.
   */
  readonly ownerPool: pg.Pool;
  readonly roles: DatabaseRoles;
  readonly kind: 'embedded' | 'external';
  /** The connection URL with its password masked, safe for logs. */
  readonly displayUrl: string;
  /** Ends the pool, then stops the embedded server if this process started it. Idempotent. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** The owner role's URL: migrates, grants the app role, maintains partitions (default: `url`). */
  readonly ownerUrl?: string;
  /** Apply pending migrations and ensure the monthly partitions (default true). */
  readonly migrate?: boolean;
  readonly poolSize?: number;
  readonly kind?: Database['kind'];
  /** Runs after the pool has ended (the embedded server's stop). */
  readonly onClose?: () => Promise<void>;
}

/**
 * Connects to PostgreSQL at `url` and, by default, brings its schema up to date as the
 * owner at `ownerUrl`, which then grants `url`'s role what the collector needs. Warns
 * when that role could still switch the audit log's triggers off. The one driver path,
 * whether the server is embedded, external or a test database.
 */
export async function connectDatabase(url: string, log: Logger, options: ConnectOptions = {}): Promise<Database> {
  const newPool = (connectionString: string, max: number, applicationName: string): pg.Pool => {
    const created = new pg.Pool({ connectionString, max, connectionTimeoutMillis: 10_000, idleTimeoutMillis: 30_000, application_name: applicationName });
    // An idle client losing its server (restart, failover) must not crash the process.
    created.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
    return created;
  };
  const pool = newPool(url, options.poolSize ?? 10, 'vigil-collector');
  // Partition chores are rare and short: two connections, closed when idle.
  const ownerPool = options.ownerUrl === undefined || options.ownerUrl === url ? pool : newPool(options.ownerUrl, 2, 'vigil-collector-owner');
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        // Someone may have ended a pool already (tests simulate a lost database so).
        for (const each of new Set([pool, ownerPool])) if (!each.ended && !each.ending) await each.end();
      } finally {
        await options.onClose?.();
      }
    })());
  let roles: DatabaseRoles;
  try {
    const app = await currentRole(pool);
    roles = { app, owner: ownerPool === pool ? app : await currentRole(ownerPool) };
    if (options.migrate ?? true) await migrateSchema({ pool, ownerPool, roles }, log);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db: drizzle({ client: pool, schema }),
    pool,
    ownerPool,
    roles,
    kind: options.kind ?? 'external',
    displayUrl: maskUrlPassword(url),
    close,
  };
}

/**
 * As the owner: applies pending migrations, grants the app role, makes the coming
 * months' partitions; then warns if the app role could still switch the audit log's
 * triggers off (one role for both, a superuser …). The collector still runs then: a
 * school may knowingly give it one role.
 */
export async function migrateSchema(database: Pick<Database, 'pool' | 'ownerPool' | 'roles'>, log: Logger): Promise<{ applied: number }> {
  const { pool, ownerPool, roles } = database;
  const result = await runMigrations(ownerPool, log);
  if (roles.app !== roles.owner) await grantAppRole(ownerPool, roles.app);
  await ensureMonthlyPartitions(ownerPool);
  const powers = await appRolePowers(pool, roles);
  if (powers.length > 0) {
    log.warn(
      { role: roles.app, powers },
      'the audit log is append-only against the collector only when DATABASE_URL is a role that owns nothing and DATABASE_MIGRATION_URL ' +
        `another, the owner; as it is, the collector's role ${roles.app} could switch the audit triggers off (see "Database roles" in collector/README.md)`,
    );
  }
  return result;
}

/**
 * Opens the collector's database: the server in DATABASE_URL when set, otherwise the
 * embedded PostgreSQL under DATA_DIR, started here and stopped by `close()`, whose
 * owner and app roles are set up here. Migrations are applied before this resolves.
 */
export async function openDatabase(
  config: Pick<CollectorConfig, 'databaseUrl' | 'databaseMigrationUrl' | 'dataDir'>,
  log: Logger,
  options: Pick<ConnectOptions, 'migrate' | 'poolSize'> = {},
): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    const ownerUrl = config.databaseMigrationUrl ?? config.databaseUrl;
    const database = await connectDatabase(config.databaseUrl, log, { ...options, ownerUrl, kind: 'external' });
    log.info({ database: database.displayUrl, roles: database.roles }, 'using the PostgreSQL server from DATABASE_URL');
    return database;
  }
  const server = await startEmbeddedPostgres({ baseDir: config.dataDir, log });
  try {
    const urls = await prepareEmbeddedRoles(server, config.dataDir);
    const database = await connectDatabase(urls.app, log, { ...options, ownerUrl: urls.owner, kind: 'embedded', onClose: server.stop });
    log.info({ roles: database.roles }, 'connected to the embedded PostgreSQL');
    return database;
  } catch (error) {
    await server.stop();
    throw error;
  }
}
