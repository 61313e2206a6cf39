import { adminAccessRules } from '../admin/admin.access.ts';
import { alertFeedAccessRules } from '../alert-feed/alert-feed.access.ts';
import { auditAccessRules } from '../audit/audit.access.ts';
import { downloadsAccessRules } from '../downloads/downloads.access.ts';
import { exportsAccessRules } from '../exports/exports.access.ts';
import { userRoles, type UserRole } from '../db/schema/users.schema.ts';
import { liveAccessRules } from '../live/live.access.ts';
import { notificationsAccessRules } from '../notifications/notifications.access.ts';
import { pupilsAccessRules } from '../pupils/pupils.access.ts';
import { reportsAccessRules } from '../reports/reports.access.ts';
import { ssoAccessRules } from './sso/sso.access.ts';
import { triageAccessRules } from '../triage/triage.access.ts';

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
 * THE access table, deny by default. Keys are `METHOD url` exactly as the route was
 * registered (`routeOptions.url`, with its `:params`). A route missing from this table
 * answers 403 `no-access-rule`, and `access-rules.int.test.ts` fails naming it, so adding a
 * route means adding its line here in the same change. HEAD uses the GET rule.
 *
 * Finer checks (a teacher's own rooms, blurred captures) happen in the handler with
 * `canAccessRoom` / `requireRole` (auth/authorization.ts); this table is the first gate.
 */
export const accessRules: Readonly<Record<string, Access>> = {
  'GET /health': 'public',

  'POST /api/auth/login': 'public',
  'POST /api/auth/setup': 'public',
  'POST /api/auth/logout': 'any-session',
  'GET /api/auth/me': 'any-session',
  'POST /api/auth/totp/enrol': 'any-session',
  'POST /api/auth/totp/confirm': 'any-session',
  // School sign-in (OpenID Connect): auth/sso/.
  ...ssoAccessRules,

  // Each feature keeps its lines next to its routes (live/, triage/, admin/, audit/).
  ...liveAccessRules,
  ...triageAccessRules,
  ...alertFeedAccessRules,
  ...notificationsAccessRules,
  ...exportsAccessRules,
  ...reportsAccessRules,
  ...adminAccessRules,
  ...pupilsAccessRules,
  ...auditAccessRules,
  ...downloadsAccessRules,

  // The console: the placeholder page when unbuilt, and the SPA fallback for deep links.
  // Its built files are matched below by where @fastify/static serves them from.
  'GET /': 'public',
  'GET /*': 'public',
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
  const rule = accessRules[key] ?? context.testRules?.get(key);
  if (rule !== undefined) return rule;
  if (url === agentRoutePrefix || url.startsWith(`${agentRoutePrefix}/`)) return 'agent';
  if (method === 'GET' && route.staticRoot !== undefined && samePath(route.staticRoot, context.consoleDir)) return 'public';
  return undefined;
}

function samePath(a: string, b: string): boolean {
  const trim = (path: string) => path.replace(/[\\/]+$/, '');
  return trim(a) === trim(b);
}
