import type { Access } from '../auth/access-rules.ts';

/**
 * The retention slice's lines of the access table (merged through audit/audit.access.ts).
 * Retention is the admin's (DESIGN: admin owns users, sites, retention); the DSL may see
 * the periods, and both may put evidence under legal hold.
 */
export const retentionAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/retention': ['dsl', 'admin'],
  'PUT /api/retention': ['admin'],
  'POST /api/retention/purge': ['admin'],
  'PUT /api/alerts/:alertId/legal-hold': ['dsl', 'admin'],
};
