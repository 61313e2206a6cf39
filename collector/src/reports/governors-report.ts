import type { GovernorsReport, GovernorsReportRow, ReportCell } from '@vigil/shared/console';
import type { RawGovernorsFigures, RawRow } from './governors-report.repository.ts';
import { suppressBreakdown, suppressCount, suppressionNote, withheldMark } from './suppression.ts';

export interface ReportFrame {
  readonly from: Date;
  readonly to: Date;
  readonly generatedAt: Date;
  readonly site: { readonly id: string | null; readonly name: string };
  readonly threshold: number;
  /** A category id's label as the word list names it. */
  readonly categoryLabel: (id: string) => string;
}

const outcomeLabels: Readonly<Record<string, string>> = { open: 'Open', escalated: 'Escalated', dismissed: 'Dismissed (false positive)', resolved: 'Resolved' };

type Labelled = RawRow & { readonly label: string };

/**
 * The published report: exact figures in, suppressed figures out. Each breakdown (by
 * category, severity, room, year group, outcome; actioned or not; triaged within a day
 * or not) adds up to the period's total, so each goes through `suppressBreakdown` with
 * that total; when one would give a small cell away even with every other cell
 * withheld, the total itself is withheld and every breakdown is suppressed again
 * without it. The previous period's column is suppressed the same way, on its own.
 */
export function publishGovernorsReport(raw: RawGovernorsFigures, frame: ReportFrame): GovernorsReport {
  const { threshold } = frame;
  const breakdowns: Record<'byCategory' | 'bySeverity' | 'byRoom' | 'byYearGroup' | 'byOutcome', readonly Labelled[]> = {
    byCategory: raw.byCategory.map((row) => ({ ...row, label: frame.categoryLabel(row.key) })),
    bySeverity: raw.bySeverity.map((row) => ({ ...row, label: `Severity ${row.key}` })),
    byRoom: raw.byRoom,
    byYearGroup: raw.byYearGroup.map((row) => ({ ...row, label: row.key })),
    byOutcome: raw.byOutcome.map((row) => ({ ...row, label: outcomeLabels[row.key] ?? row.key })),
  };
  const current: number[][] = [
    ...Object.values(breakdowns).map((rows) => rows.map((row) => row.count)),
    [raw.actioned, raw.alerts - raw.actioned],
    [raw.triagedWithinDay, raw.alerts - raw.triagedWithinDay],
  ];
  const previous: number[][] = Object.values(breakdowns).map((rows) => rows.map((row) => row.previousCount));

  const nowCells = suppressAll(current, raw.alerts, threshold);
  const beforeCells = suppressAll(previous, raw.previousAlerts, threshold);
  const rowsOf = (rows: readonly Labelled[], index: number): GovernorsReportRow[] =>
    rows.map((row, at) => {
      const count = nowCells.cells[index]?.[at] ?? withheldMark;
      const previousCount = beforeCells.cells[index]?.[at] ?? withheldMark;
      return {
        key: row.key,
        label: row.label,
        count,
        previousCount,
        change: typeof count === 'number' && typeof previousCount === 'number' ? count - previousCount : null,
      };
    });

  const actioned = nowCells.cells[5]?.[0] ?? withheldMark;
  const triagedWithinDay = nowCells.cells[6]?.[0] ?? withheldMark;
  const enoughActioned = raw.actioned >= threshold;
  return {
    from: frame.from.toISOString(),
    to: frame.to.toISOString(),
    previousFrom: new Date(frame.from.getTime() - (frame.to.getTime() - frame.from.getTime())).toISOString(),
    previousTo: frame.from.toISOString(),
    generatedAt: frame.generatedAt.toISOString(),
    site: { id: frame.site.id, name: frame.site.name },
    threshold,
    summary: {
      alerts: nowCells.total,
      previousAlerts: beforeCells.total,
      actioned,
      medianMinutesToFirstAction: enoughActioned ? roundMinutes(raw.medianMinutesToFirstAction) : null,
      p90MinutesToFirstAction: enoughActioned ? roundMinutes(raw.p90MinutesToFirstAction) : null,
      triagedWithinDay,
      triagedWithinDayPercent:
        typeof triagedWithinDay === 'number' && typeof nowCells.total === 'number' && nowCells.total > 0
          ? Math.round((1000 * triagedWithinDay) / nowCells.total) / 10
          : null,
      idleLocks: suppressCount(raw.idleLocks, threshold),
      teacherLocks: suppressCount(raw.teacherLocks, threshold),
    },
    byCategory: rowsOf(breakdowns.byCategory, 0),
    bySeverity: rowsOf(breakdowns.bySeverity, 1),
    byRoom: rowsOf(breakdowns.byRoom, 2),
    byYearGroup: rowsOf(breakdowns.byYearGroup, 3),
    byOutcome: rowsOf(breakdowns.byOutcome, 4),
    retention: {
      purgeRuns: raw.purgeRuns,
      rowsPurged: { ...raw.rowsPurged },
      legalHoldsPlaced: suppressCount(raw.legalHoldsPlaced, threshold),
      legalHoldsNow: suppressCount(raw.legalHoldsNow, threshold),
    },
    suppressionNote: suppressionNote(threshold),
  };
}

/** Every breakdown of one period against its total, withholding the total when one breakdown needs it. */
function suppressAll(breakdowns: readonly number[][], total: number, threshold: number): { cells: ReportCell[][]; total: ReportCell } {
  const totalCell = suppressCount(total, threshold);
  const known = typeof totalCell === 'number';
  const first = breakdowns.map((counts) => suppressBreakdown(counts, threshold, known));
  if (!first.some((result) => result.totalMustGo)) return { cells: first.map((result) => [...result.cells]), total: totalCell };
  return { cells: breakdowns.map((counts) => [...suppressBreakdown(counts, threshold, false).cells]), total: withheldMark };
}

function roundMinutes(minutes: number | null): number | null {
  return minutes === null ? null : Math.round(minutes * 10) / 10;
}
