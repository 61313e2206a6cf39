// For auth's own tests: the auth plugin alone on a real database, with a clock the test
// moves (sessions, lockouts and TOTP all read it) and two throwaway routes behind it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { loadConfig } from '../config/config.ts';
import type { Logger } from '../logging/logger.ts';
import errorHandlerPlugin from '../errors/error-handler.plugin.ts';
import contextPlugin from '../plugins/context.plugin.ts';
import type { TestDatabase } from '../testing/test-database.ts';
import { testLogger } from '../testing/test-database.ts';
import authPlugin, { type AuthPluginOptions } from './auth.plugin.ts';
import { accessRules } from '../plugins/access-table.ts';

export class TestClock {
  #now: number;
  constructor(start = new Date('2025-03-03T08:30:00Z')) {
    this.#now = start.getTime();
  }
  readonly now = (): Date => new Date(this.#now);
  advance(ms: number): void {
    this.#now += ms;
  }
}

export interface AuthTestApp {
  readonly app: FastifyInstance;
  readonly clock: TestClock;
  readonly dataDir: string;
  close(): Promise<void>;
}

/**
 * Routes: `GET /test/staff` (technician, dsl, admin), `POST /test/staff` (same, a state
 * change for CSRF), `GET /test/anyone` (every role), `GET /test/no-rule` (no rule at all).
 */
export async function buildAuthTestApp(
  database: TestDatabase,
  options: Partial<Pick<AuthPluginOptions, 'loginRateLimit'>> & { publicUrl?: string; logger?: Logger } = {},
): Promise<AuthTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-auth-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...(options.publicUrl === undefined ? {} : { PUBLIC_URL: options.publicUrl }) });
  if (!loaded.ok) throw new Error(loaded.message);
  const clock = new TestClock();
  // Widened to Fastify's logger type, as app.ts does.
  const loggerInstance: FastifyBaseLogger = options.logger ?? testLogger();
  const app = Fastify({ loggerInstance });
  await app.register(contextPlugin, { config: loaded.config, database: database.database });
  await app.register(errorHandlerPlugin);
  await app.register(authPlugin, {
    consoleDir: join(dataDir, 'no-console'),
    accessRules,
    now: clock.now,
    ...(options.loginRateLimit === undefined ? {} : { loginRateLimit: options.loginRateLimit }),
  });
  app.routeAccess.allowTestRoute('GET', '/test/staff', ['technician', 'dsl', 'admin']);
  app.routeAccess.allowTestRoute('POST', '/test/staff', ['technician', 'dsl', 'admin']);
  app.routeAccess.allowTestRoute('GET', '/test/anyone', ['teacher', 'technician', 'dsl', 'admin', 'viewer']);
  app.get('/test/staff', async (request) => ({ ok: true, user: request.user?.username }));
  app.post('/test/staff', async () => ({ changed: true }));
  app.get('/test/anyone', async (request) => ({ ok: true, user: request.user?.username }));
  app.get('/test/no-rule', async () => ({ leaked: true }));
  await app.ready();
  return {
    app,
    clock,
    dataDir,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
