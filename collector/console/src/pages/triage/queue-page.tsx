import { useEffect, useMemo, useRef, useState, type JSX } from 'react';
import type { AlertSummary } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { bulkResultText, termText } from './alert-format.ts';
import { activeFilterCount, filtersFromSearch } from './alert-filters.ts';
import { AlertTable } from './alert-table.tsx';
import { BulkActions } from './bulk-actions.tsx';
import { ExportSelectedButton } from './export-menu.tsx';
import { closePlan, type CloseMode } from './closing-rules.ts';
import { CloseDialog } from './dismiss-dialog.tsx';
import type { ShortcutAction } from './keyboard-shortcuts.ts';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from './page-kit.tsx';
import { QueueFilters } from './queue-filters.tsx';
import { QueueViews } from './queue-views.tsx';
import { keepVisible, moveCursor, toggleAll, toggleSelected } from './queue-order.ts';
import { ShortcutsHelp, ShortcutsToggle } from './shortcuts-help.tsx';
import { triageApi } from './triage-api.ts';
import type { BulkAction } from './triage-types.ts';
import { useAlertQueue } from './use-alert-queue.ts';
import { useLiveQueue } from './use-live-queue.ts';
import { useShortcuts, useShortcutsEnabled } from './use-shortcuts.ts';

const BULK_DONE: Readonly<Record<BulkAction, string>> = {
  resolve: 'Resolved',
  dismiss: 'Dismissed',
  escalate: 'Escalated',
  'in-review': 'Marked in review',
  'assign-me': 'Assigned to you',
};

