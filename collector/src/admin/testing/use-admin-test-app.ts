// The set-up every admin routes test file shares, in one call: a fresh database and the
// admin app before the file's tests, the app closed and the database dropped after.
import { afterAll, beforeAll } from 'vitest';
import type { Db } from '../../db/database.ts';
import { createTestDatabase, type TestDatabase } from '../../testing/test-database.ts';
import { startAdminTestApp, type AdminTestApp } from './admin-test-app.ts';

export interface AdminTestSuite extends AdminTestApp {
  /** The test database, for checking or arranging rows the API does not show. */
  readonly db: Db;
}

/**
 * Call at the top of a test file: `const t = useAdminTestApp();`. The object stands for the
 * app started in `beforeAll`, so its members may be used only inside hooks and tests.
 */
export function useAdminTestApp(env: Readonly<Record<string, string>> = {}): AdminTestSuite {
  let database: TestDatabase | undefined;
  let app: AdminTestApp | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    app = await startAdminTestApp(database, env);
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });
  const started = (): AdminTestApp => {
    if (app === undefined) throw new Error('the admin test app is used before beforeAll started it');
    return app;
  };
  return {
    get app() {
      return started().app;
    },
    get agentUrl() {
      return started().agentUrl;
    },
    get estate() {
      return started().estate;
    },
    get db() {
      if (database === undefined) throw new Error('the test database is used before beforeAll created it');
      return database.db;
    },
    as: (role, options) => started().as(role, options),
    call: (who, method, url, payload) => started().call(who, method, url, payload),
    audited: (action, targetId) => started().audited(action, targetId),
    close: () => started().close(),
  };
}
