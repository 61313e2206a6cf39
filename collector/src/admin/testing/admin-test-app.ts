// For the admin API's tests: the whole collector as main.ts builds it (so the access gate,
// agent services and gateway are the real ones), listening on 127.0.0.1 so real agents
// can enrol, with a small word-list folder and an estate of two sites.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, eq, type SQL } from 'drizzle-orm';
import type { FastifyInstance, HTTPMethods, LightMyRequestResponse } from 'fastify';
import { smallWordlists, seedEstate, type Estate } from '../../agent-services/testing/agent-services-fixtures.ts';
import { buildApp } from '../../app.ts';
import { signInAs, type SignedIn, type TestUserOptions } from '../../auth/auth-test-kit.ts';
import { loadConfig } from '../../config/config.ts';
import { auditLog } from '../../db/schema/index.ts';
import { testLogger, type TestDatabase } from '../../testing/test-database.ts';

export interface AdminTestApp {
  readonly app: FastifyInstance;
  /** ws://127.0.0.1:<port>/agent/v1 */
  readonly agentUrl: string;
  /** Northfield (rooms ICT 1 and ICT 2, devices a1, a2, b1, loose) and Southfield (device c1, no rooms). */
  readonly estate: Estate;
  /** A signed-in user; `siteId: 'north'` / `'south'` limits them to that estate site. */
  as(role: TestUserOptions['role'], options?: Omit<TestUserOptions, 'role' | 'siteId'> & { site?: 'north' | 'south' }): Promise<SignedIn>;
  /** app.inject with the user's cookie and CSRF header. */
  call(who: SignedIn | undefined, method: HTTPMethods, url: string, payload?: unknown): Promise<LightMyRequestResponse>;
  /** Audit entries with this action (and target id). */
  audited(action: string, targetId?: string): Promise<Array<typeof auditLog.$inferSelect>>;
  close(): Promise<void>;
}

/** `env`: more collector settings (PUBLIC_URL, …) over the test defaults. */
export async function startAdminTestApp(database: TestDatabase, env: Readonly<Record<string, string>> = {}): Promise<AdminTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-admin-'));
  const lists = await smallWordlists();
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, WORDLISTS_DIR: lists.dir, ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  const estate = await seedEstate(database.db);
  const app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: join(dataDir, 'no-console') });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const sites = { north: estate.siteId, south: estate.otherSiteId };
  return {
    app,
    agentUrl: `ws://127.0.0.1:${address.port}/agent/v1`,
    estate,
    as: (role, options = {}) => signInAs(app, { ...options, role, siteId: options.site === undefined ? null : sites[options.site] }),
    call: (who, method, url, payload) =>
      app.inject({ method, url, headers: who?.headers ?? {}, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) }),
    audited: async (action, targetId) => {
      const conditions: SQL[] = [eq(auditLog.action, action)];
      if (targetId !== undefined) conditions.push(eq(auditLog.targetId, targetId));
      return database.db
        .select()
        .from(auditLog)
        .where(and(...conditions));
    },
    close: async () => {
      await app.close();
      await lists.remove();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
