import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// This feature's role lists; the table that merges every feature's lines is plugins/access-table.ts.

/** The triage queue: IT staff and the DSL (scoped to their site in the handlers). */
const triageStaff: readonly UserRole[] = ['technician', 'dsl', 'admin'];
/** Only a DSL may reveal a blurred capture. */
const dslOnly: readonly UserRole[] = ['dsl'];
/** Counts and category names, no content: the reports audience too. */
const staffAndViewer: readonly UserRole[] = ['technician', 'dsl', 'admin', 'viewer'];

/** The triage feature's lines of the access table (auth/access-rules.ts merges them). */
export const triageAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/alerts': triageStaff,
  'POST /api/alerts/bulk': triageStaff,
  'GET /api/alerts/:alertId': triageStaff,
  'GET /api/alerts/:alertId/timeline': triageStaff,
  'GET /api/alerts/:alertId/screenshot': triageStaff,
  'POST /api/alerts/:alertId/reveal': dslOnly,
  'POST /api/alerts/:alertId/status': triageStaff,
  'POST /api/alerts/:alertId/notes': triageStaff,
  'POST /api/alerts/:alertId/assign': triageStaff,
  'POST /api/alerts/:alertId/dismiss': triageStaff,
  'POST /api/alerts/:alertId/escalate': triageStaff,

  'GET /api/categories': staffAndViewer,
  'GET /api/reports/summary': staffAndViewer,
};
