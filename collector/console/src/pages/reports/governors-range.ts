import { withQuery } from '../../api/client.ts';
import { startOfDayIso } from '../audit/audit-query.ts';
import { dayString, type ReportRange } from './report-range.ts';

// The governors' report's period: a term, the school year, or any days. Terms follow
// England's calendar by month (autumn September–December, spring January–March, summer
// April–August); a school whose terms differ picks "Custom" and types its own dates.

export const governorsPresets = ['this-term', 'last-term', 'this-year', 'custom'] as const;
export type GovernorsPreset = (typeof governorsPresets)[number];

export const governorsPresetLabels: Readonly<Record<GovernorsPreset, string>> = {
  'this-term': 'This term',
  'last-term': 'Last term',
  'this-year': 'This school year',
  custom: 'Custom',
};

/** First month (0-based) of each term: autumn, spring, summer. */
const termStarts = [8, 0, 3] as const;

/** The first day of the term holding `day` and of the term after it. */
function termAround(day: Date): { start: Date; next: Date } {
  const month = day.getMonth();
  const year = day.getFullYear();
  if (month >= 8) return { start: new Date(year, 8, 1), next: new Date(year + 1, 0, 1) };
  if (month < 3) return { start: new Date(year, 0, 1), next: new Date(year, 3, 1) };
  return { start: new Date(year, 3, 1), next: new Date(year, 8, 1) };
}

const dayBefore = (date: Date): Date => new Date(date.getFullYear(), date.getMonth(), date.getDate() - 1);

/** The days a preset covers on `now`; a period still running ends today. */
export function presetRange(preset: Exclude<GovernorsPreset, 'custom'>, now: Date): ReportRange {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  if (preset === 'this-term') return { from: dayString(termAround(today).start), to: dayString(today) };
  if (preset === 'last-term') {
    const previous = termAround(dayBefore(termAround(today).start));
    return { from: dayString(previous.start), to: dayString(dayBefore(previous.next)) };
  }
  const septemberYear = today.getMonth() >= termStarts[0] ? today.getFullYear() : today.getFullYear() - 1;
  return { from: dayString(new Date(septemberYear, 8, 1)), to: dayString(today) };
}

/** The report's query: whole local days, `to` exclusive (the start of the day after the last). */
export function governorsQuery(range: ReportRange, siteId: string | undefined): { from: string; to: string; siteId: string | undefined } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(range.to);
  const after = match === null ? range.to : dayString(new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + 1));
  return { from: startOfDayIso(range.from), to: startOfDayIso(after), siteId };
}

/** Where the browser downloads the report in one format. */
export function governorsDownloadUrl(format: 'pdf' | 'csv', range: ReportRange, siteId: string | undefined): string {
  return withQuery(`/api/reports/governors.${format}`, governorsQuery(range, siteId));
}

/** Addresses typed one per line or separated by commas, trimmed, blanks dropped. */
export function recipientList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((address) => address.trim())
    .filter((address) => address !== '');
}
