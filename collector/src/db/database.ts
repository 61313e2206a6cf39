import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { CollectorConfig } from '../config/config.ts';
import { maskUrlPassword } from '../config/mask.ts';
import type { Logger } from '../logging/logger.ts';
import { startEmbeddedPostgres } from './embedded-postgres.ts';
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
  readonly kind: 'embedded' | 'external';
  /** The connection URL with its password masked, safe for logs. */
  readonly displayUrl: string;
  /** Ends the pool, then stops the embedded server if this process started it. Idempotent. */
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Apply pending migrations and ensure the monthly partitions (default true). */
  readonly migrate?: boolean;
  readonly poolSize?: number;
  readonly kind?: Database['kind'];
  /** Runs after the pool has ended (the embedded server's stop). */
  readonly onClose?: () => Promise<void>;
}

/**
 * Connects to PostgreSQL at `url` and, by default, brings its schema up to date. The
 * one driver path, whether the server is embedded, external or a test database.
 */
export async function connectDatabase(url: string, log: Logger, options: ConnectOptions = {}): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'vigil-collector',
  });
  // An idle client losing its server (restart, failover) must not crash the process.
  pool.on('error', (error) => log.warn({ err: error }, 'idle database connection failed'));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      try {
        // Someone may have ended the pool already (tests simulate a lost database so).
        if (!pool.ended && !pool.ending) await pool.end();
      } finally {
        await options.onClose?.();
      }
    })());
  try {
    if (options.migrate ?? true) {
      await runMigrations(pool, log);
      await ensureMonthlyPartitions(pool);
    } else {
      await pool.query('select 1');
    }
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db: drizzle({ client: pool, schema }),
    pool,
    kind: options.kind ?? 'external',
    displayUrl: maskUrlPassword(url),
    close,
  };
}

/**
 * Opens the collector's database: the server in DATABASE_URL when set, otherwise the
 * embedded PostgreSQL under DATA_DIR, started here and stopped by `close()`.
 * Migrations are applied before this resolves.
 */
export async function openDatabase(
  config: Pick<CollectorConfig, 'databaseUrl' | 'dataDir'>,
  log: Logger,
  options: Pick<ConnectOptions, 'migrate' | 'poolSize'> = {},
): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    const database = await connectDatabase(config.databaseUrl, log, { ...options, kind: 'external' });
    log.info({ database: database.displayUrl }, 'using the PostgreSQL server from DATABASE_URL');
    return database;
  }
  const server = await startEmbeddedPostgres({ baseDir: config.dataDir, log });
  try {
    return await connectDatabase(server.url, log, { ...options, kind: 'embedded', onClose: server.stop });
  } catch (error) {
    await server.stop();
    throw error;
  }
}
