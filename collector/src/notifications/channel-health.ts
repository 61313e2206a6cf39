import type { ChannelStatus } from '@vigil/shared/console';
import type pg from 'pg';
import type { Db } from '../db/database.ts';
import type { HealthCheckResult } from '../health/health-registry.ts';
import { channelRows } from './notification-outbox.repository.ts';
import { listWebhooks } from './notification-settings.repository.ts';

/** Each channel's state by name (`email`, `webhook "<name>"`): no address, URL or secret. */
export async function channelStatuses(db: Db, pool: pg.Pool, now: Date): Promise<ChannelStatus[]> {
  const [rows, webhooks] = await Promise.all([channelRows(pool, now), listWebhooks(db)]);
  const names = new Map(webhooks.map((webhook) => [webhook.id, webhook.name]));
  return rows.map((row) => ({
    channel: row.channel === 'email' ? 'email' : `webhook "${names.get(row.target) ?? 'removed'}"`,
    queued: row.queued,
    failing: row.failingSince !== null,
    failingSince: row.failingSince?.toISOString() ?? null,
    lastError: row.lastError,
    lastSuccessAt: row.lastSuccessAt?.toISOString() ?? null,
  }));
}

/** GET /health's `notifications` check: degraded while any channel's newest attempt failed. */
export function healthOf(statuses: readonly ChannelStatus[]): HealthCheckResult {
  const failing = statuses.filter((status) => status.failing);
  const queued = statuses.reduce((sum, status) => sum + status.queued, 0);
  if (failing.length === 0) return { status: 'ok', detail: `${queued} queued` };
  const parts = failing.map(
    (status) => `${status.channel} failing since ${status.failingSince ?? '?'} (${status.queued} queued): ${status.lastError ?? 'unknown error'}`,
  );
  return { status: 'degraded', detail: parts.join('; ') };
}
