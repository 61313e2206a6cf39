import type { AlertStatus } from '@vigil/shared/console';

/** Words for alert statuses, the same on every page. */
export const alertStatusLabels: Readonly<Record<AlertStatus, string>> = Object.freeze({
  new: 'New',
  'in-review': 'In review',
  escalated: 'Escalated to DSL',
  dismissed: 'Dismissed (false positive)',
  resolved: 'Resolved',
});

export function alertStatusLabel(status: string): string {
  return (alertStatusLabels as Record<string, string>)[status] ?? status;
}
