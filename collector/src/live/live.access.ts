import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// Spelled out rather than imported from access-rules.ts, which imports this file.

/** Teachers (their own rooms, checked in the handlers) and site-wide staff; viewers never. */
export const liveRoles: readonly UserRole[] = ['teacher', 'technician', 'dsl', 'admin'];

/** The live feature's lines of the access table (auth/access-rules.ts merges them). */
export const liveAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/rooms': liveRoles,
  'GET /api/rooms/:roomId/devices': liveRoles,
  'POST /api/rooms/:roomId/lock': liveRoles,
  'POST /api/rooms/:roomId/unlock': liveRoles,
  'POST /api/rooms/:roomId/message': liveRoles,
  'GET /api/rooms/:roomId/messages/:messageId': liveRoles,
  // The upgrade GET: the gate checks the session cookie; the route checks Origin.
  'GET /console/live': liveRoles,
};
