import type { HTTPMethods } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { userRoles, type UserRole } from '../db/schema/index.ts';
import { adminAccessRules } from './admin.access.ts';
import type { AdminTestApp } from './testing/admin-test-app.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const t = useAdminTestApp();

const it_ = ['technician', 'dsl', 'admin'] as const;
const adminOnly = ['admin'] as const;

interface RouteCase {
  readonly method: HTTPMethods;
  /** The route as registered (the access table's key). */
  readonly route: string;
  /** A concrete request: allowed roles get past the gate and reach the handler, which answers `allowedStatus`. */
  readonly url: (t: AdminTestApp) => string;
  readonly body?: unknown;
  readonly roles: readonly UserRole[];
  readonly allowedStatus: number;
}

// Requests chosen so an allowed caller changes nothing: unknown ids (404) or bad bodies (400).
const cases: readonly RouteCase[] = [
  { method: 'GET', route: '/api/sites', url: () => '/api/sites', roles: it_, allowedStatus: 200 },
  { method: 'POST', route: '/api/sites', url: () => '/api/sites', body: { name: '' }, roles: adminOnly, allowedStatus: 400 },
  { method: 'POST', route: '/api/rooms', url: () => '/api/rooms', body: { siteId: 'no-such-site', name: 'Lab' }, roles: it_, allowedStatus: 404 },
  { method: 'PATCH', route: '/api/rooms/:roomId', url: () => '/api/rooms/no-such-room', body: { name: 'Lab' }, roles: it_, allowedStatus: 404 },
  { method: 'DELETE', route: '/api/rooms/:roomId', url: () => '/api/rooms/no-such-room', roles: it_, allowedStatus: 404 },
  { method: 'GET', route: '/api/devices', url: () => '/api/devices', roles: it_, allowedStatus: 200 },
  { method: 'PATCH', route: '/api/devices/:deviceId', url: () => '/api/devices/no-such-device', body: { retired: true }, roles: it_, allowedStatus: 404 },
  { method: 'GET', route: '/api/enrolment-tokens', url: () => '/api/enrolment-tokens', roles: it_, allowedStatus: 200 },
  { method: 'POST', route: '/api/enrolment-tokens', url: () => '/api/enrolment-tokens', body: { siteId: 'no-such-site' }, roles: it_, allowedStatus: 404 },
  {
    method: 'POST',
    route: '/api/enrolment-tokens/:tokenId/revoke',
    url: () => '/api/enrolment-tokens/no-such-token/revoke',
    body: {},
    roles: it_,
    allowedStatus: 404,
  },
  { method: 'GET', route: '/api/policies/:scope/:scopeId', url: (t) => `/api/policies/site/${t.estate.siteId}`, roles: it_, allowedStatus: 200 },
  {
    method: 'PUT',
    route: '/api/policies/:scope/:scopeId',
    url: () => '/api/policies/room/no-such-room',
    body: { overrides: {} },
    roles: it_,
    allowedStatus: 404,
  },
  { method: 'GET', route: '/api/wordlists', url: () => '/api/wordlists', roles: it_, allowedStatus: 200 },
  { method: 'POST', route: '/api/wordlists/custom', url: () => '/api/wordlists/custom', body: { kind: 'allow', term: '' }, roles: it_, allowedStatus: 400 },
  {
    method: 'PATCH',
    route: '/api/wordlists/custom/:entryId',
    url: () => '/api/wordlists/custom/no-such-entry',
    body: { enabled: false },
    roles: it_,
    allowedStatus: 404,
  },
  { method: 'GET', route: '/api/users', url: () => '/api/users', roles: it_, allowedStatus: 200 },
  { method: 'POST', route: '/api/users', url: () => '/api/users', body: { username: 'x' }, roles: adminOnly, allowedStatus: 400 },
  { method: 'PATCH', route: '/api/users/:userId', url: () => '/api/users/no-such-user', body: { disabled: true }, roles: adminOnly, allowedStatus: 404 },
  { method: 'GET', route: '/api/settings/security', url: () => '/api/settings/security', roles: adminOnly, allowedStatus: 200 },
  {
    method: 'PUT',
    route: '/api/settings/security',
    url: () => '/api/settings/security',
    body: { requireTotpForTeachers: 'yes' },
    roles: adminOnly,
    allowedStatus: 400,
  },
  { method: 'GET', route: '/api/admin/getting-started', url: () => '/api/admin/getting-started', roles: adminOnly, allowedStatus: 200 },
];

describe('who may call the administration API', () => {
  it('has a case below for every admin route, and every case is a registered route', () => {
    expect(cases.map((c) => `${c.method} ${c.route}`).sort()).toEqual(Object.keys(adminAccessRules).sort());
    const registered = new Set(t.app.routeAccess.routes().map((route) => `${route.method} ${route.url}`));
    for (const c of cases) expect(registered, `${c.method} ${c.route}`).toContain(`${c.method} ${c.route}`);
  });

  it('matches the table for every role and route (teachers and viewers: 403 everywhere; users and sites: admins only)', async () => {
    const sessions = new Map<UserRole, SignedIn>();
    for (const role of userRoles) sessions.set(role, await t.as(role));
    const table: string[] = [];
    const wanted: string[] = [];
    for (const c of cases) {
      for (const role of userRoles) {
        const response = await t.call(sessions.get(role), c.method, c.url(t), c.body);
        const allowed = c.roles.includes(role);
        table.push(`${c.method} ${c.route} as ${role}: ${response.statusCode} ${allowed ? '' : response.json().error?.code}`);
        wanted.push(`${c.method} ${c.route} as ${role}: ${allowed ? c.allowedStatus : 403} ${allowed ? '' : 'forbidden'}`);
      }
    }
    expect(table).toEqual(wanted);
  });

  it('answers 401 to a caller without a session on every route', async () => {
    for (const c of cases) {
      const response = await t.call(undefined, c.method, c.url(t), c.body);
      expect(response.statusCode, `${c.method} ${c.route}`).toBe(401);
    }
  });

  it('refuses a state change without the CSRF header', async () => {
    const admin = await t.as('admin');
    const response = await t.app.inject({ method: 'POST', url: '/api/sites', headers: { cookie: admin.headers.cookie }, payload: { name: 'Eastfield' } });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('csrf-invalid');
    expect(await t.audited('site.create')).toEqual([]);
  });
});
