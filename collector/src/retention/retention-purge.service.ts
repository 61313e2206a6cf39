import type { FastifyBaseLogger as Logger } from 'fastify';
import { auditActor, type Actor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { sessionIdleMs } from '../auth/session.repository.ts';
import type { Database } from '../db/database.ts';
import { ensureMonthlyPartitions } from '../db/partitions.ts';
import { deleteLeaversBefore } from '../pupils/pupils.repository.ts';
import type { RetentionDataClass } from '../db/schema/index.ts';
import type { BlobStore } from '../evidence/blob-store.ts';
import { defaultOrphanScreenshotGraceMs, defaultPurgeBatchSize, defaultRetentionDays } from './retention-defaults.ts';
import {
  activityMonthPartitions,
  deleteActivityBatch,
  deleteClosedAlertsBatch,
  deleteIdleLockBatch,
  deleteScreenshotsBatch,
  deleteSessionsBatch,
  dropActivityPartition,
  screenshotsPresent,
} from './retention-purge.repository.ts';
import { purgeAuditAction, readRetentionRules } from './retention-settings.repository.ts';

const dayMs = 24 * 60 * 60_000;

/** What started a run: the first run after start-up, the 6-hourly timer, or an admin. */
export type PurgeTrigger = 'startup' | 'schedule' | 'manual';

/** Rows (and files) one run removed. */
export interface PurgeCounts {
  activitySpans: number;
  /** Whole monthly partitions dropped (their spans are counted in activitySpans). */
  activityPartitions: number;
  /** Resolved alerts (the `alerts` class). */
  alerts: number;
  /** Dismissed alerts (the `false-positives` class). */
  falsePositives: number;
  /** History rows of those alerts, removed with them. */
  alertEvents: number;
  screenshots: number;
  /** Screenshot files removed from the blob store. */
  blobs: number;
  idleLockEvents: number;
  sessions: number;
  /** Pupils deleted from the directory (left longer ago than the `pupil-leavers` period). */
  pupilLeavers: number;
}

export interface PurgeReport {
  readonly trigger: PurgeTrigger;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Rows older than these instants were eligible, per class. */
  readonly cutoffs: Readonly<Record<RetentionDataClass, string>>;
  readonly deleted: Readonly<PurgeCounts>;
  /** Classes finished in full. */
  readonly purged: readonly RetentionDataClass[];
  /** Classes skipped because the whole class is under legal hold. */
  readonly held: readonly RetentionDataClass[];
  /** What went wrong, one line each (the run carries on with the other classes). */
  readonly errors: readonly string[];
}

export type PurgeOutcome = { readonly ran: true; readonly report: PurgeReport } | { readonly ran: false; readonly reason: 'busy' };

export interface RetentionPurgeOptions {
  /** `ownerPool` makes and drops the monthly partitions (that needs the schema owner); the rest is `pool`. */
  readonly database: Pick<Database, 'db' | 'pool' | 'ownerPool'>;
  readonly blobs: BlobStore;
  readonly log: Logger;
  readonly now?: () => Date;
  /** Rows per DELETE (default 5,000). */
  readonly batchSize?: number;
  /** How long a screenshot no alert refers to is kept (default 24 h). */
  readonly orphanScreenshotGraceMs?: number;
  /** Longest wait for the lock that detaching a month of activity needs (default 2 s). */
  readonly partitionLockTimeoutMs?: number;
}

/**
 * Several collectors can share one database: only the one holding this advisory lock
 * purges. Exported for tests that play another collector.
 */
export const purgeLockKey = 0x76_72_65_74; // "vret"

/**
 * The retention purge: deletes what each class's period (retention_settings, or the
 * defaults) no longer allows, in batches, and writes one `retention.purge` audit entry
 * with the counts. It never deletes an alert under legal hold, an open alert, or a
 * screenshot such an alert refers to; the audit log is never touched (append-only).
 */
export class RetentionPurge {
  readonly #database: Pick<Database, 'db' | 'pool' | 'ownerPool'>;
  readonly #blobs: BlobStore;
  readonly #log: Logger;
  readonly #now: () => Date;
  readonly #batchSize: number;
  readonly #orphanGraceMs: number;
  readonly #partitionLockTimeoutMs: number;
  #running = false;
  #lastReport: PurgeReport | undefined;
  #lastFailure: { readonly at: Date; readonly message: string } | undefined;

  constructor(options: RetentionPurgeOptions) {
    this.#database = options.database;
    this.#blobs = options.blobs;
    this.#log = options.log;
    this.#now = options.now ?? (() => new Date());
    this.#batchSize = options.batchSize ?? defaultPurgeBatchSize;
    this.#orphanGraceMs = options.orphanScreenshotGraceMs ?? defaultOrphanScreenshotGraceMs;
    this.#partitionLockTimeoutMs = options.partitionLockTimeoutMs ?? 2_000;
  }

  get running(): boolean {
    return this.#running;
  }

  /** The last run this collector finished, if any. */
  get lastReport(): PurgeReport | undefined {
    return this.#lastReport;
  }

  /** The last run that could not finish at all (database unreachable …), if any. */
  get lastFailure(): { readonly at: Date; readonly message: string } | undefined {
    return this.#lastFailure;
  }

  /** One run; `busy` when a run is already going here or on another collector. */
  async run(trigger: PurgeTrigger, actor: Actor): Promise<PurgeOutcome> {
    if (this.#running) return { ran: false, reason: 'busy' };
    this.#running = true;
    try {
      const outcome = await this.#runUnderLock(trigger, actor);
      if (outcome.ran) {
        this.#lastReport = outcome.report;
        this.#lastFailure = undefined;
      }
      return outcome;
    } catch (error) {
      this.#lastFailure = { at: this.#now(), message: error instanceof Error ? error.message : String(error) };
      throw error;
    } finally {
      this.#running = false;
    }
  }

  async #runUnderLock(trigger: PurgeTrigger, actor: Actor): Promise<PurgeOutcome> {
    // A session-level advisory lock on a connection of its own, held for the whole run
    // (which uses other connections, one short transaction per batch).
    const lock = await this.#database.pool.connect();
    try {
      const acquired = await lock.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [purgeLockKey]);
      if (acquired.rows[0]?.ok !== true) return { ran: false, reason: 'busy' };
      try {
        return { ran: true, report: await this.#purge(trigger, actor) };
      } finally {
        await lock.query('select pg_advisory_unlock($1)', [purgeLockKey]);
      }
    } finally {
      lock.release();
    }
  }

  async #purge(trigger: PurgeTrigger, actor: Actor): Promise<PurgeReport> {
    const startedAt = this.#now();
    const rules = await readRetentionRules(this.#database.db);
    const ruleOf = (dataClass: RetentionDataClass) => rules.find((rule) => rule.dataClass === dataClass);
    const cutoff = (dataClass: RetentionDataClass): Date =>
      new Date(startedAt.getTime() - (ruleOf(dataClass)?.days ?? defaultRetentionDays[dataClass]) * dayMs);
    const deleted: PurgeCounts = {
      activitySpans: 0,
      activityPartitions: 0,
      alerts: 0,
      falsePositives: 0,
      alertEvents: 0,
      screenshots: 0,
      blobs: 0,
      idleLockEvents: 0,
      sessions: 0,
      pupilLeavers: 0,
    };
    const purged: RetentionDataClass[] = [];
    const held: RetentionDataClass[] = [];
    const errors: string[] = [];

    // Alerts before screenshots: screenshots this run orphans go in the same run.
    const steps: ReadonlyArray<readonly [RetentionDataClass, () => Promise<void>]> = [
      ['activity', () => this.#purgeActivity(cutoff('activity'), deleted, errors)],
      ['alerts', () => this.#purgeAlerts('resolved', cutoff('alerts'), deleted)],
      ['false-positives', () => this.#purgeAlerts('dismissed', cutoff('false-positives'), deleted)],
      ['screenshots', () => this.#purgeScreenshots(cutoff('screenshots'), new Date(startedAt.getTime() - this.#orphanGraceMs), deleted, errors)],
      [
        'idle-lock-events',
        () =>
          this.#batches(
            (limit) => deleteIdleLockBatch(this.#database.pool, cutoff('idle-lock-events'), limit),
            (n) => (deleted.idleLockEvents += n),
          ),
      ],
      [
        'sessions',
        () =>
          this.#batches(
            (limit) => deleteSessionsBatch(this.#database.pool, cutoff('sessions'), sessionIdleMs, limit),
            (n) => (deleted.sessions += n),
          ),
      ],
      ['pupil-leavers', async () => void (deleted.pupilLeavers += await deleteLeaversBefore(this.#database.db, cutoff('pupil-leavers')))],
    ];
    for (const [dataClass, step] of steps) {
      if (ruleOf(dataClass)?.legalHold === true) {
        held.push(dataClass);
        continue;
      }
      const errorsBefore = errors.length;
      try {
        await step();
      } catch (error) {
        errors.push(`${dataClass}: ${error instanceof Error ? error.message : String(error)}`);
        this.#log.error({ err: error, dataClass }, 'retention purge failed for a data class');
      }
      if (errors.length === errorsBefore) purged.push(dataClass);
    }

    const report: PurgeReport = {
      trigger,
      startedAt: startedAt.toISOString(),
      finishedAt: this.#now().toISOString(),
      cutoffs: Object.fromEntries(rules.map((rule) => [rule.dataClass, cutoff(rule.dataClass).toISOString()])) as Record<RetentionDataClass, string>,
      deleted,
      purged,
      held,
      errors,
    };
    await appendAudit(this.#database.db, {
      ...auditActor(actor),
      action: purgeAuditAction,
      targetType: 'retention',
      targetId: 'purge',
      detail: { ...report },
    });
    this.#log.info({ trigger, deleted, held, errors: errors.length }, 'retention purge finished');
    return report;
  }

  /** Runs `batch` until it deletes fewer than a full batch. */
  async #batches(batch: (limit: number) => Promise<number>, add: (count: number) => void): Promise<void> {
    for (;;) {
      const count = await batch(this.#batchSize);
      add(count);
      if (count < this.#batchSize) return;
    }
  }

  async #purgeActivity(cutoff: Date, deleted: PurgeCounts, errors: string[]): Promise<void> {
    // Partitions are the owner's (creating or dropping one needs ownership of
    // activity_spans); rows the collector's own role may delete.
    const { pool, ownerPool } = this.#database;
    // The retention job keeps the coming months' partitions made (partitions.ts), so
    // ingest never falls into the default partition in normal operation. Not last
    // month's (start-up makes that): re-creating a month this loop is about to drop
    // would churn an empty table every run.
    await ensureMonthlyPartitions(ownerPool, this.#now(), 0, 2);
    for (const partition of await activityMonthPartitions(ownerPool)) {
      if (partition.end.getTime() > cutoff.getTime()) continue;
      try {
        deleted.activitySpans += await dropActivityPartition(ownerPool, partition.name, this.#partitionLockTimeoutMs);
        deleted.activityPartitions += 1;
      } catch (error) {
        // Most likely the lock wait timed out under heavy ingest: the next run retries.
        // Meanwhile the rows go one batch at a time below.
        errors.push(`activity: could not drop ${partition.name}: ${error instanceof Error ? error.message : String(error)}`);
        this.#log.warn({ err: error, partition: partition.name }, 'could not drop an activity partition');
      }
    }
    await this.#batches(
      (limit) => deleteActivityBatch(pool, cutoff, limit),
      (n) => (deleted.activitySpans += n),
    );
  }

  async #purgeAlerts(status: 'resolved' | 'dismissed', cutoff: Date, deleted: PurgeCounts): Promise<void> {
    for (;;) {
      const batch = await deleteClosedAlertsBatch(this.#database.pool, status, cutoff, this.#batchSize);
      if (status === 'resolved') deleted.alerts += batch.alerts;
      else deleted.falsePositives += batch.alerts;
      deleted.alertEvents += batch.alertEvents;
      if (batch.alerts < this.#batchSize) return;
    }
  }

  async #purgeScreenshots(closedBefore: Date, storedBefore: Date, deleted: PurgeCounts, errors: string[]): Promise<void> {
    for (;;) {
      const sha256s = await deleteScreenshotsBatch(this.#database.pool, { closedBefore, storedBefore }, this.#batchSize);
      deleted.screenshots += sha256s.length;
      // Bytes that were uploaded again since the row went (a new alert's identical
      // capture) belong to the new row now: leave them.
      const adopted = await screenshotsPresent(this.#database.pool, sha256s);
      for (const sha256 of sha256s) {
        if (adopted.has(sha256)) continue;
        try {
          if (await this.#blobs.delete(sha256)) deleted.blobs += 1;
        } catch (error) {
          errors.push(`screenshots: could not delete blob ${sha256}: ${error instanceof Error ? error.message : String(error)}`);
          this.#log.warn({ err: error, sha256 }, 'could not delete a screenshot blob');
        }
      }
      if (sha256s.length < this.#batchSize) return;
    }
  }
}
