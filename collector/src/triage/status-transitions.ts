import type { AlertStatus, UserRole } from '../db/schema/index.ts';

export type TransitionCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: 'status-unchanged' | 'status-transition'; readonly message: string };

/** Roles that may take an alert back out of the DSL's hands or reopen a closed one. */
const seniorRoles: readonly UserRole[] = ['dsl', 'admin'];

/**
 * Any status may move to any other, except that once an alert is escalated (the DSL's)
 * or resolved (closed), only a DSL or an admin may move it again: a technician can
 * neither un-escalate nor reopen.
 */
export function checkTransition(from: AlertStatus, to: AlertStatus, role: UserRole): TransitionCheck {
  if (from === to) return { ok: false, code: 'status-unchanged', message: `The alert is already ${from}` };
  if (seniorRoles.includes(role)) return { ok: true };
  if (from === 'escalated') return { ok: false, code: 'status-transition', message: 'The alert is escalated: only a DSL or an admin may change its status' };
  if (from === 'resolved') return { ok: false, code: 'status-transition', message: 'The alert is resolved: only a DSL or an admin may reopen or change it' };
  return { ok: true };
}
