// @vigil/collector's public surface for the e2e tests and benchmarks.
export { buildApp, defaultConsoleDir, maxWebSocketPayloadBytes, type AppDeps } from './app.ts';
export { loadConfig, describeConfig, type CollectorConfig, type ConfigResult, type LogLevel } from './config/config.ts';
export { openDatabase, connectDatabase, type Database, type Db, type Schema, type ConnectOptions } from './db/database.ts';
export { startEmbeddedPostgres, type EmbeddedPostgresServer, type EmbeddedPostgresOptions } from './db/embedded-postgres.ts';
export { runMigrations, migrationsFolder } from './db/migrate.ts';
export { ensureMonthlyPartitions } from './db/partitions.ts';
export * as schema from './db/schema/index.ts';
export { AppError, errorBody, type ErrorBody } from './errors/app-error.ts';
export type { AgentFrame, AgentHub, LockPayload, LockProvider, PolicyProvider, WordlistProvider } from './agents/agent-hub.contract.ts';
export { createLogger, moduleLogger, type Logger } from './logging/logger.ts';
export { HealthRegistry, type HealthCheck, type HealthCheckResult, type HealthStatus } from './health/health-registry.ts';
export { generateSecret, hashSecret, secretMatchesHash } from './security/secrets.ts';
export { collectorVersion } from './version.ts';
