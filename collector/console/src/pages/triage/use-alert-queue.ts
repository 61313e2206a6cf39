import { useCallback, useEffect, useRef, useState } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { filtersToAlertQuery, filtersToSearch, queueHref, type AlertFilters } from './alert-filters.ts';
import { rememberQueue } from './queue-order.ts';
import { triageApi } from './triage-api.ts';

const PAGE_SIZE = 50;

export interface AlertQueue {
  readonly alerts: readonly AlertSummary[];
  readonly total: number | undefined;
  readonly nextCursor: string | null;
  /** The first page is loading (the table shows "Loading…"). */
  readonly loading: boolean;
  readonly loadingMore: boolean;
  readonly error: unknown;
  readonly loadMore: () => void;
  readonly reload: () => void;
  /** Puts an action's answer in place of the row (it stays until the next reload, so j/k keep their place). */
  readonly replace: (alert: AlertSummary) => void;
}

interface State {
  readonly alerts: readonly AlertSummary[];
  readonly total: number | undefined;
  readonly nextCursor: string | null;
  readonly loading: boolean;
  readonly loadingMore: boolean;
  readonly error: unknown;
}

const initial: State = { alerts: [], total: undefined, nextCursor: null, loading: true, loadingMore: false, error: undefined };

function sessionStore(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** The triage queue for these filters, page by page ("Load more" follows nextCursor). */
export function useAlertQueue(filters: AlertFilters): AlertQueue {
  const key = filtersToSearch(filters);
  const [state, setState] = useState<State>(initial);
  const [generation, setGeneration] = useState(0);
  // Answers for an older filter set (or after unmount) are dropped.
  const request = useRef(0);
  const filtersRef = useRef(filters);
  filtersRef.current = filters;

  useEffect(() => {
    const mine = ++request.current;
    setState((previous) => ({ ...previous, loading: true, error: undefined }));
    triageApi.listAlerts(filtersToAlertQuery(filtersRef.current, { limit: PAGE_SIZE })).then(
      (page) => {
        if (mine !== request.current) return;
        setState({ alerts: page.alerts, total: page.total, nextCursor: page.nextCursor, loading: false, loadingMore: false, error: undefined });
      },
      (error: unknown) => {
        if (mine === request.current) setState({ ...initial, loading: false, error });
      },
    );
    return () => {
      request.current += 1;
    };
  }, [key, generation]);

  // Remember the order for j/k on the alert page and its "Back to the queue" link.
  useEffect(() => {
    if (state.loading) return;
    rememberQueue(sessionStore(), {
      ids: state.alerts.map((alert) => alert.id),
      href: queueHref(filtersRef.current),
      ...(state.total === undefined ? {} : { total: state.total }),
    });
  }, [state.alerts, state.total, state.loading]);

  const loadMore = useCallback(() => {
    const cursor = state.nextCursor;
    if (cursor === null || state.loadingMore) return;
    const mine = request.current;
    setState((previous) => ({ ...previous, loadingMore: true, error: undefined }));
    triageApi.listAlerts(filtersToAlertQuery(filtersRef.current, { cursor, limit: PAGE_SIZE })).then(
      (page) => {
        if (mine !== request.current) return;
        setState((previous) => {
          // A row can move between pages while statuses change: show each alert once.
          const seen = new Set(previous.alerts.map((alert) => alert.id));
          return {
            ...previous,
            alerts: [...previous.alerts, ...page.alerts.filter((alert) => !seen.has(alert.id))],
            nextCursor: page.nextCursor,
            total: page.total,
            loadingMore: false,
          };
        });
      },
      (error: unknown) => {
        if (mine === request.current) setState((previous) => ({ ...previous, loadingMore: false, error }));
      },
    );
  }, [state.nextCursor, state.loadingMore]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  const replace = useCallback((alert: AlertSummary) => {
    setState((previous) => ({ ...previous, alerts: previous.alerts.map((row) => (row.id === alert.id ? alert : row)) }));
  }, []);

  return { ...state, loadMore, reload, replace };
}
