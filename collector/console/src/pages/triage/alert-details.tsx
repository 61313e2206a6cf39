import type { JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { formatDateTime } from '../../format.ts';
import { SeverityBadge } from '../../components/severity-badge.tsx';
import { PupilName } from '../pupils/pupil-name.tsx';
import { SOURCE_LABELS } from './alert-format.ts';
import { CopyButton, type Announce } from './page-kit.tsx';
import { STATUS_LABELS } from './triage-types.ts';
import { pcValue, Withheld } from './withheld.tsx';

/**
 * What the PC reported. Context, title, program and web address come from the classroom
 * computer: shown as text only. The address is deliberately not a link (nobody should
 * open a flagged site from the console by accident); it can be copied. For a restricted
 * category the server withholds all of it (and the computer user) until the DSL reveals
 * the alert: each field then says so.
 */
export function AlertDetails(props: { readonly alert: AlertSummary; readonly announce: Announce }): JSX.Element {
  const { alert } = props;
  const hidden = alert.withheld;
  return (
    <dl className="facts alert-details" data-testid="alert-details">
      <dt>Severity</dt>
      <dd>
        <SeverityBadge severity={alert.severity} />
      </dd>
      <dt>Category</dt>
      <dd>
        {alert.categoryLabel}
        {alert.restricted && <span className="tag tag-restricted">Restricted</span>}
      </dd>
      <dt>Flagged term</dt>
      <dd data-testid="alert-term">{pcValue(alert.term, hidden)}</dd>
      {alert.terms !== null && alert.terms.length > 1 && (
        <>
          <dt>Also matched in the same phrase</dt>
          <dd>
            <ul className="plain-list" data-testid="alert-terms">
              {alert.terms.slice(1).map((entry) => (
                <li key={`${entry.term}\u0000${entry.category}`}>
                  <span className="pc-text">{entry.term}</span> — {entry.categoryLabel}, severity {entry.severity}
                </li>
              ))}
            </ul>
          </dd>
        </>
      )}
      {alert.terms === null && alert.categories.length > 1 && (
        <>
          <dt>Also matched in the same phrase</dt>
          <dd data-testid="alert-categories">{`Terms in ${alert.categories.length - 1} more categor${alert.categories.length === 2 ? 'y' : 'ies'}: ${alert.categories.slice(1).join(', ')}`}</dd>
        </>
      )}
      <dt>Found in</dt>
      <dd>{SOURCE_LABELS[alert.source]}</dd>
      <dt>Context</dt>
      <dd>
        {pcValue(alert.context, hidden, (text) => (
          <span className="pc-text" data-testid="alert-context">
            {text}
          </span>
        ))}
      </dd>
      <dt>Window title</dt>
      <dd>
        {pcValue(alert.windowTitle, hidden, (text) => (
          <span className="pc-text" data-testid="alert-window-title">
            {text}
          </span>
        ))}
      </dd>
      <dt>Program</dt>
      <dd>{pcValue(alert.app, hidden)}</dd>
      <dt>Web address</dt>
      <dd>
        {pcValue(alert.url, hidden, (url) => (
          <span className="url-line">
            <code className="pc-text" data-testid="alert-url">
              {url}
            </code>
            <CopyButton text={url} label="Copy web address" announce={props.announce} testId="copy-url" />
          </span>
        ))}
      </dd>
      <dt>Computer</dt>
      <dd>{alert.hostname}</dd>
      <dt>Room</dt>
      <dd>{alert.roomName ?? 'Not in a room'}</dd>
      <dt>Computer user</dt>
      <dd>{pcValue(alert.osUser, hidden)}</dd>
      <dt>Pupil</dt>
      <dd data-testid="alert-pupil">{hidden ? <Withheld /> : alert.pupil === null ? 'Not in the pupil directory' : <PupilName pupil={alert.pupil} />}</dd>
      <dt>When</dt>
      <dd>
        <time dateTime={alert.ts}>{formatDateTime(alert.ts)}</time>
      </dd>
      <dt>Received</dt>
      <dd>
        <time dateTime={alert.receivedAt}>{formatDateTime(alert.receivedAt)}</time>
      </dd>
      <dt>Status</dt>
      <dd>
        <span className={`status status-${alert.status}`} data-testid="alert-status">
          {STATUS_LABELS[alert.status]}
        </span>
      </dd>
      <dt>Assigned to</dt>
      <dd data-testid="alert-assignee">{alert.assignee?.displayName ?? 'Nobody'}</dd>
    </dl>
  );
}
