import type pg from 'pg';
import type { NewAlertFacts } from '../alert-feed/alert-feed.ts';
import type { Delivery, NotificationChannel, NotificationReason } from './notification-routing.ts';

// The durable outbox (notification_outbox) and the routed-marker table, in SQL: claiming
// with SKIP LOCKED and a lease is what lets several collectors share one queue.

export interface ClaimedMessage {
  readonly id: number;
  readonly alertId: string;
  readonly reason: NotificationReason;
  readonly channel: NotificationChannel;
  readonly target: string;
  /** Counting this one. */
  readonly attempts: number;
}

/**
 * Records each alert as routed and enqueues its deliveries, in one transaction. An alert
 * already routed (by this or another collector, or before a restart) enqueues nothing.
 * Returns the number of messages enqueued.
 */
export async function routeAlerts(pool: pg.Pool, routed: ReadonlyArray<{ alertId: string; deliveries: readonly Delivery[] }>): Promise<number> {
  if (routed.length === 0) return 0;
  const client = await pool.connect();
  try {
    await client.query('begin');
    const marked = await client.query<{ alert_id: string }>(
      `insert into notification_routed (alert_id) select unnest($1::text[]) on conflict do nothing returning alert_id`,
      [routed.map((one) => one.alertId)],
    );
    const fresh = new Set(marked.rows.map((row) => row.alert_id));
    const rows = routed.filter((one) => fresh.has(one.alertId)).flatMap((one) => one.deliveries.map((delivery) => ({ alertId: one.alertId, ...delivery })));
    let enqueued = 0;
    if (rows.length > 0) {
      const result = await client.query(
        `insert into notification_outbox (alert_id, reason, channel, target)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[]) on conflict do nothing`,
        [rows.map((row) => row.alertId), rows.map((row) => row.reason), rows.map((row) => row.channel), rows.map((row) => row.target)],
      );
      enqueued = result.rowCount ?? 0;
    }
    await client.query('commit');
    return enqueued;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Alerts received since `since` that no collector has routed (e.g. it stopped between ingest and routing). */
export async function unroutedAlerts(pool: pg.Pool, since: Date, limit = 500): Promise<NewAlertFacts[]> {
  const { rows } = await pool.query<{ id: string; device_id: string; site_id: string; room_id: string | null; category: string; severity: number; ts: Date }>(
    `select a.id, a.device_id, a.site_id, a.room_id, a.category, a.severity, a.ts from alerts a
      where a.received_at >= $1 and not exists (select 1 from notification_routed r where r.alert_id = a.id)
      order by a.received_at limit $2`,
    [since, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    deviceId: row.device_id,
    siteId: row.site_id,
    roomId: row.room_id,
    category: row.category,
    severity: row.severity,
    ts: row.ts.toISOString(),
  }));
}

/**
 * Enqueues the unacted escalation for every alert of severity ≥ `minSeverity` still `new`
 * `minutes` after it arrived (looking back one day further, so an outage of the collector
 * is caught up). The outbox's unique key is the "already told" marker.
 */
export async function enqueueUnacted(pool: pg.Pool, delivery: Delivery, options: { minSeverity: number; minutes: number; now: Date }): Promise<number> {
  const result = await pool.query(
    `insert into notification_outbox (alert_id, reason, channel, target)
     select a.id, $1, $2, $3 from alerts a
      where a.status = 'new' and a.severity >= $4
        and a.received_at <= $5::timestamptz - make_interval(mins => $6)
        and a.received_at > $5::timestamptz - make_interval(mins => $6) - interval '1 day'
     on conflict do nothing`,
    [delivery.reason, delivery.channel, delivery.target, options.minSeverity, options.now, options.minutes],
  );
  return result.rowCount ?? 0;
}

/** Takes up to `limit` due messages for `leaseMs` (another collector skips them meanwhile). */
export async function claimDue(pool: pg.Pool, limit: number, now: Date, leaseMs: number): Promise<ClaimedMessage[]> {
  const { rows } = await pool.query<{
    id: string;
    alert_id: string;
    reason: NotificationReason;
    channel: NotificationChannel;
    target: string;
    attempts: number;
  }>(
    `update notification_outbox o set attempts = o.attempts + 1, locked_until = $2::timestamptz + make_interval(secs => $3 / 1000.0)
      where o.id in (
        select id from notification_outbox
         where state = 'pending' and next_attempt_at <= $2 and (locked_until is null or locked_until <= $2)
         order by next_attempt_at, id limit $1 for update skip locked)
      returning o.id, o.alert_id, o.reason, o.channel, o.target, o.attempts`,
    [limit, now, leaseMs],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    alertId: row.alert_id,
    reason: row.reason,
    channel: row.channel,
    target: row.target,
    attempts: row.attempts,
  }));
}

export async function markSent(pool: pg.Pool, id: number, now: Date): Promise<void> {
  await pool.query(`update notification_outbox set state = 'sent', sent_at = $2, last_attempt_at = $2, locked_until = null where id = $1`, [id, now]);
}

/** A failed attempt: retried at `retryAt`, or given up (`failed`) when `retryAt` is null. */
export async function markAttemptFailed(pool: pg.Pool, id: number, error: string, now: Date, retryAt: Date | null): Promise<void> {
  await pool.query(
    `update notification_outbox set last_error = $2, last_attempt_at = $3, first_failed_at = coalesce(first_failed_at, $3), locked_until = null,
            state = case when $4::timestamptz is null then 'failed' else 'pending' end, next_attempt_at = coalesce($4::timestamptz, next_attempt_at)
      where id = $1`,
    [id, error.slice(0, 500), now, retryAt],
  );
}

export interface ChannelRow {
  readonly channel: NotificationChannel;
  readonly target: string;
  readonly queued: number;
  readonly lastSuccessAt: Date | null;
  readonly failingSince: Date | null;
  readonly lastError: string | null;
}

/**
 * Per channel (e-mail as one channel, each webhook its own) over the last day: messages
 * waiting, the last success, and — when the newest attempt failed — since when it has
 * been failing and the last error.
 */
export async function channelRows(pool: pg.Pool, now: Date): Promise<ChannelRow[]> {
  const { rows } = await pool.query<{
    channel: NotificationChannel;
    target: string;
    queued: string;
    last_ok: Date | null;
    failing_since: Date | null;
    last_error: string | null;
  }>(
    `with recent as (
       select case when channel = 'email' then 'email' else target end as target, channel, state, sent_at, last_error, first_failed_at, last_attempt_at
         from notification_outbox where created_at > $1::timestamptz - interval '1 day'),
     ok as (select target, channel, max(sent_at) as last_ok from recent group by target, channel)
     select r.channel, r.target,
            count(*) filter (where r.state = 'pending') as queued,
            ok.last_ok,
            min(r.first_failed_at) filter (where r.last_error is not null and r.state <> 'sent' and (ok.last_ok is null or r.last_attempt_at > ok.last_ok)) as failing_since,
            (array_agg(r.last_error order by r.last_attempt_at desc nulls last) filter (where r.last_error is not null and r.state <> 'sent' and (ok.last_ok is null or r.last_attempt_at > ok.last_ok)))[1] as last_error
       from recent r join ok on ok.target = r.target and ok.channel = r.channel
      group by r.channel, r.target, ok.last_ok
      order by r.channel, r.target`,
    [now],
  );
  return rows.map((row) => ({
    channel: row.channel,
    target: row.target,
    queued: Number(row.queued),
    lastSuccessAt: row.last_ok,
    failingSince: row.failing_since,
    lastError: row.last_error,
  }));
}
