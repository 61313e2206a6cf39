import type { JSX } from 'react';
import type { DesktopAlerts } from './alert-feed.tsx';

/** The count of new (untriaged) alerts beside "Triage": text for screen readers, not colour alone. */
export function UnreadBadge(props: { readonly open: number | null }): JSX.Element | null {
  if (props.open === null || props.open <= 0) return null;
  const shown = props.open > 99 ? '99+' : String(props.open);
  return (
    <span className="nav-badge" data-testid="unread-badge">
      <span aria-hidden="true">{shown}</span>
      <span className="visually-hidden">{`, ${props.open} new alert${props.open === 1 ? '' : 's'}`}</span>
    </span>
  );
}

/** Turns browser notifications for severity 4–5 alerts on or off (asks the browser once). */
export function DesktopAlertsToggle(props: { readonly desktop: DesktopAlerts; readonly active: boolean }): JSX.Element | null {
  const { desktop } = props;
  if (!props.active || !desktop.supported) return null;
  if (desktop.permission === 'denied') {
    return (
      <span className="desktop-alerts-note" title="Allow notifications for this site in the browser's settings to turn them on.">
        Desktop alerts blocked
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button button-on-dark"
      aria-pressed={desktop.enabled}
      data-testid="desktop-alerts"
      onClick={() => (desktop.enabled ? desktop.disable() : void desktop.enable())}
      title="A browser notification for every new alert of severity 4 or 5 while the console is open"
    >
      {desktop.enabled ? 'Desktop alerts on' : 'Turn on desktop alerts'}
    </button>
  );
}
