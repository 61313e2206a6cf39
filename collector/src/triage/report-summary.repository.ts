import { alertStatusSchema, type reportSummaryResponseSchema } from '@vigil/shared/console';
import { and, asc, count, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/database.ts';
import { alerts } from '../db/schema/index.ts';
import { alertScopeCondition, type AlertScope } from './alert-scope.ts';
import type { CategoryCatalog } from './category-catalog.ts';

export type ReportSummary = z.infer<typeof reportSummaryResponseSchema>;

const dayMs = 86_400_000;

/** UTC days from `from`'s to the one holding the last instant before `to`, as YYYY-MM-DD. */
export function daysBetween(from: Date, to: Date): string[] {
  const days: string[] = [];
  const last = Math.floor((to.getTime() - 1) / dayMs);
  for (let day = Math.floor(from.getTime() / dayMs); day <= last; day += 1) days.push(new Date(day * dayMs).toISOString().slice(0, 10));
  return days;
}

/**
 * Counts of the alerts in scope with `from ≤ ts < to`, by category, status and UTC day.
 * Counts only: no term, context or capture leaves this function. Every status and every
 * day of the range is listed, zeros included, so charts need no gap filling.
 */
export async function reportSummary(db: Db, scope: AlertScope, range: { from: Date; to: Date }, catalog: CategoryCatalog): Promise<ReportSummary> {
  const where: SQL | undefined = and(alertScopeCondition(scope), gte(alerts.ts, range.from), lt(alerts.ts, range.to));
  const day = sql<string>`to_char(${alerts.ts} at time zone 'UTC', 'YYYY-MM-DD')`;
  const [byCategory, byStatus, byDay] = await Promise.all([
    db.select({ category: alerts.category, count: count() }).from(alerts).where(where).groupBy(alerts.category).orderBy(asc(alerts.category)),
    db.select({ status: alerts.status, count: count() }).from(alerts).where(where).groupBy(alerts.status),
    db.select({ day, count: count() }).from(alerts).where(where).groupBy(day),
  ]);
  const statusCounts = new Map(byStatus.map((row) => [row.status, row.count]));
  const dayCounts = new Map(byDay.map((row) => [row.day, row.count]));
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    byCategory: byCategory.map((row) => ({ category: row.category, label: catalog.facts(row.category).label, count: row.count })),
    byStatus: alertStatusSchema.options.map((status) => ({ status, count: statusCounts.get(status) ?? 0 })),
    byDay: daysBetween(range.from, range.to).map((key) => ({ day: key, count: dayCounts.get(key) ?? 0 })),
  };
}
