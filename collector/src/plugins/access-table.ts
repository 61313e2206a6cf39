import { adminAccessRules } from '../admin/admin.access.ts';
import { alertFeedAccessRules } from '../alert-feed/alert-feed.access.ts';
import { auditAccessRules } from '../audit/audit.access.ts';
import { authAccessRules, type Access } from '../auth/access-rules.ts';
import { ssoAccessRules } from '../auth/sso/sso.access.ts';
import { downloadsAccessRules } from '../downloads/downloads.access.ts';
import { exportsAccessRules } from '../exports/exports.access.ts';
import { liveAccessRules } from '../live/live.access.ts';
import { notificationsAccessRules } from '../notifications/notifications.access.ts';
import { pupilsAccessRules } from '../pupils/pupils.access.ts';
import { reportsAccessRules } from '../reports/reports.access.ts';
import { triageAccessRules } from '../triage/triage.access.ts';

/**
 * THE access table, deny by default. Keys are `METHOD url` exactly as the route was
 * registered (`routeOptions.url`, with its `:params`). A route missing from this table
 * answers 403 `no-access-rule`, and `access-rules.int.test.ts` fails naming it, so adding a
 * route means adding its line in the same change — in the feature's own `*.access.ts`, merged
 * here, where the features join the app (registerFeatures hands it to the auth plugin).
 * HEAD uses the GET rule. The mechanism (Access, accessFor) is auth/access-rules.ts.
 *
 * Finer checks (a teacher's own rooms, blurred captures) happen in the handler with
 * `canAccessRoom` / `requireRole` (auth/authorization.ts); this table is the first gate.
 */
export const accessRules: Readonly<Record<string, Access>> = {
  'GET /health': 'public',

  ...authAccessRules,
  // School sign-in (OpenID Connect): auth/sso/.
  ...ssoAccessRules,

  // Each feature keeps its lines next to its routes.
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
  // Its built files are matched by where @fastify/static serves them from (accessFor).
  'GET /': 'public',
  'GET /*': 'public',
};
