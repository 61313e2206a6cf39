import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

/**
 * Incident exports: the DSL only — not admins or technicians. An export carries the
 * most sensitive content Vigil holds and is the record that leaves the building.
 */
const dslOnly: readonly UserRole[] = ['dsl'];

/** The exports feature's lines of the access table (auth/access-rules.ts merges them). */
export const exportsAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/alerts/:alertId/export.pdf': dslOnly,
  'GET /api/alerts/:alertId/export.json': dslOnly,
  'GET /api/alerts/:alertId/export.csv': dslOnly,
  'GET /api/alerts/:alertId/export.zip': dslOnly,
  'POST /api/exports': dslOnly,
};
