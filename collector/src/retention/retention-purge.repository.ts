import pg from 'pg';

// The purge's SQL, one short transaction per batch so ingest and triage never wait
// long behind it. Raw SQL because each step leans on PostgreSQL specifics (partitions,
// SKIP LOCKED, re-checks under row locks) that read more plainly than a builder chain.

async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await work(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

// ── activity ──────────────────────────────────────────────────────────────────────

const partitionNamePattern = /^activity_spans_p(\d{4})(\d{2})$/;

/** A monthly partition of activity_spans and the instant its month ends (UTC). */
export interface MonthPartition {
  readonly name: string;
  readonly end: Date;
}

/** The monthly partitions (named `activity_spans_pYYYYMM` by migration 0001), oldest first. */
export async function activityMonthPartitions(pool: pg.Pool): Promise<MonthPartition[]> {
  const result = await pool.query<{ name: string }>(
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'activity_spans'::regclass order by c.relname`,
  );
  const partitions: MonthPartition[] = [];
  for (const { name } of result.rows) {
    const match = partitionNamePattern.exec(name);
    if (match === null) continue; // the default partition: its rows go one by one
    partitions.push({ name, end: new Date(Date.UTC(Number(match[1]), Number(match[2]), 1)) });
  }
  return partitions;
}

/**
 * Detaches and drops one whole month, returning how many spans went with it. Detaching
 * needs a brief exclusive lock on activity_spans (ingest waits for it), so the rows are
 * counted first, outside that lock, and the locked part is only DETACH + DROP;
 * `lockTimeoutMs` bounds the wait for the lock, and a timeout throws so the caller
 * falls back to deleting rows and tries the drop again next run.
 */
export async function dropActivityPartition(pool: pg.Pool, name: string, lockTimeoutMs: number): Promise<number> {
  const counted = await pool.query<{ n: number }>(`select count(*)::int as n from ${pg.escapeIdentifier(name)}`);
  await inTransaction(pool, async (client) => {
    const table = client.escapeIdentifier(name);
    await client.query(`set local lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    await client.query(`alter table activity_spans detach partition ${table}`);
    await client.query(`drop table ${table}`);
  });
  return counted.rows[0]?.n ?? 0;
}

/** Deletes up to `limit` spans that started before `cutoff`; the count deleted. */
export async function deleteActivityBatch(pool: pg.Pool, cutoff: Date, limit: number): Promise<number> {
  const result = await pool.query(
    `delete from activity_spans where (id, started_at) in (
       select id, started_at from activity_spans where started_at < $1 limit $2)`,
    [cutoff, limit],
  );
  return result.rowCount ?? 0;
}

// ── alerts and false positives ───────────────────────────────────────────────────────

export interface AlertBatchResult {
  readonly alerts: number;
  /** Their history rows, gone with them (ON DELETE CASCADE). */
  readonly alertEvents: number;
}

/**
 * Deletes up to `limit` alerts in `status` (resolved, or dismissed for false positives)
 * that are not under legal hold and were both received and last changed before
 * `cutoff`: retention runs from when a case was closed, so one closed yesterday after
 * a long investigation is not wiped the same day. Rows someone is changing right now
 * (a legal hold being set) are skipped, not waited for, and re-checked under the lock.
 */
export async function deleteClosedAlertsBatch(pool: pg.Pool, status: 'resolved' | 'dismissed', cutoff: Date, limit: number): Promise<AlertBatchResult> {
  return inTransaction(pool, async (client) => {
    const candidates = await client.query<{ id: string }>(
      `select id from alerts
        where status = $1 and not legal_hold and received_at < $2 and coalesce(status_changed_at, received_at) < $2
        order by received_at limit $3 for update skip locked`,
      [status, cutoff, limit],
    );
    if (candidates.rows.length === 0) return { alerts: 0, alertEvents: 0 };
    const ids = candidates.rows.map((row) => row.id);
    const events = await client.query<{ n: number }>('select count(*)::int as n from alert_events where alert_id = any($1::text[])', [ids]);
    const deleted = await client.query('delete from alerts where id = any($1::text[]) and not legal_hold and status = $2', [ids, status]);
    return { alerts: deleted.rowCount ?? 0, alertEvents: events.rows[0]?.n ?? 0 };
  });
}

