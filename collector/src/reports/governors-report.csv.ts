import type { GovernorsReport, GovernorsReportRow, ReportCell } from '@vigil/shared/console';

export const governorsCsvHeader = ['section', 'dimension', 'value', 'count', 'previous_count'] as const;

type CsvValue = ReportCell | string | null;

/**
 * The report as tidy long-format CSV (documented in the root README, "Governors' report"):
 * one figure per line, `section,dimension,value,count,previous_count`, the same
 * suppressed cells as the JSON ("<5", "*"). Lines end in CRLF (RFC 4180).
 */
export function governorsReportCsv(report: GovernorsReport): string {
  const lines: CsvValue[][] = [[...governorsCsvHeader]];
  const add = (section: string, dimension: string, value: string, count: CsvValue, previous: CsvValue = null): void => {
    lines.push([section, dimension, value, count, previous]);
  };
  add('report', 'site', report.site.name, null);
  add('report', 'from', report.from, null);
  add('report', 'to', report.to, null);
  add('report', 'previous_from', report.previousFrom, null);
  add('report', 'previous_to', report.previousTo, null);
  add('report', 'generated_at', report.generatedAt, null);
  add('report', 'suppression_threshold', '', report.threshold);

  const { summary } = report;
  add('summary', 'alerts', '', summary.alerts, summary.previousAlerts);
  add('summary', 'actioned', '', summary.actioned);
  add('summary', 'triaged_within_day', '', summary.triagedWithinDay);
  add('summary', 'triaged_within_day_percent', '', summary.triagedWithinDayPercent);
  add('summary', 'median_minutes_to_first_action', '', summary.medianMinutesToFirstAction);
  add('summary', 'p90_minutes_to_first_action', '', summary.p90MinutesToFirstAction);
  add('summary', 'idle_locks', '', summary.idleLocks);
  add('summary', 'teacher_locks', '', summary.teacherLocks);

  const rows = (dimension: string, list: readonly GovernorsReportRow[]): void => {
    for (const row of list) add('alerts', dimension, row.label, row.count, row.previousCount);
  };
  rows('category', report.byCategory);
  rows('severity', report.bySeverity);
  rows('room', report.byRoom);
  rows('year_group', report.byYearGroup);
  rows('outcome', report.byOutcome);

  add('retention', 'purge_runs', '', report.retention.purgeRuns);
  for (const [kind, count] of Object.entries(report.retention.rowsPurged)) add('retention', 'rows_purged', kind, count);
  add('retention', 'legal_holds_placed', '', report.retention.legalHoldsPlaced);
  add('retention', 'legal_holds_now', '', report.retention.legalHoldsNow);
  return lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** Quotes a field when it needs it; a leading =, +, - or @ is neutralised so a spreadsheet never runs it. */
function csvField(value: CsvValue): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
