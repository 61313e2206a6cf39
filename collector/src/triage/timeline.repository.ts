import type { TimelineItem, TimelineResponse } from '@vigil/shared/console';
import { and, asc, eq, gt, gte, lt, lte } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { activitySpans, alerts } from '../db/schema/index.ts';
import { alertScopeCondition, type AlertScope } from './alert-scope.ts';

/** How far either side of the alert the timeline reaches. */
export const TIMELINE_MINUTES = 30;
/** Spans are merged window by window; none should last longer than a school day. */
const LONGEST_SPAN_MS = 24 * 3_600_000;
const MAX_ITEMS_EACH = 500;

/**
 * What the same device was doing around an alert: the window spans overlapping
 * [ts − 30 min, ts + 30 min] and the device's alerts in it (the alert itself included),
 * in time order. `started_at` is bounded below too, so only the month partitions that
 * can hold such spans are read.
 */
export async function timelineAround(db: Db, scope: AlertScope, alert: { deviceId: string; ts: Date }): Promise<TimelineResponse> {
  const from = new Date(alert.ts.getTime() - TIMELINE_MINUTES * 60_000);
  const to = new Date(alert.ts.getTime() + TIMELINE_MINUTES * 60_000);
  const spans = await db
    .select()
    .from(activitySpans)
    .where(
      and(
        eq(activitySpans.deviceId, alert.deviceId),
        lt(activitySpans.startedAt, to),
        gt(activitySpans.endedAt, from),
        gte(activitySpans.startedAt, new Date(from.getTime() - LONGEST_SPAN_MS)),
      ),
    )
    .orderBy(asc(activitySpans.startedAt), asc(activitySpans.id))
    .limit(MAX_ITEMS_EACH);
  const nearby = await db
    .select({ id: alerts.id, ts: alerts.ts, term: alerts.term, category: alerts.category, severity: alerts.severity, status: alerts.status })
    .from(alerts)
    .where(and(eq(alerts.deviceId, alert.deviceId), gte(alerts.ts, from), lte(alerts.ts, to), alertScopeCondition(scope)))
    .orderBy(asc(alerts.ts), asc(alerts.id))
    .limit(MAX_ITEMS_EACH);
  const items: { at: number; item: TimelineItem }[] = [
    ...spans.map((span) => ({
      at: span.startedAt.getTime(),
      item: {
        kind: 'activity' as const,
        id: span.id,
        start: span.startedAt.toISOString(),
        end: span.endedAt.toISOString(),
        app: span.app,
        title: span.title ?? '',
        url: span.url,
        osUser: span.osUser,
      },
    })),
    ...nearby.map((row) => ({
      at: row.ts.getTime(),
      item: { kind: 'alert' as const, id: row.id, ts: row.ts.toISOString(), term: row.term, category: row.category, severity: row.severity, status: row.status },
    })),
  ];
  // Stable: for equal instants, the span (what was on screen) before the alert it led to.
  items.sort((a, b) => a.at - b.at);
  return { items: items.map(({ item }) => item), from: from.toISOString(), to: to.toISOString() };
}
