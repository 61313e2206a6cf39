import type { Access } from '../auth/access-rules.ts';
import type { UserRole } from '../db/schema/users.schema.ts';

// This feature's role lists; the table that merges every feature's lines is plugins/access-table.ts.

/** Staff who triage alerts choose their own e-mail rule. */
const triageStaff: readonly UserRole[] = ['technician', 'dsl', 'admin'];
/** The SMTP server, webhooks, school hours and escalation: the school's configuration. */
const adminOnly: readonly UserRole[] = ['admin'];

/** The notifications feature's lines of the access table (auth/access-rules.ts merges them). */
export const notificationsAccessRules: Readonly<Record<string, Access>> = {
  'GET /api/notifications/me': triageStaff,
  'PUT /api/notifications/me': triageStaff,

  'GET /api/notifications/settings': adminOnly,
  'PUT /api/notifications/smtp': adminOnly,
  'POST /api/notifications/smtp/test': adminOnly,
  'POST /api/notifications/webhooks': adminOnly,
  'PUT /api/notifications/webhooks/:webhookId': adminOnly,
  'DELETE /api/notifications/webhooks/:webhookId': adminOnly,
  'POST /api/notifications/webhooks/:webhookId/test': adminOnly,
  'PUT /api/notifications/school-hours/:siteId': adminOnly,
  'PUT /api/notifications/escalation': adminOnly,
};
