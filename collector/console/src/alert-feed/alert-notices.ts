import type { AlertNotice } from '@vigil/shared/console';
import { severityLabel } from '../components/severity.ts';

// What a browser notification says about new alerts: category, severity, room and time,
// never what was typed or seen (the feed does not carry it). Pure, for unit tests.

export interface NoticeText {
  readonly title: string;
  readonly body: string;
  /** The alert page to open on click. */
  readonly path: string;
  /** One notification per alert: a repeat replaces rather than stacks. */
  readonly tag: string;
}

/** At most this many notifications per message; the rest are summed up in one. */
export const maxNoticesAtOnce = 3;

function time(iso: string): string {
  const at = new Date(iso);
  return Number.isNaN(at.getTime()) ? '' : at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** Most severe first, then newest. */
export function noticeTexts(created: readonly AlertNotice[], minSeverity: number): NoticeText[] {
  const chosen = created.filter((alert) => alert.severity >= minSeverity).sort((a, b) => b.severity - a.severity || b.ts.localeCompare(a.ts));
  const texts: NoticeText[] = chosen.slice(0, maxNoticesAtOnce).map((alert) => ({
    title: `Vigil: severity ${alert.severity} (${severityLabel(alert.severity)}) · ${alert.categoryLabel}`,
    body: [alert.roomName ?? 'No room', time(alert.ts)].filter((part) => part !== '').join(' · '),
    path: `/triage/${encodeURIComponent(alert.id)}`,
    tag: `vigil-alert-${alert.id}`,
  }));
  const rest = chosen.length - texts.length;
  if (rest > 0)
    texts.push({
      title: `Vigil: ${rest} more new alert${rest === 1 ? '' : 's'}`,
      body: 'Open the triage queue to see them.',
      path: '/triage',
      tag: 'vigil-alert-more',
    });
  return texts;
}

/** The tab's title with the unread count in front: "(3) Triage · Vigil". */
export function titleWithCount(title: string, open: number | null): string {
  const bare = title.replace(/^\(\d+\+?\) /, '');
  if (open === null || open <= 0) return bare;
  return `(${open > 99 ? '99+' : open}) ${bare}`;
}
