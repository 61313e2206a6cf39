import type { JSX } from 'react';
import type { AlertEvent, TimelineItem } from '@vigil/shared/console';
import { formatClockTime, formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { severityText } from './severity.ts';
import { STATUS_LABELS } from './triage-types.ts';
import { pcValue } from './withheld.tsx';

function eventText(event: AlertEvent): string {
  switch (event.kind) {
    case 'status': {
      const from = event.fromStatus === null ? '' : `${STATUS_LABELS[event.fromStatus]} → `;
      const to = event.toStatus === null ? '?' : STATUS_LABELS[event.toStatus];
      return `Status: ${from}${to}`;
    }
    case 'assign':
      return 'Assignment changed';
    case 'note':
      return 'Note';
    case 'export':
      return 'Exported';
  }
}

/** Who did what to the alert, oldest first. Notes are staff text, still shown as text. */
export function AlertEvents(props: { readonly events: readonly AlertEvent[] }): JSX.Element {
  if (props.events.length === 0) return <p>Nothing has been done with this alert yet.</p>;
  const events = [...props.events].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  return (
    <ol className="event-list" data-testid="alert-events">
      {events.map((event) => (
        <li key={event.id} data-kind={event.kind}>
          <time dateTime={event.at}>{formatDateTime(event.at)}</time> · <span className="event-actor">{event.actor}</span> · {eventText(event)}
          {event.note !== null && event.note !== '' && <p className="event-note">{event.note}</p>}
        </li>
      ))}
    </ol>
  );
}

function itemStart(item: TimelineItem): string {
  return item.kind === 'activity' ? item.start : item.ts;
}

/**
 * What happened on the same computer around the alert (±30 minutes): programs and window
 * titles (activity) and other alerts. Titles and addresses are PC text; other alerts link
 * to their own page. Near a restricted alert the server withholds what was on screen, and
 * a restricted alert's term, until the DSL reveals it: shown as withheld.
 */
export function AlertTimeline(props: { readonly items: readonly TimelineItem[]; readonly alertId: string }): JSX.Element {
  if (props.items.length === 0) return <p>No activity was recorded around this alert.</p>;
  const items = [...props.items].sort((a, b) => itemStart(a).localeCompare(itemStart(b)));
  return (
    <ol className="timeline" data-testid="alert-timeline">
      {items.map((item) =>
        item.kind === 'activity' ? (
          <li key={`activity-${item.id}`} className="timeline-activity">
            <span className="timeline-time">
              <time dateTime={item.start}>{formatClockTime(item.start)}</time>–<time dateTime={item.end}>{formatClockTime(item.end)}</time>
            </span>{' '}
            <span className="timeline-app">{pcValue(item.app, item.withheld)}</span>: <span className="pc-text">{pcValue(item.title, item.withheld)}</span>
            {item.url !== null && (
              <>
                {' '}
                <code className="pc-text">{item.url}</code>
              </>
            )}
            {item.osUser !== null && <span className="timeline-user"> ({item.osUser})</span>}
          </li>
        ) : (
          <li
            key={`alert-${item.id}`}
            className={item.id === props.alertId ? 'timeline-alert timeline-this' : 'timeline-alert'}
            aria-current={item.id === props.alertId ? 'true' : undefined}
          >
            <span className="timeline-time">
              <time dateTime={item.ts}>{formatClockTime(item.ts)}</time>
            </span>{' '}
            <strong>Alert</strong> {severityText(item.severity)} ·{' '}
            {item.id === props.alertId ? (
              <>{item.term === null ? pcValue(null, true) : `“${item.term}”`} (this alert)</>
            ) : (
              <Link to={`/triage/${encodeURIComponent(item.id)}`}>{item.term === null ? pcValue(null, true) : `“${item.term}”`}</Link>
            )}{' '}
            · {STATUS_LABELS[item.status]}
          </li>
        ),
      )}
    </ol>
  );
}
