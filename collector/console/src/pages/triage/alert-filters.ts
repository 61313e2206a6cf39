import type { AlertStatus } from '@vigil/shared/console';
import type { AlertApiQuery } from './triage-api.ts';

// The triage queue's filters live in the page URL (`/triage?severity=4&room=…`) so a link
// shared with a colleague opens the same queue. Anything unreadable in a URL is dropped
// back to its default rather than sent to the server to be refused.

export type StatusFilter = AlertStatus | 'open' | 'all';
export type AssigneeFilter = '' | 'me' | 'none';

export interface AlertFilters {
  readonly status: StatusFilter;
  /** Category id, '' for any. */
  readonly category: string;
  /** Minimum severity 1–5, undefined for any. */
  readonly minSeverity: number | undefined;
  readonly roomId: string;
  /** OS user name (exact, case-insensitive on the server). */
  readonly user: string;
  /** Free text over term, context, title, URL, app, user. */
  readonly q: string;
  /** Local calendar days `YYYY-MM-DD`, inclusive; '' for open-ended. */
  readonly from: string;
  readonly to: string;
  readonly assignee: AssigneeFilter;
}

export const DEFAULT_FILTERS: AlertFilters = Object.freeze({
  status: 'open',
  category: '',
  minSeverity: undefined,
  roomId: '',
  user: '',
  q: '',
  from: '',
  to: '',
  assignee: '',
});

export const STATUS_FILTERS: readonly { readonly value: StatusFilter; readonly label: string }[] = [
  // Escalated alerts are the DSL's: their own view, not the open queue.
  { value: 'open', label: 'Open (new and in review)' },
  { value: 'new', label: 'New' },
  { value: 'in-review', label: 'In review' },
  { value: 'escalated', label: 'Escalated' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

const STATUS_VALUES = new Set<string>(STATUS_FILTERS.map((option) => option.value));
const CATEGORY_PATTERN = /^[a-z][a-z0-9-]{1,39}$/;
const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MAX_Q = 200;
const MAX_USER = 256;
const MAX_ID = 64;

/** The URL query keys, in the order they are written. */
const KEYS = ['status', 'category', 'severity', 'room', 'user', 'q', 'from', 'to', 'assignee'] as const;

function parseDay(text: string | null): string {
  if (text === null) return '';
  const match = DAY_PATTERN.exec(text);
  if (match === null) return '';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(year, month - 1, day);
  // 2024-02-31 rolls over to March: not a real day.
  return date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day ? text : '';
}

function parseSeverity(text: string | null): number | undefined {
  if (text === null || !/^[1-5]$/.test(text)) return undefined;
  return Number(text);
}

function clip(text: string | null, max: number): string {
  return (text ?? '').trim().slice(0, max);
}

/** Reads the filters from a URL query; unknown or malformed values fall back to the defaults. */
export function filtersFromSearch(params: URLSearchParams): AlertFilters {
  const status = params.get('status') ?? '';
  const category = params.get('category') ?? '';
  const assignee = params.get('assignee') ?? '';
  return {
    status: STATUS_VALUES.has(status) ? (status as StatusFilter) : DEFAULT_FILTERS.status,
    category: CATEGORY_PATTERN.test(category) ? category : '',
    minSeverity: parseSeverity(params.get('severity')),
    roomId: clip(params.get('room'), MAX_ID),
    user: clip(params.get('user'), MAX_USER),
    q: clip(params.get('q'), MAX_Q),
    from: parseDay(params.get('from')),
    to: parseDay(params.get('to')),
    assignee: assignee === 'me' || assignee === 'none' ? assignee : '',
  };
}

/** The filters as a URL query without `?` (defaults left out), e.g. `severity=4&room=R1`. */
export function filtersToSearch(filters: AlertFilters): string {
  const values: Record<(typeof KEYS)[number], string> = {
    status: filters.status === DEFAULT_FILTERS.status ? '' : filters.status,
    category: filters.category,
    severity: filters.minSeverity === undefined ? '' : String(filters.minSeverity),
    room: filters.roomId,
    user: filters.user.trim(),
    q: filters.q.trim(),
    from: filters.from,
    to: filters.to,
    assignee: filters.assignee,
  };
  const params = new URLSearchParams();
  for (const key of KEYS) if (values[key] !== '') params.set(key, values[key]);
  return params.toString();
}

/** `/triage` plus the filters' query, for links back to the same queue. */
export function queueHref(filters: AlertFilters): string {
  const search = filtersToSearch(filters);
  return search === '' ? '/triage' : `/triage?${search}`;
}

function dayBoundary(day: string, end: boolean): string | undefined {
  const match = DAY_PATTERN.exec(day);
  if (match === null) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // The user means their own calendar day, so the boundaries are local midnight.
  const instant = end ? new Date(year, month - 1, date, 23, 59, 59, 999) : new Date(year, month - 1, date, 0, 0, 0, 0);
  return instant.toISOString();
}

/** The GET /api/alerts query for these filters (dates become local start/end of day). */
export function filtersToAlertQuery(filters: AlertFilters, page: { cursor?: string | undefined; limit?: number } = {}): AlertApiQuery {
  const query: AlertApiQuery = { status: filters.status };
  if (filters.category !== '') query.category = filters.category;
  if (filters.minSeverity !== undefined) query.severity = filters.minSeverity;
  if (filters.roomId !== '') query.roomId = filters.roomId;
  if (filters.user.trim() !== '') query.user = filters.user.trim();
  if (filters.q.trim() !== '') query.q = filters.q.trim();
  const from = dayBoundary(filters.from, false);
  const to = dayBoundary(filters.to, true);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  if (filters.assignee !== '') query.assignee = filters.assignee;
  if (page.cursor !== undefined) query.cursor = page.cursor;
  if (page.limit !== undefined) query.limit = page.limit;
  return query;
}

/** Problems to show beside the filter form instead of asking the server. */
export function filterProblems(filters: AlertFilters): string[] {
  const problems: string[] = [];
  if (filters.from !== '' && filters.to !== '' && filters.from > filters.to) problems.push('The "From" date is after the "To" date.');
  return problems;
}

/** How many filters differ from the default queue (for "3 filters applied"). */
export function activeFilterCount(filters: AlertFilters): number {
  const search = filtersToSearch(filters);
  return search === '' ? 0 : search.split('&').length;
}