/** /triage: the queue of flagged alerts, most severe first. */
export function QueuePage(props: { readonly search: string }): JSX.Element {
  usePageTitle('Triage');
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(props.search)), [props.search]);
  const queue = useAlertQueue(filters);
  const live = useLiveQueue(queue, filters);
  // The alert highlighted when new ones were shown: the cursor stays on it, wherever it moved.
  const keepHighlighted = useRef<string | undefined>(undefined);
  const categories = useLoad(() => triageApi.categories(), 'categories');
  const rooms = useLoad(() => triageApi.rooms(), 'rooms');

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [cursor, setCursor] = useState<{ index: number | undefined; focus: boolean }>({ index: undefined, focus: false });
  const [shortcutsOn, setShortcutsOn] = useShortcutsEnabled();
  const [helpOpen, setHelpOpen] = useState(false);
  const [closing, setClosing] = useState<{ alert: AlertSummary; mode: CloseMode } | undefined>();
  const { me } = useSession();
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const { message, announce, statusRef } = useAnnouncer();

  const ids = useMemo(() => queue.alerts.map((alert) => alert.id), [queue.alerts]);
  // Never act on rows that are no longer shown; a new filter starts with no highlight.
  useEffect(() => setSelected((previous) => keepVisible(previous, ids)), [ids]);
  useEffect(() => setCursor({ index: undefined, focus: false }), [props.search]);

  const current = cursor.index === undefined ? undefined : queue.alerts[cursor.index];

  useEffect(() => {
    const id = keepHighlighted.current;
    if (id === undefined || queue.loading) return;
    keepHighlighted.current = undefined;
    const index = queue.alerts.findIndex((alert) => alert.id === id);
    setCursor({ index: index === -1 ? undefined : index, focus: false });
  }, [queue.alerts, queue.loading]);

  const showNew = () => {
    keepHighlighted.current = current?.id;
    live.showPending();
  };

  const runOne = async (alert: AlertSummary, done: string, action: () => Promise<{ alert: AlertSummary }>) => {
    setActionError(undefined);
    try {
      const answer = await action();
      queue.replace(answer.alert);
      announce(`${termText(alert)} on ${alert.hostname}: ${done}.`);
    } catch (error) {
      setActionError(error);
      announce(`Could not update ${termText(alert)}: ${describeError(error)}`);
    }
  };

  const runBulk = async (action: BulkAction) => {
    const chosen = ids.filter((id) => selected.has(id));
    if (chosen.length === 0) return;
    setBusy(true);
    setActionError(undefined);
    try {
      const result = await triageApi.bulk(chosen, action);
      announce(`${BULK_DONE[action]}: ${bulkResultText(result.updated.length, result.skipped.length, result.refused)}.`, { focus: true });
      setSelected(new Set());
      queue.reload();
    } catch (error) {
      setActionError(error);
      announce(`Could not update the selected alerts: ${describeError(error)}`, { focus: true });
    } finally {
      setBusy(false);
    }
  };

  useShortcuts(shortcutsOn, (action: ShortcutAction) => {
    if (action === 'help') return setHelpOpen((open) => !open);
    if (action === 'next' || action === 'previous') {
      setCursor({ index: moveCursor(queue.alerts.length, cursor.index, action), focus: true });
      return;
    }
    if (current === undefined) {
      announce('Highlight an alert first: press j or k.');
      return;
    }
    if (action === 'open') navigate(`/triage/${encodeURIComponent(current.id)}`);
    else if (action === 'escalate') void runOne(current, 'escalated to the DSL', () => triageApi.escalate(current.id));
    else {
      // d / r: never a one-key close of a serious alert, never one the role may not close.
      const plan = closePlan(current, me.user.role);
      if (!plan.allowed) announce(plan.whyNot ?? 'You cannot close this alert.');
      else if (action === 'dismiss' || plan.serious) setClosing({ alert: current, mode: action });
      else void runOne(current, 'resolved', () => triageApi.setStatus(current.id, 'resolved'));
    }
  });

  const filterCount = activeFilterCount(filters);

  return (
    <section className="page triage-page" aria-labelledby="triage-heading">
      <div className="page-header">
        <h1 id="triage-heading">Triage</h1>
        <ShortcutsToggle enabled={shortcutsOn} onChange={setShortcutsOn} onHelp={() => setHelpOpen(true)} />
      </div>

      <QueueViews filters={filters} />
      <QueueFilters filters={filters} categories={categories.data?.categories ?? []} rooms={rooms.data?.rooms ?? []} />

      <StatusLine message={message} statusRef={statusRef} />
      {actionError !== undefined && <ErrorBanner error={actionError} title="The last action failed." />}

      {queue.error !== undefined && queue.alerts.length === 0 && <LoadFailure error={queue.error} what="see the alert queue" onRetry={queue.reload} />}
      {queue.loading && <Loading label="Loading alerts…" />}

      {!queue.loading && queue.error === undefined && (
        <p className="result-count" data-testid="queue-count">
          {queue.alerts.length === 0
            ? `No alerts match ${filterCount === 0 ? 'the open queue' : 'these filters'}.`
            : `Showing ${queue.alerts.length} of ${queue.total ?? queue.alerts.length} alerts${filterCount > 0 ? ` (${filterCount} filter${filterCount === 1 ? '' : 's'} applied)` : ''}.`}
          {/* Always there, so the marker appears without moving the table; a polite live region reads it out. */}
          <span role="status" className="new-alerts-slot">
            {live.pending > 0 && (
              <button type="button" className="new-alerts" onClick={showNew} data-testid="show-new-alerts">
                {`${live.pending} new — show`}
              </button>
            )}
          </span>
          {live.live && <span className="visually-hidden"> Updates live.</span>}
        </p>
      )}

      {selected.size > 0 && (
        <BulkActions
          count={selected.size}
          busy={busy}
          onAction={(action) => void runBulk(action)}
          onClear={() => setSelected(new Set())}
          extra={
            me.user.role === 'dsl' ? (
              <ExportSelectedButton
                ids={ids.filter((id) => selected.has(id))}
                csrfToken={me.csrfToken}
                onDone={(done) => announce(done, { focus: true })}
                onError={(error) => {
                  setActionError(error);
                  announce(`Could not export the selected alerts: ${describeError(error)}`, { focus: true });
                }}
              />
            ) : undefined
          }
        />
      )}

      {queue.alerts.length > 0 && (
        <AlertTable
          alerts={queue.alerts}
          selected={selected}
          onToggle={(id) => setSelected((previous) => toggleSelected(previous, id))}
          onToggleAll={() => setSelected((previous) => toggleAll(previous, ids))}
          cursor={cursor.index}
          focusCursor={cursor.focus}
        />
      )}

      {queue.error !== undefined && queue.alerts.length > 0 && <ErrorBanner error={queue.error} title="Could not load more alerts." onRetry={queue.loadMore} />}
      {queue.nextCursor !== null && !queue.loading && (
        <div className="button-row">
          <button type="button" className="button button-secondary" onClick={queue.loadMore} disabled={queue.loadingMore} data-testid="load-more">
            {queue.loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}

      {helpOpen && <ShortcutsHelp enabled={shortcutsOn} onClose={() => setHelpOpen(false)} />}
      {closing !== undefined && (
        <CloseDialog
          alert={closing.alert}
          mode={closing.mode}
          onClose={() => setClosing(undefined)}
          onSubmit={async (options) => {
            const { alert, mode } = closing;
            const answer = mode === 'dismiss' ? await triageApi.dismiss(alert.id, options) : await triageApi.setStatus(alert.id, 'resolved', options.note);
            queue.replace(answer.alert);
            const done =
              mode === 'resolve'
                ? 'resolved'
                : `dismissed as a false positive${options.allow === undefined ? '' : `, and “${options.allow.trim()}” allow-listed`}`;
            announce(`${termText(alert)} on ${alert.hostname}: ${done}.`);
          }}
        />
      )}
    </section>
  );
}
