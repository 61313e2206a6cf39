import type { JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { formatDateTime } from '../../format.ts';
import { SeverityBadge } from '../../components/severity-badge.tsx';
import { SOURCE_LABELS } from './alert-format.ts';
import { CopyButton, type Announce } from './page-kit.tsx';
import { STATUS_LABELS } from './triage-types.ts';

/**
 * What the PC reported. Context, title, program and web address come from the classroom
 * computer: shown as text only. The address is deliberately not a link (nobody should
 * open a flagged site from the console by accident); it can be copied.
 */
export function AlertDetails(props: { readonly alert: AlertSummary; readonly announce: Announce }): JSX.Element {
  const { alert } = props;
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
      <dd data-testid="alert-term">{alert.term}</dd>
      <dt>Found in</dt>
      <dd>{SOURCE_LABELS[alert.source]}</dd>
      <dt>Context</dt>
      <dd>{alert.context === null ? '—' : <span className="pc-text" data-testid="alert-context">{alert.context}</span>}</dd>
      <dt>Window title</dt>
      <dd>{alert.windowTitle === null ? '—' : <span className="pc-text" data-testid="alert-window-title">{alert.windowTitle}</span>}</dd>
      <dt>Program</dt>
      <dd>{alert.app ?? '—'}</dd>
      <dt>Web address</dt>
      <dd>
        {alert.url === null ? (
          '—'
        ) : (
          <span className="url-line">
            <code className="pc-text" data-testid="alert-url">
              {alert.url}
            </code>
            <CopyButton text={alert.url} label="Copy web address" announce={props.announce} testId="copy-url" />
          </span>
        )}
      </dd>
      <dt>Computer</dt>
      <dd>{alert.hostname}</dd>
      <dt>Room</dt>
      <dd>{alert.roomName ?? 'Not in a room'}</dd>
      <dt>Computer user</dt>
      <dd>{alert.osUser ?? '—'}</dd>
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
