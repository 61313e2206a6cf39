import { userRoles, type UserRole } from '../db/schema/users.schema.ts';

/**
 * Who may call a route:
 * - `'public'`      anyone, signed in or not (health, sign-in, first-run setup, the
 *                   console's HTML/JS, which hold no data; data comes from /api).
 * - `'agent'`       a classroom agent; the route authenticates the device itself (its
 *                   secret), sessions play no part.
 * - `'any-session'` any signed-in user INCLUDING a restricted session that still has to
 *                   enrol TOTP. Only for the few auth routes that session needs.
 * - a role list     a signed-in user with a full session and one of these roles.
 */
export type Access = 'public' | 'agent' | 'any-session' | readonly UserRole[];

/** Every console role (a full session of any kind). */
export const anyRole: readonly UserRole[] = userRoles;
/** Triage of captures and the school's configuration. */
export const staffIt: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/**
 * The auth feature's own lines of the access table. The whole table — every feature's lines, merged — is
 * put together where features join the app (plugins/access-table.ts) and handed to the auth plugin, so
 * this folder imports no feature and no feature's access file imports back a table that imports it.
 */
export const authAccessRules: Readonly<Record<string, Access>> = {
  'POST /api/auth/login': 'public',
  'POST /api/auth/setup': 'public',
  'POST /api/auth/logout': 'any-session',
  'GET /api/auth/me': 'any-session',
  'POST /api/auth/totp/enrol': 'any-session',
  'POST /api/auth/totp/confirm': 'any-session',
};

/** The agent protocol's mount point (`/agent/v1` and below): device-authenticated. */
export const agentRoutePrefix = '/agent/v1';

/** What the route registry knows about a route when it is added. */
export interface RouteFacts {
  readonly method: string;
  readonly url: string;
  /** @fastify/static puts the served file's root here (`config.rootPath`). */
  readonly staticRoot?: string | undefined;
}

export interface AccessContext {
  /** The access table (plugins/access-table.ts): `METHOD url` → who may call it. */
  readonly rules: Readonly<Record<string, Access>>;
  /** The built console directory: files @fastify/static serves from here are public. */
  readonly consoleDir: string;
  /** Extra rules for `/test/...` routes that tests register (see RouteAccessRegistry.allowTestRoute). */
  readonly testRules?: ReadonlyMap<string, Access>;
}

/** The rule for a route, or undefined: no rule, so the route is refused. */
export function accessFor(route: RouteFacts, context: AccessContext): Access | undefined {
  const method = route.method === 'HEAD' ? 'GET' : route.method;
  const url = route.url.length > 1 && route.url.endsWith('/') ? route.url.slice(0, -1) : route.url;
  const key = `${method} ${url}`;
  const rule = context.rules[key] ?? context.testRules?.get(key);
  if (rule !== undefined) return rule;
  if (url === agentRoutePrefix || url.startsWith(`${agentRoutePrefix}/`)) return 'agent';
  if (method === 'GET' && route.staticRoot !== undefined && samePath(route.staticRoot, context.consoleDir)) return 'public';
  return undefined;
}

function samePath(a: string, b: string): boolean {
  const trim = (path: string) => path.replace(/[\\/]+$/, '');
  return trim(a) === trim(b);
}
