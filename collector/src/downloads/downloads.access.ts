import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// Spelled out rather than imported from access-rules.ts (which imports this file).
const itStaff: readonly UserRole[] = ['technician', 'dsl', 'admin'];

/** The downloads feature's lines of the access table (auth/access-rules.ts merges them). */
export const downloadsAccessRules: Readonly<Record<string, Access>> = {
  // Agent packages hold no secret: a PC being set up fetches them without a console account.
  'GET /downloads/:file': 'public',
  // PUBLIC_URL, the agents' address and the packages on offer, for the enrolment page.
  'GET /api/agent-install': itStaff,
};
