import type { RetentionDataClass } from '../db/schema/index.ts';

const hour = 60 * 60_000;

/**
 * Days each data class is kept while the school has not set its own period
 * (`retention_settings` has no row for it). UK GDPR's storage limitation asks for "no
 * longer than necessary"; these are the shortest periods that still serve a school's
 * safeguarding work, and the DSL / DPO can lengthen or shorten them from the console.
 */
export const defaultRetentionDays: Readonly<Record<RetentionDataClass, number>> = Object.freeze({
  // Every window title and URL of every pupil: the most intrusive data and the least
  // needed once an alert has been triaged. Thirty days covers an alert looked at late
  // (after a half-term break) and a "what happened in that lesson" question.
  activity: 30,
  // Closed safeguarding alerts (resolved): a full school year, so patterns across terms
  // and the governors' annual monitoring review can be seen. The record of a concern
  // itself lives in CPOMS / MyConcern under the school's own (much longer) schedule;
  // open alerts (new, in review, escalated) are never purged whatever their age.
  alerts: 365,
  // Screenshots of closed alerts: as long as the alert they are evidence for. Set it
  // shorter to keep less imagery than alert text; it can never outlive its alerts.
  screenshots: 365,
  // Dismissed alerts: nothing happened, so keep them only long enough to review the
  // dismissals and tune the word lists (a month), then stop holding data on a child
  // about something that was not a concern.
  'false-positives': 30,
  // Idle and screen-lock transitions: operational (did the idle lock work, when was
  // a PC left unlocked); a month answers those questions.
  'idle-lock-events': 30,
  // Console sessions after they ran out (their IP and browser): a month for looking
  // into misuse of a staff account. Sign-ins themselves stay in the audit log.
  sessions: 30,
  // Pupils who left (missing from a full MIS import): a year, so the DSL can still see
  // whose alerts they were while a concern that follows a child is passed on; then the
  // directory forgets them (their alerts stay, under the alert classes' own periods).
  'pupil-leavers': 365,
});

/** The purge runs this long after start-up (let migrations, agents' reconnect storm and ingest settle)… */
export const defaultPurgeStartDelayMs = 2 * 60_000;
/** …and then this often. */
export const defaultPurgeIntervalMs = 6 * hour;
/** Rows per DELETE, each in its own short transaction, so no lock is held for long. */
export const defaultPurgeBatchSize = 5_000;
/**
 * A screenshot no alert refers to is kept this long: the bytes can arrive before the
 * alert that will refer to them (they travel separately and either may be retried).
 */
export const defaultOrphanScreenshotGraceMs = 24 * hour;
