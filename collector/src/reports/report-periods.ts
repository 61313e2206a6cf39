import type { ReportFrequency } from '../db/schema/report-schedules.schema.ts';

// When a scheduled governors' report goes, and which period it covers (UTC). Terms follow
// England's calendar by month, as the console's presets do: autumn from 1 September,
// spring from 1 January, summer from 1 April.

/** Reports go out at 06:00 UTC on the first day after their period. */
const sendHourUtc = 6;
const termStartMonths = [0, 3, 8] as const;

/** The start (UTC midnight) of the month or term holding `at`. */
export function periodStart(frequency: ReportFrequency, at: Date): Date {
  const year = at.getUTCFullYear();
  const month = at.getUTCMonth();
  if (frequency === 'monthly') return new Date(Date.UTC(year, month, 1));
  const startMonth = [...termStartMonths].reverse().find((start) => start <= month) ?? 0;
  return new Date(Date.UTC(year, startMonth, 1));
}

/** The start of the month or term after the one holding `at`. */
function nextPeriodStart(frequency: ReportFrequency, at: Date): Date {
  const start = periodStart(frequency, at);
  if (frequency === 'monthly') return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const month = start.getUTCMonth();
  const next = termStartMonths.find((startMonth) => startMonth > month);
  return next === undefined ? new Date(Date.UTC(start.getUTCFullYear() + 1, 0, 1)) : new Date(Date.UTC(start.getUTCFullYear(), next, 1));
}

/** The whole month or term that ended last before `at`: what a report sent at `at` covers. */
export function lastFullPeriod(frequency: ReportFrequency, at: Date): { from: Date; to: Date } {
  const to = periodStart(frequency, at);
  return { from: periodStart(frequency, new Date(to.getTime() - 1)), to };
}

/** When the next report goes: 06:00 UTC on the first day of the next month or term after `after`. */
export function nextSendTime(frequency: ReportFrequency, after: Date): Date {
  const thisOne = new Date(periodStart(frequency, after).getTime() + sendHourUtc * 3_600_000);
  if (thisOne.getTime() > after.getTime()) return thisOne;
  return new Date(nextPeriodStart(frequency, after).getTime() + sendHourUtc * 3_600_000);
}
