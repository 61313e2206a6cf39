import type { AuditEntryRow } from '@vigil/shared/console';
import { withQuery, type Query } from '../../api/client.ts';

// The audit page's filters live in the address (`/audit?action=screenshot.reveal&from=…`),
// so a filtered view can be bookmarked and other pages can link to it, e.g. triage's
// "who looked at this alert": `/audit?targetType=alert&targetId=<id>`.

export interface AuditFilters {
  readonly action: string;
  readonly actor: string;
  readonly targetType: string;
  readonly targetId: string;
  /** yyyy-mm-dd (the date input's value), local day; empty = no bound. */
  readonly from: string;
  readonly to: string;
}

export const noFilters: AuditFilters = Object.freeze({ action: '', actor: '', targetType: '', targetId: '', from: '', to: '' });

const keys = ['action', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;

/** Actions the collector writes today, offered as suggestions (any text can be typed). */
export const knownActions: readonly string[] = [
  'alert.view',
  'alert.status',
  'alert.note',
  'alert.assign',
  'alert.timeline',
  'alert.legal-hold',
  'screenshot.view',
  'screenshot.reveal',
  'audit.export',
  'auth.login',
  'auth.login-failed',
  'auth.locked',
  'auth.logout',
  'auth.setup',
  'auth.totp-enrolled',
  'lock.on',
  'lock.off',
  'device.enrol',
  'device.move',
  'room.create',
  'room.rename',
  'room.delete',
  'site.create',
  'user.create',
  'user.update',
  'policy.change',
  'retention.set',
  'enrolment-token.create',
  'enrolment-token.revoke',
  'wordlist.term.add',
  'wordlist.allow.add',
  'agent.silent',
  'agent.unclean-exit',
];

export function filtersFromSearch(search: URLSearchParams): AuditFilters {
  const read = (key: string) => (search.get(key) ?? '').trim();
  return {
    action: read('action'),
    actor: read('actor'),
    targetType: read('targetType'),
    targetId: read('targetId'),
    from: validDay(read('from')),
    to: validDay(read('to')),
  };
}

/** The page address for these filters. */
export function auditPagePath(filters: AuditFilters): string {
  const query: Record<string, string> = {};
  for (const key of keys) query[key] = filters[key].trim();
  return withQuery('/audit', query);
}

function validDay(text: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(localDay(text).getTime()) ? text : '';
}

function localDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d);
}

/** Start of a local day as an ISO instant. */
export function startOfDayIso(day: string): string {
  return localDay(day).toISOString();
}

/** The last millisecond of a local day as an ISO instant (so "to 3 March" includes 3 March). */
export function endOfDayIso(day: string): string {
  const date = localDay(day);
  date.setDate(date.getDate() + 1);
  return new Date(date.getTime() - 1).toISOString();
}

/** GET /api/audit's query for these filters (and the page after `before`). */
export function auditApiQuery(filters: AuditFilters, before?: number, limit = 100): Query {
  return {
    action: filters.action.trim(),
    actor: filters.actor.trim(),
    targetType: filters.targetType.trim(),
    targetId: filters.targetId.trim(),
    from: filters.from === '' ? undefined : startOfDayIso(filters.from),
    to: filters.to === '' ? undefined : endOfDayIso(filters.to),
    before,
    limit,
  };
}

/** The CSV download of everything these filters match (the collector audits the export). */
export function auditExportHref(filters: AuditFilters): string {
  const { before: _before, limit: _limit, ...query } = auditApiQuery(filters);
  return withQuery('/api/audit/export', query);
}

/** `alert 01J…` / `user alice` / `—`. */
export function targetText(entry: Pick<AuditEntryRow, 'targetType' | 'targetId'>): string {
  if (entry.targetType === null && entry.targetId === null) return '—';
  return [entry.targetType, entry.targetId].filter((part) => part !== null).join(' ');
}

/** The detail object as one line of text: `reason: "…"; status: resolved`. */
export function detailText(detail: AuditEntryRow['detail']): string {
  if (detail === null) return '';
  return Object.entries(detail)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join('; ');
}

/** How the audit page shows the target: a name people know, where to go for it, and the raw id for the tooltip. */
export interface TargetView {
  /** `ICT-PC-07`, `Room 12 (Hillside)`, `Self-harm alert`, `Ms Patel`; the kind and id when it has no name. */
  readonly text: string;
  /** The kind (`device`, `alert` …) shown before the name. */
  readonly kind: string | null;
  /** The thing's own page (an alert, a room's live view), else its history on this page. */
  readonly href: string | undefined;
  /** `device 01J…`: kept in the tooltip, so ids can still be copied and searched. */
  readonly idText: string | undefined;
}

const kindWords: Readonly<Record<string, string>> = {
  alert: 'Alert',
  device: 'Computer',
  room: 'Room',
  site: 'Site',
  user: 'User',
  'enrolment-token': 'Enrolment token',
};

/** The target's name and link. Names come from the collector (resolved when the log is read); an id without one (gone, or nameless) shows as itself. */
export function targetView(entry: Pick<AuditEntryRow, 'targetType' | 'targetId' | 'targetName'>): TargetView {
  const { targetType: type, targetId: id } = entry;
  const name = entry.targetName ?? null;
  if (type === null && id === null) return { text: '—', kind: null, href: undefined, idText: undefined };
  const kind = type === null ? null : (kindWords[type] ?? type);
  if (id === null) return { text: kind ?? '—', kind: null, href: undefined, idText: undefined };
  const idText = `${type ?? ''} ${id}`.trim();
  let href: string | undefined;
  if (type === 'alert') href = `/triage/${encodeURIComponent(id)}`;
  else if (type === 'room' && name !== null) href = `/live/${encodeURIComponent(id)}`;
  else if (type !== null) href = auditPagePath({ ...noFilters, targetType: type, targetId: id });
  // A named alert says what it is ("Self-harm & suicide alert"): no "Alert:" before it.
  return { text: name ?? id, kind: type === 'alert' && name !== null ? null : kind, href, idText };
}

/** The actor as a person: display name (user name), linking to everything they did. */
export function actorView(entry: Pick<AuditEntryRow, 'actor' | 'actorName' | 'actorUserId'>): {
  readonly name: string;
  readonly username: string | undefined;
  readonly href: string;
  readonly title: string;
} {
  const name = entry.actorName ?? null;
  const userId = entry.actorUserId ?? null;
  return {
    name: name ?? entry.actor,
    username: name !== null && name !== entry.actor ? entry.actor : undefined,
    href: auditPagePath({ ...noFilters, actor: entry.actor }),
    title: userId === null ? entry.actor : `${entry.actor} · user ${userId}`,
  };
}
