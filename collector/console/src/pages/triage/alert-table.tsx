import { useEffect, useRef, type JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { RelativeTime } from '../../components/relative-time.tsx';
import { SeverityBadge } from '../../components/severity-badge.tsx';
import { Link } from '../../router.tsx';
import { PupilName } from '../pupils/pupil-name.tsx';
import { placeText, termText } from './alert-format.ts';
import { STATUS_LABELS } from './triage-types.ts';
import { pcValue } from './withheld.tsx';

export interface AlertTableProps {
  readonly alerts: readonly AlertSummary[];
  readonly selected: ReadonlySet<string>;
  readonly onToggle: (id: string) => void;
  readonly onToggleAll: () => void;
  /** The row j/k highlighted (index into alerts). */
  readonly cursor: number | undefined;
  /** Set when j/k moved the cursor, so focus follows it (not on every render). */
  readonly focusCursor: boolean;
}

/**
 * The queue as a table: severity (number, word and colour), category, term, computer and
 * room, user, time, status, assignee. Every value from a PC is rendered as text.
 */
export function AlertTable(props: AlertTableProps): JSX.Element {
  const table = useRef<HTMLTableElement>(null);
  const current = props.cursor === undefined ? undefined : props.alerts[props.cursor];

  useEffect(() => {
    if (!props.focusCursor || current === undefined) return;
    // Focus follows j/k so a screen reader reads the row's link.
    const link = [...(table.current?.querySelectorAll<HTMLAnchorElement>('a[data-alert-id]') ?? [])].find((a) => a.dataset['alertId'] === current.id);
    link?.focus();
    link?.scrollIntoView({ block: 'nearest' });
  }, [current, props.focusCursor]);

  const allSelected = props.alerts.length > 0 && props.alerts.every((alert) => props.selected.has(alert.id));

  return (
    <div className="table-wrap">
      <table ref={table} className="data-table alert-table" data-testid="alert-table">
        <caption className="visually-hidden">Alerts, most severe first, then newest first</caption>
        <thead>
          <tr>
            <th scope="col" className="col-select">
              <input
                type="checkbox"
                checked={allSelected}
                onChange={props.onToggleAll}
                aria-label="Select all shown alerts"
                data-testid="select-all-alerts"
                disabled={props.alerts.length === 0}
              />
            </th>
            <th scope="col">Severity</th>
            <th scope="col">Category</th>
            <th scope="col">Term</th>
            <th scope="col">Computer (room)</th>
            <th scope="col">User</th>
            <th scope="col">When</th>
            <th scope="col">Status</th>
            <th scope="col">Assigned to</th>
          </tr>
        </thead>
        <tbody>
          {props.alerts.map((alert, index) => {
            const isCurrent = index === props.cursor;
            return (
              <tr
                key={alert.id}
                data-testid={`alert-row-${alert.id}`}
                data-status={alert.status}
                className={isCurrent ? 'row-current' : undefined}
                aria-current={isCurrent ? 'true' : undefined}
              >
                <td className="col-select">
                  <input
                    type="checkbox"
                    checked={props.selected.has(alert.id)}
                    onChange={() => props.onToggle(alert.id)}
                    aria-label={`Select alert ${termText(alert)} on ${alert.hostname}`}
                    data-testid={`alert-select-${alert.id}`}
                  />
                </td>
                <td data-label="Severity">
                  <SeverityBadge severity={alert.severity} />
                </td>
                <td data-label="Category">
                  {alert.categoryLabel}
                  {alert.restricted && <span className="tag tag-restricted">Restricted</span>}
                </td>
                <td className="cell-term" data-label="Term">
                  <Link to={`/triage/${encodeURIComponent(alert.id)}`} data-testid={`alert-link-${alert.id}`} data-alert-id={alert.id}>
                    {pcValue(alert.term, alert.withheld)}
                  </Link>
                  {alert.terms !== null && alert.terms.length > 1 && (
                    <span
                      className="more-terms"
                      title={alert.terms
                        .slice(1)
                        .map((entry) => entry.term)
                        .join(', ')}
                    >
                      {` +${alert.terms.length - 1} more`}
                    </span>
                  )}
                </td>
                <td data-label="Computer (room)">{placeText(alert)}</td>
                <td data-label="User">
                  {pcValue(alert.osUser, alert.withheld)}
                  {alert.pupil !== null && (
                    <>
                      <br />
                      <PupilName pupil={alert.pupil} />
                    </>
                  )}
                </td>
                <td data-label="When">
                  <RelativeTime at={alert.ts} />
                </td>
                <td data-label="Status">
                  <span className={`status status-${alert.status}`}>{STATUS_LABELS[alert.status]}</span>
                </td>
                <td data-label="Assigned to">{alert.assignee?.displayName ?? '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
