import type { AlertSummary, UserRole } from '@vigil/shared/console';
import { severityText } from './severity.ts';

// The server's closing rules (collector triage/status-transitions.ts `checkClosing`), told
// to the console so it neither offers a button the server will refuse nor lets a single
// key close a serious alert. The server decides; this only explains it first.

export type CloseMode = 'dismiss' | 'resolve';

export type CloseFacts = Pick<AlertSummary, 'severity' | 'restricted' | 'status' | 'categoryLabel'>;

export interface ClosePlan {
  /** This role may close it at all. */
  readonly allowed: boolean;
  /** Why not, in a sentence (when not allowed). */
  readonly whyNot: string | undefined;
  /** A reason (≥ 10 visible characters) and an explicit confirmation are needed. */
  readonly serious: boolean;
}

/** Severity 4–5, restricted or escalated: closing it needs a reason and a confirmation. */
export function isSerious(alert: Pick<AlertSummary, 'severity' | 'restricted' | 'status'>): boolean {
  return alert.severity >= 4 || alert.restricted || alert.status === 'escalated';
}

export function closePlan(alert: CloseFacts, role: UserRole): ClosePlan {
  const serious = isSerious(alert);
  if (alert.restricted && role !== 'dsl') {
    return {
      allowed: false,
      serious,
      whyNot: 'Restricted category: only the Designated Safeguarding Lead can dismiss or resolve this alert. Escalate it to them instead.',
    };
  }
  if (alert.status === 'escalated' && role !== 'dsl' && role !== 'admin') {
    return { allowed: false, serious, whyNot: 'This alert is escalated: only the DSL or an admin can dismiss or resolve it.' };
  }
  return { allowed: true, serious, whyNot: undefined };
}

/** What the confirmation names: "severity 5 · Critical, Self-harm (restricted), escalated". */
export function seriousnessText(alert: CloseFacts): string {
  const parts = [`severity ${severityText(alert.severity)}`, `${alert.categoryLabel}${alert.restricted ? ' (restricted)' : ''}`];
  if (alert.status === 'escalated') parts.push('escalated');
  return parts.join(', ');
}
