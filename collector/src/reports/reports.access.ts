import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

/** Counts only, no content: the reports audience (governors' clerk as viewer, IT, the DSL, admin). */
const staffAndViewer: readonly UserRole[] = ['technician', 'dsl', 'admin', 'viewer'];

/** Scheduling e-mail to named recipients. */
const adminOnly: readonly UserRole[] = ['admin'];

/** The reports feature's lines of the access table (auth/access-rules.ts merges them). */
export const reportsAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/reports/sites': staffAndViewer,
  'GET /api/reports/governors': staffAndViewer,
  'GET /api/reports/governors.csv': staffAndViewer,
  'GET /api/reports/governors.pdf': staffAndViewer,
  // Who receives the report by e-mail, and when: the school's administrators.
  'GET /api/reports/schedules': adminOnly,
  'POST /api/reports/schedules': adminOnly,
  'DELETE /api/reports/schedules/:scheduleId': adminOnly,
  'POST /api/reports/schedules/:scheduleId/send': adminOnly,
};
