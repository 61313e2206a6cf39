import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// This feature's role lists; the table that merges every feature's lines is plugins/access-table.ts.

/** Rooms, devices, enrolment tokens, policies and word lists (scoped to the user's site in the handlers). */
const itStaff: readonly UserRole[] = ['technician', 'dsl', 'admin'];
/** Users and sites. */
const adminOnly: readonly UserRole[] = ['admin'];

/** The admin feature's lines of the access table (auth/access-rules.ts merges them). */
export const adminAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/sites': itStaff,
  'POST /api/sites': adminOnly,

  // GET /api/rooms and GET /api/rooms/:roomId/devices belong to the live view (live/).
  'POST /api/rooms': itStaff,
  'PATCH /api/rooms/:roomId': itStaff,
  'DELETE /api/rooms/:roomId': itStaff,

  'GET /api/devices': itStaff,
  'PATCH /api/devices/:deviceId': itStaff,

  'GET /api/enrolment-tokens': itStaff,
  'POST /api/enrolment-tokens': itStaff,
  'POST /api/enrolment-tokens/:tokenId/revoke': itStaff,

  'GET /api/policies/:scope/:scopeId': itStaff,
  'PUT /api/policies/:scope/:scopeId': itStaff,

  'GET /api/wordlists': itStaff,
  'POST /api/wordlists/custom': itStaff,
  'PATCH /api/wordlists/custom/:entryId': itStaff,

  // technician and dsl read the list (to assign alerts), trimmed; only admins change it.
  'GET /api/users': itStaff,
  'POST /api/users': adminOnly,
  'PATCH /api/users/:userId': adminOnly,

  // Sign-in security (TOTP for teachers): the admin's, like users.
  'GET /api/settings/security': adminOnly,
  'PUT /api/settings/security': adminOnly,

  // The console's first-run checklist: admins, who alone can do every step (sites are theirs).
  'GET /api/admin/getting-started': adminOnly,
};
