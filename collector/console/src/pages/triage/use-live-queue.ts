import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { useAlertFeed } from '../../alert-feed/alert-feed.tsx';
import { filtersToAlertQuery, filtersToSearch, type AlertFilters } from './alert-filters.ts';
import { triageApi } from './triage-api.ts';
import type { AlertQueue } from './use-alert-queue.ts';

export interface LiveQueue {
  /** Alerts that now match the filters but are not shown yet ("3 new"). */
  readonly pending: number;
  /** Whether the console socket is connected (the queue is live). */
  readonly live: boolean;
  /** Shows the pending alerts (a reload that keeps the highlighted alert, see queue-page.tsx). */
  readonly showPending: () => void;
}

/** At most this many ids per look-up (GET /api/alerts?ids=… takes up to 200). */
const maxIds = 200;

/** What to do with the ids a feed message names, for the rows on screen. */
export function splitFeedIds(
  shown: ReadonlySet<string>,
  created: readonly string[],
  changed: readonly string[],
): { changedShown: string[]; maybeNew: string[] } {
  const changedShown = changed.filter((id) => shown.has(id));
  const maybeNew = [...new Set([...created, ...changed])].filter((id) => !shown.has(id));
  return { changedShown: changedShown.slice(0, maxIds), maybeNew: maybeNew.slice(0, maxIds) };
}

/**
 * Keeps an open queue live from WS /console/alerts without moving what is under the
 * cursor: rows on screen that changed are updated in place (their new status, assignee);
 * alerts that newly match the filters are counted, not inserted, until the user asks for
 * them. Alert content comes only from the (redacting) list API, never from the socket.
 */
export function useLiveQueue(queue: AlertQueue, filters: AlertFilters): LiveQueue {
  const feed = useAlertFeed();
  const key = filtersToSearch(filters);
  const [pending, setPending] = useState<ReadonlySet<string>>(new Set());
  const shown = useRef<ReadonlySet<string>>(new Set());
  shown.current = new Set(queue.alerts.map((alert) => alert.id));
  const filtersRef = useRef(filters);
  filtersRef.current = filters;
  const replace = useRef(queue.replace);
  replace.current = queue.replace;

  // A new filter set or a fresh load shows everything there is: nothing is pending.
  useEffect(() => {
    if (!queue.loading) setPending((previous) => (previous.size === 0 ? previous : new Set()));
  }, [key, queue.loading]);

  useEffect(
    () =>
      feed.subscribe((message) => {
        const { changedShown, maybeNew } = splitFeedIds(
          shown.current,
          message.created.map((alert) => alert.id),
          message.changed,
        );
        if (changedShown.length > 0) {
          // Rows on screen: their current state whatever the filters say now.
          void triageApi.listAlerts({ status: 'all', ids: changedShown.join(','), limit: maxIds }).then(
            (page) => {
              for (const alert of page.alerts) replace.current(alert);
            },
            () => undefined,
          );
        }
        if (maybeNew.length > 0) {
          void triageApi.listAlerts({ ...filtersToAlertQuery(filtersRef.current), ids: maybeNew.join(','), limit: maxIds }).then(
            (page) => {
              const fresh = page.alerts.map((alert: AlertSummary) => alert.id).filter((id) => !shown.current.has(id));
              if (fresh.length > 0) setPending((previous) => new Set([...previous, ...fresh]));
            },
            () => undefined,
          );
        }
      }),
    [feed, key],
  );

  const showPending = useCallback(() => {
    setPending(new Set());
    queue.reload();
  }, [queue]);

  return { pending: pending.size, live: feed.state === 'live', showPending };
}
