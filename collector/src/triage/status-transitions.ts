import { isReasonEnough, MIN_REASON_VISIBLE } from '@vigil/shared/console';
import type { AlertStatus, UserRole } from '../db/schema/index.ts';

export type TransitionCheck = { readonly ok: true } | { readonly ok: false; readonly code: 'status-unchanged' | 'status-transition'; readonly message: string };

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

/** Statuses that close an alert: it leaves every queue. */
export const closingStatuses: readonly AlertStatus[] = ['dismissed', 'resolved'];

/** What the closing rules look at. */
export interface ClosingFacts {
  readonly status: AlertStatus;
  readonly severity: number;
  /** The category is restricted, or no longer in the word list (fail closed). */
  readonly restricted: boolean;
}

export type ClosingCheck = { readonly ok: true } | { readonly ok: false; readonly code: 'restricted-dsl-only' | 'reason-required'; readonly message: string };

/** Serious enough that closing it must say why: severity 4 or 5, restricted, or escalated. */
export function needsClosingReason(alert: ClosingFacts): boolean {
  return alert.severity >= 4 || alert.restricted || alert.status === 'escalated';
}

/**
 * Closing (dismissing or resolving) a serious alert needs a reason with at least
 * MIN_REASON_VISIBLE visible characters (`visibleLength`: zero-width and other invisible
 * characters do not count); a restricted one may be closed only by a DSL.
 */
export function checkClosing(alert: ClosingFacts, to: AlertStatus, role: UserRole, reason: string | null | undefined): ClosingCheck {
  if (!closingStatuses.includes(to)) return { ok: true };
  if (alert.restricted && role !== 'dsl') {
    return {
      ok: false,
      code: 'restricted-dsl-only',
      message: 'This alert is in a restricted category: only a DSL may dismiss or resolve it. Escalate it instead.',
    };
  }
  if (needsClosingReason(alert) && !isReasonEnough(reason)) {
    return {
      ok: false,
      code: 'reason-required',
      message: `Closing a severity 4–5, restricted or escalated alert needs a reason of at least ${MIN_REASON_VISIBLE} visible characters`,
    };
  }
  return { ok: true };
}
