import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, HTTPMethods } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { userRoles, type UserRole } from '../db/schema/index.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { accessDenialCodes, type RecordedRoute } from './access-control.ts';
import { accessRules } from '../plugins/access-table.ts';
import { accessFor, type Access } from './access-rules.ts';
import { buildAuthTestApp } from './auth-test-app.ts';
import { signInAs, type SignedIn } from './auth-test-kit.ts';

// The whole collector as main.ts builds it, with a (tiny) built console, so every route
// any feature registers is in the registry.
let database: TestDatabase;
let app: FastifyInstance;
let dataDir: string;
let consoleDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-access-'));
  consoleDir = join(dataDir, 'console');
  await mkdir(join(consoleDir, 'assets'), { recursive: true });
  await writeFile(join(consoleDir, 'index.html'), '<!doctype html><title>Vigil</title><script type="module" src="/assets/app.js"></script>');
  await writeFile(join(consoleDir, 'assets', 'app.js'), 'export {};');
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

type Principal = 'anonymous' | 'restricted' | UserRole;
const principals: readonly Principal[] = ['anonymous', 'restricted', ...userRoles];

/** What the access gate must do for `principal` on a route with `access`. */
function expected(access: Access | undefined, principal: Principal): 'allowed' | 'ignored' | string {
  if (access === undefined) return 'no-access-rule';
  if (access === 'agent') return 'ignored'; // the gateway authenticates devices itself
  if (access === 'public') return 'allowed';
  if (principal === 'anonymous') return 'unauthenticated';
  if (access === 'any-session') return 'allowed';
  if (principal === 'restricted') return 'totp-enrolment-required';
  return access.includes(principal) ? 'allowed' : 'forbidden';
}

async function sessionOf(principal: Principal): Promise<SignedIn | undefined> {
  if (principal === 'anonymous') return undefined;
  if (principal === 'restricted') return signInAs(app, { role: 'technician', restricted: true });
  return signInAs(app, { role: principal });
}

/** A concrete URL for a route pattern: `:params` become a ULID-shaped id, `*` a path. */
function concreteUrl(pattern: string): string {
  return pattern.replace(/:[A-Za-z0-9_]+(\([^)]*\))?/g, '01JAAAAAAAAAAAAAAAAAAAAAAA').replace(/\*/g, 'some/page');
}

async function call(route: RecordedRoute, session: SignedIn | undefined): Promise<{ status: number; code: string | undefined }> {
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(route.method);
  const response = await app.inject({
    method: route.method as HTTPMethods,
    url: concreteUrl(route.url),
    headers: session?.headers ?? {},
    ...(hasBody ? { payload: {} } : {}),
  });
  let code: string | undefined;
  try {
    code = response.json().error?.code;
  } catch {
    code = undefined; // HTML, a file, or an empty body: not an error from the gate
  }
  return { status: response.statusCode, code };
}

describe('the access table', () => {
  it('has a rule for every registered route (add missing ones to collector/src/auth/access-rules.ts)', () => {
    const missing = app.routeAccess.unruled().map((route) => `${route.method} ${route.url}`);
    expect(missing).toEqual([]);
  });

  it('covers the routes this feature knows must exist', () => {
    const routes = new Set(app.routeAccess.routes().map((route) => `${route.method} ${route.url}`));
    for (const key of ['GET /health', 'POST /api/auth/login', 'GET /api/auth/me', 'GET /', 'GET /*', 'GET /assets/app.js', 'HEAD /assets/app.js']) {
      expect(routes, key).toContain(key);
    }
    expect(app.routeAccess.routes().find((route) => route.url === '/assets/app.js')?.access).toBe('public');
  });

  it('lists no rule for a route that is not registered (stale rules hide mistakes)', () => {
    const registered = new Set(app.routeAccess.routes().map((route) => `${route.method} ${route.url}`));
    const stale = Object.keys(accessRules).filter((key) => !registered.has(key));
    expect(stale).toEqual([]);
  });

  it.each(principals)('is enforced for %s on every registered route', async (principal) => {
    const mismatches: string[] = [];
    for (const route of app.routeAccess.routes()) {
      // A fresh session per request: some routes (sign-out, TOTP confirm) end the one they get.
      const result = await call(route, await sessionOf(principal));
      const want = expected(route.access, principal);
      // HEAD answers carry no body: judge them by status alone.
      const head = route.method === 'HEAD';
      const deniedByGate = head ? result.status === 401 || result.status === 403 : result.code !== undefined && accessDenialCodes.includes(result.code);
      const deniedStatus = want === 'unauthenticated' ? 401 : 403;
      const ok =
        want === 'ignored'
          ? result.code !== 'no-access-rule'
          : want === 'allowed'
            ? !deniedByGate
            : (head || result.code === want) && result.status === deniedStatus;
      if (!ok) mismatches.push(`${route.method} ${route.url}: expected ${want}, got ${result.status} ${result.code ?? ''}`);
    }
    expect(mismatches).toEqual([]);
  });
});

describe('a route without a rule', () => {
  it('is refused with 403 no-access-rule and shows up in unruled()', async () => {
    const database2 = await createTestDatabase();
    const t = await buildAuthTestApp(database2);
    try {
      const admin = await signInAs(t.app, { role: 'admin' });
      const response = await t.app.inject({ method: 'GET', url: '/test/no-rule', headers: admin.headers });
      expect(response.statusCode).toBe(403);
      expect(response.json()).toEqual({ error: { code: 'no-access-rule', message: 'This route has no access rule' } });
      expect(response.body).not.toContain('leaked');
      expect(t.app.routeAccess.unruled().map((route) => `${route.method} ${route.url}`)).toEqual(['GET /test/no-rule', 'HEAD /test/no-rule']);
    } finally {
      await t.close();
      await database2.drop();
    }
  });
});

describe('accessFor', () => {
  const context = { rules: accessRules, consoleDir: '/srv/console' };
  it('uses the GET rule for HEAD and ignores a trailing slash', () => {
    expect(accessFor({ method: 'HEAD', url: '/api/auth/me' }, context)).toBe('any-session');
    expect(accessFor({ method: 'GET', url: '/api/auth/me/' }, context)).toBe('any-session');
  });
  it('treats /agent/v1 and below as agent routes, and nothing that merely starts alike', () => {
    expect(accessFor({ method: 'GET', url: '/agent/v1' }, context)).toBe('agent');
    expect(accessFor({ method: 'PUT', url: '/agent/v1/screenshots/:sha256' }, context)).toBe('agent');
    expect(accessFor({ method: 'GET', url: '/agent/v12' }, context)).toBeUndefined();
  });
  it('makes only files served from the console directory public', () => {
    expect(accessFor({ method: 'GET', url: '/assets/app.js', staticRoot: '/srv/console/' }, context)).toBe('public');
    expect(accessFor({ method: 'GET', url: '/blobs/a.jpg', staticRoot: '/srv/blobs/' }, context)).toBeUndefined();
    expect(accessFor({ method: 'POST', url: '/assets/app.js', staticRoot: '/srv/console/' }, context)).toBeUndefined();
  });
  it('is undefined for anything else', () => {
    expect(accessFor({ method: 'DELETE', url: '/api/auth/me' }, context)).toBeUndefined();
    expect(accessFor({ method: 'GET', url: '/api/secret' }, context)).toBeUndefined();
  });
});
