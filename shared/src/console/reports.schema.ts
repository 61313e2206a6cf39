import { z } from 'zod';

// The governors' report (GET /api/reports/governors, .csv, .pdf): counts only, never a
// pupil's name, a matched term or any captured text. Every count that describes pupils
// goes through small-number suppression (collector/src/reports/suppression.ts): a cell
// of 1 … threshold−1 is shown as "<threshold" (e.g. "<5"), and a second cell "*" is
// withheld where the suppressed one could otherwise be worked out by subtraction.

/** A count as published: the number, "<5" (small) or "*" (withheld so "<5" cannot be recovered). */
export const reportCellSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^(<\d+|\*)$/)]);
export type ReportCell = z.infer<typeof reportCellSchema>;

/** One line of a breakdown: this period's count, the previous period's, and the change when both are published. */
export const governorsReportRowSchema = z.object({
  key: z.string(),
  label: z.string(),
  count: reportCellSchema,
  previousCount: reportCellSchema,
  /** count − previousCount; null when either is suppressed. */
  change: z.number().int().nullable(),
});
export type GovernorsReportRow = z.infer<typeof governorsReportRowSchema>;

export const governorsReportQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true }),
  to: z.iso.datetime({ offset: true }),
  /** A trust-wide user may pick a site; absent: every site they may see. */
  siteId: z.string().min(1).max(64).optional(),
  /** Suppress counts below this; a school may raise it from the default 5, never lower it. */
  threshold: z.coerce.number().int().min(5).max(50).optional(),
});
export type GovernorsReportQuery = z.infer<typeof governorsReportQuerySchema>;

export const governorsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** The period of the same length just before `from`, for the trend. */
  previousFrom: z.string(),
  previousTo: z.string(),
  generatedAt: z.string(),
  site: z.object({ id: z.string().nullable(), name: z.string() }),
  /** Counts below this (and above zero) are shown as "<threshold". */
  threshold: z.number().int().positive(),
  summary: z.object({
    alerts: reportCellSchema,
    previousAlerts: reportCellSchema,
    /** Alerts a person acted on (status change, note, assignment, export). */
    actioned: reportCellSchema,
    /** Minutes from receipt to the first action by a person; null when fewer than `threshold` alerts were actioned. */
    medianMinutesToFirstAction: z.number().nullable(),
    p90MinutesToFirstAction: z.number().nullable(),
    /** Alerts first acted on within 24 hours of receipt, and their share of all alerts (percent, null when suppressed). */
    triagedWithinDay: reportCellSchema,
    triagedWithinDayPercent: z.number().nullable(),
    /** Screens locked by the idle policy, and by a teacher, as the agents reported them. */
    idleLocks: reportCellSchema,
    teacherLocks: reportCellSchema,
  }),
  byCategory: z.array(governorsReportRowSchema),
  bySeverity: z.array(governorsReportRowSchema),
  byRoom: z.array(governorsReportRowSchema),
  byYearGroup: z.array(governorsReportRowSchema),
  byOutcome: z.array(governorsReportRowSchema),
  /** Data protection housekeeping in the period (collector-wide, not per site). */
  retention: z.object({
    purgeRuns: z.number().int().nonnegative(),
    /** Rows deleted by the retention purge, by kind (activity spans, alerts, screenshots …). */
    rowsPurged: z.record(z.string(), z.number().int().nonnegative()),
    /** Alerts put under legal hold in the period, and held now (suppressed like other counts). */
    legalHoldsPlaced: reportCellSchema,
    legalHoldsNow: reportCellSchema,
  }),
  /** The suppression rule in words, printed on the report. */
  suppressionNote: z.string(),
});
export type GovernorsReport = z.infer<typeof governorsReportSchema>;

/** GET /api/reports/sites → the sites the user may report on. */
export const reportSitesResponseSchema = z.object({ sites: z.array(z.object({ id: z.string(), name: z.string() })) });
export type ReportSitesResponse = z.infer<typeof reportSitesResponseSchema>;

// ── Scheduled e-mail of the governors' report (admin) ─────────────────────────────────

export const reportFrequencySchema = z.enum(['monthly', 'termly']);
export type ReportFrequencyName = z.infer<typeof reportFrequencySchema>;

export const reportScheduleSchema = z.object({
  id: z.string(),
  siteId: z.string().nullable(),
  siteName: z.string(),
  recipients: z.array(z.string()),
  frequency: reportFrequencySchema,
  threshold: z.number().int(),
  nextRunAt: z.string(),
  lastRunAt: z.string().nullable(),
  lastError: z.string().nullable(),
});
export type ReportSchedule = z.infer<typeof reportScheduleSchema>;

export const reportSchedulesResponseSchema = z.object({ schedules: z.array(reportScheduleSchema) });
export type ReportSchedulesResponse = z.infer<typeof reportSchedulesResponseSchema>;

/** POST /api/reports/schedules: who gets it, how often, for which site (null: every site). */
export const createReportScheduleRequestSchema = z.strictObject({
  recipients: z.array(z.email().max(254)).min(1).max(20),
  frequency: reportFrequencySchema,
  siteId: z.string().min(1).max(64).nullable(),
  threshold: z.number().int().min(5).max(50).optional(),
});
export type CreateReportScheduleRequest = z.infer<typeof createReportScheduleRequestSchema>;

/** POST /api/reports/schedules/:scheduleId/send → the period just sent. */
export const reportSentResponseSchema = z.object({ from: z.string(), to: z.string(), recipients: z.number().int() });
export type ReportSentResponse = z.infer<typeof reportSentResponseSchema>;
