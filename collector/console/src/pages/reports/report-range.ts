import { endOfDayIso, startOfDayIso } from '../audit/audit-query.ts';

// The reports page's date range: whole local days, last 30 by default.

export interface ReportRange {
  /** yyyy-mm-dd */
  readonly from: string;
  readonly to: string;
}

export function dayString(date: Date): string {
  return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
}

/** The 30 days up to and including today. */
export function defaultReportRange(now: Date): ReportRange {
  const from = new Date(now.getFullYear(), now.getMonth(), now.getDate() - 29);
  return { from: dayString(from), to: dayString(now) };
}

export function rangeFromSearch(search: URLSearchParams, now: Date): ReportRange {
  const fallback = defaultReportRange(now);
  const valid = (text: string | null) => (text !== null && /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined);
  const from = valid(search.get('from')) ?? fallback.from;
  const to = valid(search.get('to')) ?? fallback.to;
  return from <= to ? { from, to } : { from: to, to: from };
}

/** GET /api/reports/summary's query. */
export function reportQuery(range: ReportRange): { from: string; to: string } {
  return { from: startOfDayIso(range.from), to: endOfDayIso(range.to) };
}

/** A bar's length in percent of the largest count (at least a sliver for any non-zero count). */
export function barPercent(count: number, max: number): number {
  if (max <= 0 || count <= 0) return 0;
  return Math.max(2, Math.round((count / max) * 100));
}

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short' });

/** `2025-11-03` → `Mon 3 Nov`. */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day);
  if (match === null) return day;
  return dayFormat.format(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}