// ── screenshots ────────────────────────────────────────────────────────────────────

export interface ScreenshotBatchCutoffs {
  /** Closed alerts last changed before this no longer need their image (the screenshots period). */
  readonly closedBefore: Date;
  /** Only screenshots stored before this (the orphan grace: bytes may precede their alert). */
  readonly storedBefore: Date;
}

// The screenshot is still needed by some alert: one under legal hold, one still open,
// or a closed one inside the screenshots period. (Unreferenced screenshots need nothing.)
const stillNeeded = `exists (
  select 1 from alerts a where a.screenshot_sha256 = s.sha256
    and (a.legal_hold or a.status not in ('resolved', 'dismissed')
         or a.received_at >= $1 or coalesce(a.status_changed_at, a.received_at) >= $1))`;

/**
 * Deletes up to `limit` screenshot rows that are not under legal hold, were stored
 * before the grace cutoff and no alert still needs, and returns their sha256s: the
 * caller then deletes the blobs (after COMMIT, so a rollback can never leave a row
 * whose bytes are gone). The need is checked again by the DELETE itself, under the row
 * locks and with a fresh snapshot, so a legal hold committed meanwhile always wins.
 */
export async function deleteScreenshotsBatch(pool: pg.Pool, cutoffs: ScreenshotBatchCutoffs, limit: number): Promise<string[]> {
  return inTransaction(pool, async (client) => {
    const candidates = await client.query<{ sha256: string }>(
      `select s.sha256 from screenshots s
        where not s.legal_hold and s.stored_at < $2 and not ${stillNeeded}
        order by s.stored_at limit $3 for update of s skip locked`,
      [cutoffs.closedBefore, cutoffs.storedBefore, limit],
    );
    if (candidates.rows.length === 0) return [];
    const deleted = await client.query<{ sha256: string }>(
      `delete from screenshots s where s.sha256 = any($2::text[]) and not s.legal_hold and not ${stillNeeded} returning s.sha256`,
      [cutoffs.closedBefore, candidates.rows.map((row) => row.sha256)],
    );
    return deleted.rows.map((row) => row.sha256);
  });
}

/** Of `sha256s`, those that have a screenshots row (again: re-uploaded since). */
export async function screenshotsPresent(pool: pg.Pool, sha256s: readonly string[]): Promise<Set<string>> {
  if (sha256s.length === 0) return new Set();
  const result = await pool.query<{ sha256: string }>('select sha256 from screenshots where sha256 = any($1::text[])', [sha256s]);
  return new Set(result.rows.map((row) => row.sha256));
}

// ── idle / lock events, sessions ──────────────────────────────────────────────────────

/** Deletes up to `limit` idle / lock transitions from before `cutoff` (by the agent's `at`, which is indexed). */
export async function deleteIdleLockBatch(pool: pg.Pool, cutoff: Date, limit: number): Promise<number> {
  const result = await pool.query('delete from idle_lock_events where id in (select id from idle_lock_events where at < $1 limit $2)', [cutoff, limit]);
  return result.rowCount ?? 0;
}

/**
 * Deletes up to `limit` console sessions that ran out before `cutoff`: past their
 * absolute expiry, or idle (last seen more than `idleMs` before it). A live session is
 * never touched, whatever the period.
 */
export async function deleteSessionsBatch(pool: pg.Pool, cutoff: Date, idleMs: number, limit: number): Promise<number> {
  const idleCutoff = new Date(cutoff.getTime() - idleMs);
  const result = await pool.query('delete from sessions where id_hash in (select id_hash from sessions where expires_at < $1 or last_seen_at < $2 limit $3)', [
    cutoff,
    idleCutoff,
    limit,
  ]);
  return result.rowCount ?? 0;
}
