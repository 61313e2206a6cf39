import { pino } from 'pino';
import { loadConfig } from '../config/config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { createLogger, type Logger } from '../logging/logger.ts';

export class CliError extends Error {}

/**
 * Opens the configured database (DATABASE_URL, or the embedded server under DATA_DIR —
 * attaching to it when a collector is running) for one CLI command, then closes it.
 * Logs go to stderr at LOG_LEVEL, default warn, so stdout carries only the result.
 */
export async function withDatabase<T>(work: (database: Database, log: Logger) => Promise<T>, options: { readonly migrate?: boolean } = {}): Promise<T> {
  const loaded = loadConfig(process.env);
  if (!loaded.ok) throw new CliError(loaded.message);
  const level = process.env.LOG_LEVEL === undefined || process.env.LOG_LEVEL === '' ? 'warn' : loaded.config.logLevel;
  const log = createLogger(level, pino.destination(2));
  const database = await openDatabase(loaded.config, log.child({ module: 'db' }), { poolSize: 2, migrate: options.migrate ?? true });
  try {
    return await work(database, log);
  } finally {
    await database.close();
  }
}
