// For the audit and retention tests: the auth gate, /health and the audit plugin (with
// retention inside it) on a real database and a temporary DATA_DIR (blobs land under
// DATA_DIR/blobs, as in production). Only these plugins, so a test here fails for a
// reason in this slice, not for another feature being half-built.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import authPlugin from '../../auth/auth.plugin.ts';
import { accessRules } from '../../plugins/access-table.ts';
import { loadConfig } from '../../config/config.ts';
import errorHandlerPlugin from '../../errors/error-handler.plugin.ts';
import { createBlobStore } from '../../evidence/disk-blob-store.ts';
import type { BlobStore } from '../../evidence/blob-store.ts';
import contextPlugin from '../../plugins/context.plugin.ts';
import healthPlugin from '../../plugins/health.plugin.ts';
import type { RetentionPluginOptions } from '../../retention/retention.plugin.ts';
import { testLogger, type TestDatabase } from '../../testing/test-database.ts';
import auditPlugin from '../audit.plugin.ts';

export interface AuditTestApp {
  readonly app: FastifyInstance;
  readonly dataDir: string;
  /** The same store the purge deletes from (DATA_DIR/blobs). */
  readonly blobs: BlobStore;
  close(): Promise<void>;
}

/** The purge does not run on a timer unless `retention.schedule` says so. */
export async function buildAuditTestApp(database: TestDatabase, retention: RetentionPluginOptions = {}): Promise<AuditTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-audit-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const loggerInstance: FastifyBaseLogger = testLogger();
  const app = Fastify({ loggerInstance });
  await app.register(contextPlugin, { config: loaded.config, database: database.database });
  await app.register(errorHandlerPlugin);
  await app.register(authPlugin, { consoleDir: join(dataDir, 'no-console'), accessRules });
  await app.register(healthPlugin);
  await app.register(auditPlugin, { retention: { schedule: false, ...retention } });
  await app.ready();
  return {
    app,
    dataDir,
    blobs: createBlobStore(dataDir),
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
