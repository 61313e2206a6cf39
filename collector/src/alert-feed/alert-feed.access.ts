import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// Spelled out rather than imported from access-rules.ts, which imports this file.

/** Who gets the triage socket: the triage queue's audience (triage/triage.access.ts). */
export const alertFeedRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/** The alert feed's lines of the access table (auth/access-rules.ts merges them). */
export const alertFeedAccessRules: Readonly<Record<string, Access>> = {
  // The upgrade GET: the gate checks the session cookie; the route checks Origin.
  'GET /console/alerts': alertFeedRoles,
};
