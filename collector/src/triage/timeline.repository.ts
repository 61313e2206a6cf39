import type { TimelineItem, TimelineResponse } from '@vigil/shared/console';
import { and, asc, eq, gt, gte, lt, lte } from 'drizzle-orm';
import type { AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { activitySpans, alerts } from '../db/schema/index.ts';
import { mayReadText, redactText, textAccessFor, WITHHELD_TEXT } from './alert-redaction.ts';
import { alertScopeCondition, type AlertScope } from './alert-scope.ts';
import type { CategoryCatalog } from './category-catalog.ts';

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
 *
 * Withheld (alert-redaction.ts): a restricted alert's term unless the caller revealed it,
 * and the app, title, URL and OS user of every span within 30 minutes of a restricted
 * alert of this device the caller has not revealed — the pages around a disclosure say
 * what it was. Those restricted alerts are looked for on the device whatever the
 * caller's scope (fail closed).
 */
export async function timelineAround(
  db: Db,
  caller: { user: Pick<AuthUser, 'id' | 'role'>; scope: AlertScope },
  alert: { deviceId: string; ts: Date },
  catalog: CategoryCatalog,
): Promise<TimelineResponse> {
  const { scope } = caller;
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
  const reach = TIMELINE_MINUTES * 60_000;
  const around = await db
    .select({ id: alerts.id, ts: alerts.ts, category: alerts.category })
    .from(alerts)
    .where(and(eq(alerts.deviceId, alert.deviceId), gte(alerts.ts, new Date(from.getTime() - reach)), lte(alerts.ts, new Date(to.getTime() + reach))));
  const access = await textAccessFor(db, caller.user, [...around, ...nearby], catalog);
  const hiddenAt = around.filter((row) => !mayReadText(access, row, catalog)).map((row) => row.ts.getTime());
  const nearHidden = (start: Date, end: Date) => hiddenAt.some((at) => start.getTime() < at + reach && end.getTime() > at - reach);
  const items: { at: number; item: TimelineItem }[] = [
    ...spans.map((span) => {
      const text = redactText(
        { term: null, context: null, windowTitle: span.title ?? '', app: span.app, url: span.url, osUser: span.osUser, terms: null },
        !nearHidden(span.startedAt, span.endedAt),
      );
      return {
        at: span.startedAt.getTime(),
        item: {
          kind: 'activity' as const,
          id: span.id,
          start: span.startedAt.toISOString(),
          end: span.endedAt.toISOString(),
          app: text.app,
          title: text.windowTitle,
          url: text.url,
          osUser: text.osUser,
          withheld: text.withheld,
        },
      };
    }),
    ...nearby.map((row) => {
      const text = redactText({ ...WITHHELD_TEXT, term: row.term }, mayReadText(access, row, catalog));
      return {
        at: row.ts.getTime(),
        item: {
          kind: 'alert' as const,
          id: row.id,
          ts: row.ts.toISOString(),
          term: text.term,
          category: row.category,
          severity: row.severity,
          status: row.status,
          withheld: text.withheld,
        },
      };
    }),
  ];
  // Stable: for equal instants, the span (what was on screen) before the alert it led to.
  items.sort((a, b) => a.at - b.at);
  return { items: items.map(({ item }) => item), from: from.toISOString(), to: to.toISOString() };
}
