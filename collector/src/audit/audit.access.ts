import type { Access } from '../auth/access-rules.ts';
import { retentionAccessRules } from '../retention/retention.access.ts';

/** The audit feature's lines of the access table (auth/access-rules.ts merges them). */
export const auditAccessRules: Readonly<Record<string, Access>> = {
  // Who looked at what: the DSL and the admin (heads and governors get counts from reports).
  'GET /api/audit': ['dsl', 'admin'],
  'GET /api/audit/export': ['dsl', 'admin'],
  // Registered from audit.plugin.ts, so merged here.
  ...retentionAccessRules,
};
