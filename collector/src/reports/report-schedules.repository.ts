import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { reportSchedules, sites, type ReportFrequency, type ReportScheduleRow } from '../db/schema/index.ts';

export type ScheduleWithSite = ReportScheduleRow & { readonly siteName: string };

/** Schedules (of one site, or all when `siteId` is null), with their site's name. */
export async function listSchedules(db: Db, siteId: string | null): Promise<ScheduleWithSite[]> {
  const rows = await db
    .select({ schedule: reportSchedules, siteName: sites.name })
    .from(reportSchedules)
    .leftJoin(sites, eq(sites.id, reportSchedules.siteId))
    .where(siteId === null ? undefined : eq(reportSchedules.siteId, siteId))
    .orderBy(asc(reportSchedules.createdAt));
  return rows.map((row) => ({ ...row.schedule, siteName: row.siteName ?? 'All sites' }));
}

export async function findSchedule(db: Db, id: string): Promise<ReportScheduleRow | undefined> {
  const [row] = await db.select().from(reportSchedules).where(eq(reportSchedules.id, id));
  return row;
}

export async function insertSchedule(
  db: Db,
  values: { siteId: string | null; recipients: string[]; frequency: ReportFrequency; threshold: number; nextRunAt: Date; createdBy: string },
): Promise<ReportScheduleRow> {
  const [row] = await db.insert(reportSchedules).values(values).returning();
  if (row === undefined) throw new Error('no schedule row');
  return row;
}

export async function deleteSchedule(db: Db, id: string): Promise<boolean> {
  return (await db.delete(reportSchedules).where(eq(reportSchedules.id, id)).returning({ id: reportSchedules.id })).length > 0;
}

export async function dueSchedules(db: Db, now: Date): Promise<ReportScheduleRow[]> {
  return db.select().from(reportSchedules).where(lte(reportSchedules.nextRunAt, now)).orderBy(asc(reportSchedules.nextRunAt));
}

/**
 * Moves a due schedule on to its next run, only if no one else did first (another
 * collector on the same database): true means this caller sends it.
 */
export async function claimSchedule(db: Db, schedule: ReportScheduleRow, next: Date): Promise<boolean> {
  const claimed = await db
    .update(reportSchedules)
    .set({ nextRunAt: next })
    .where(and(eq(reportSchedules.id, schedule.id), eq(reportSchedules.nextRunAt, schedule.nextRunAt)))
    .returning({ id: reportSchedules.id });
  return claimed.length > 0;
}

export async function recordRun(db: Db, id: string, at: Date, error: string | null): Promise<void> {
  await db
    .update(reportSchedules)
    .set({
      lastRunAt: at,
      lastError: error,
      ...(error === null ? {} : { nextRunAt: sql`least(${reportSchedules.nextRunAt}, ${new Date(at.getTime() + 3_600_000).toISOString()}::timestamptz)` }),
    })
    .where(eq(reportSchedules.id, id));
}
