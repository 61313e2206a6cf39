import { useMemo, useState, type JSX } from 'react';
import type { AlertDetailResponse } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { AlertActions } from './alert-actions.tsx';
import { AlertDetails } from './alert-details.tsx';
import { termText } from './alert-format.ts';
import { AlertEvents, AlertTimeline } from './alert-history.tsx';
import { closePlan, type CloseMode } from './closing-rules.ts';
import { CloseDialog } from './dismiss-dialog.tsx';
import { ExportMenu } from './export-menu.tsx';
import type { ShortcutAction } from './keyboard-shortcuts.ts';
import { LoadFailure, StatusLine, isForbidden, useAnnouncer, useLoad } from './page-kit.tsx';
import { neighbour, positionText, recallQueue } from './queue-order.ts';
import { RevealDialog } from './reveal-dialog.tsx';
import { ScreenshotPanel } from './screenshot-panel.tsx';
import { ShortcutsHelp, ShortcutsToggle } from './shortcuts-help.tsx';
import { triageApi } from './triage-api.ts';
import { STATUS_LABELS, type AlertActionResponse } from './triage-types.ts';
import { useShortcuts, useShortcutsEnabled } from './use-shortcuts.ts';

function sessionStore(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

/** /triage/:alertId — one alert with its context, capture, history and actions. */
export function AlertPage(props: { readonly alertId: string }): JSX.Element {
  const { me } = useSession();
  const id = props.alertId;
  const detail = useLoad(() => triageApi.alert(id), `alert:${id}`);
  const timeline = useLoad(() => triageApi.timeline(id), `timeline:${id}`);
  const users = useLoad(() => triageApi.users(), 'users');
  const queue = useMemo(() => recallQueue(sessionStore()), []);
  const previousId = queue === undefined ? undefined : neighbour(queue.ids, id, 'previous');
  const nextId = queue === undefined ? undefined : neighbour(queue.ids, id, 'next');
  const position = queue === undefined ? undefined : positionText(queue.ids, id, queue.total);

  const [shortcutsOn, setShortcutsOn] = useShortcutsEnabled();
  const [helpOpen, setHelpOpen] = useState(false);
  const [closing, setClosing] = useState<CloseMode | undefined>();
  const [revealingText, setRevealingText] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<unknown>();
  const [imageStamp, setImageStamp] = useState<number | undefined>();
  const { message, announce, statusRef } = useAnnouncer();

  const data = detail.data;
  usePageTitle(data === undefined ? 'Alert' : `Alert ${termText(data.alert)} on ${data.alert.hostname}`);

  const apply = (answer: AlertActionResponse) => {
    if (data === undefined) return;
    const next: AlertDetailResponse = { ...data, alert: answer.alert, events: answer.events };
    detail.set(next);
  };

  const run = async (done: string, action: () => Promise<AlertActionResponse>): Promise<boolean> => {
    setBusy(true);
    setActionError(undefined);
    try {
      apply(await action());
      announce(done);
      timeline.reload();
      return true;
    } catch (error) {
      setActionError(error);
      announce(`That did not work: ${describeError(error)}`);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const escalate = () => void run('Escalated to the DSL.', () => triageApi.escalate(id));
  /**
   * Dismiss always asks (note, allow-list); resolve asks when the alert is serious (a reason
   * and a confirmation). Neither is offered to a role the server would refuse.
   */
  const close = (mode: CloseMode) => {
    if (data === undefined) return;
    const plan = closePlan(data.alert, me.user.role);
    if (!plan.allowed) announce(plan.whyNot ?? 'You cannot close this alert.');
    else if (mode === 'dismiss' || plan.serious) setClosing(mode);
    else void run('Alert resolved.', () => triageApi.setStatus(id, 'resolved'));
  };
  const reveal = async (reason: string) => {
    await triageApi.reveal(id, reason);
    setImageStamp(Date.now());
    detail.reload();
    timeline.reload();
  };

  useShortcuts(shortcutsOn, (action: ShortcutAction) => {
    if (action === 'help') {
      setHelpOpen((open) => !open);
      return;
    }
    if (action === 'next' || action === 'previous') {
      const target = action === 'next' ? nextId : previousId;
      if (target === undefined) announce(action === 'next' ? 'This is the last alert in the queue.' : 'This is the first alert in the queue.');
      else navigate(`/triage/${encodeURIComponent(target)}`);
      return;
    }
    if (data === undefined || busy || action === 'open') return;
    const wanted = action === 'escalate' ? 'escalated' : action === 'resolve' ? 'resolved' : 'dismissed';
    if (data.alert.status === wanted) announce(`This alert is already ${STATUS_LABELS[wanted].toLowerCase()}.`);
    else if (action === 'escalate') escalate();
    else close(action);
  });

  const backHref = queue?.href ?? '/triage';

  return (
    <section className="page alert-page" aria-labelledby="alert-heading">
      <nav className="alert-nav" aria-label="Queue">
        <Link to={backHref}>← Back to the queue</Link>
        {position !== undefined && <span className="alert-position">Alert {position}</span>}
        {previousId !== undefined && (
          <Link to={`/triage/${encodeURIComponent(previousId)}`} data-testid="previous-alert">
            Previous alert
          </Link>
        )}
        {nextId !== undefined && (
          <Link to={`/triage/${encodeURIComponent(nextId)}`} data-testid="next-alert">
            Next alert
          </Link>
        )}
      </nav>

      <div className="page-header">
        <h1 id="alert-heading">
          {data === undefined ? (
            'Alert'
          ) : (
            <>
              Alert: {termText(data.alert)} on {data.alert.hostname}
            </>
          )}
        </h1>
        <ShortcutsToggle enabled={shortcutsOn} onChange={setShortcutsOn} onHelp={() => setHelpOpen(true)} />
      </div>

      <StatusLine message={message} statusRef={statusRef} />
      {actionError !== undefined && <ErrorBanner error={actionError} title="The last action failed." />}

      {detail.error !== undefined && (
        <LoadFailure error={detail.error} what={isForbidden(detail.error) ? 'open this alert' : 'load this alert'} onRetry={detail.reload} />
      )}
      {detail.loading && data === undefined && <Loading label="Loading the alert…" />}

      {data !== undefined && (
        <div className="alert-layout" data-testid="alert-page" data-alert-id={data.alert.id}>
          <section className="card" aria-labelledby="alert-what-heading">
            <h2 id="alert-what-heading">What was flagged</h2>
            <AlertDetails alert={data.alert} announce={announce} />
            {data.alert.withheld && (
              <p className="field-help" data-testid="withheld-notice">
                Restricted category: the flagged text, window title, program, web address and computer user are withheld.{' '}
                {!data.canReveal
                  ? 'Only the Designated Safeguarding Lead can reveal them.'
                  : data.screenshot?.available === true
                    ? 'Revealing the screenshot reveals them too, for 30 minutes.'
                    : 'Reveal them with a reason (recorded in the audit log) to see them for 30 minutes.'}
              </p>
            )}
            {data.alert.withheld && data.canReveal && data.screenshot?.available !== true && (
              <div className="button-row">
                <button type="button" className="button button-danger" onClick={() => setRevealingText(true)} data-testid="reveal-text-button">
                  Reveal alert
                </button>
              </div>
            )}
          </section>

          <section className="card" aria-labelledby="alert-capture-heading">
            <h2 id="alert-capture-heading">Screenshot</h2>
            <ScreenshotPanel
              detail={data}
              imageStamp={imageStamp}
              onCheckAgain={detail.reload}
              onReveal={async (reason) => {
                await reveal(reason);
                announce('Screenshot and alert text revealed. The reveal and your reason are in the audit log.', { focus: true });
              }}
            />
          </section>

          <section className="card alert-actions-card" aria-labelledby="alert-actions-heading">
            <h2 id="alert-actions-heading">Actions</h2>
            <AlertActions
              key={data.alert.id}
              alert={data.alert}
              myUserId={me.user.id}
              myRole={me.user.role}
              users={users.data?.users}
              busy={busy}
              onEscalate={escalate}
              onResolve={() => close('resolve')}
              onDismiss={() => close('dismiss')}
              onInReview={() => void run('Alert back in review.', () => triageApi.setStatus(id, 'in-review'))}
              onAlready={(status) => announce(`This alert is already ${STATUS_LABELS[status].toLowerCase()}.`)}
              onAssign={(userId) =>
                void run(userId === null ? 'Alert unassigned.' : userId === me.user.id ? 'Alert assigned to you.' : 'Alert assigned.', () =>
                  triageApi.assign(id, userId),
                )
              }
              onNote={(note) => run('Note added.', () => triageApi.addNote(id, note))}
            />
            {users.error !== undefined && <p className="field-help">The staff list is not available to your role, so only “Assign to me” works here.</p>}
          </section>

          {me.user.role === 'dsl' && (
            <section className="card" aria-labelledby="alert-export-heading">
              <h2 id="alert-export-heading">Export</h2>
              <ExportMenu alert={data.alert} />
            </section>
          )}

          <section className="card" aria-labelledby="alert-history-heading">
            <h2 id="alert-history-heading">History</h2>
            <AlertEvents events={data.events} />
          </section>

          <section className="card alert-timeline-card" aria-labelledby="alert-timeline-heading">
            <h2 id="alert-timeline-heading">On this computer around that time</h2>
            {timeline.error !== undefined && <LoadFailure error={timeline.error} what="load the timeline" onRetry={timeline.reload} />}
            {timeline.loading && timeline.data === undefined && <Loading label="Loading the timeline…" />}
            {timeline.data !== undefined && <AlertTimeline items={timeline.data.items} alertId={data.alert.id} />}
          </section>
        </div>
      )}

      {helpOpen && <ShortcutsHelp enabled={shortcutsOn} onClose={() => setHelpOpen(false)} />}
      {revealingText && (
        <RevealDialog
          submitLabel="Reveal alert"
          onClose={() => setRevealingText(false)}
          onReveal={async (reason) => {
            await reveal(reason);
            announce('Alert text revealed. The reveal and your reason are in the audit log.', { focus: true });
          }}
        />
      )}
      {closing !== undefined && data !== undefined && (
        <CloseDialog
          alert={data.alert}
          mode={closing}
          onClose={() => setClosing(undefined)}
          onSubmit={async (options) => {
            if (closing === 'resolve') {
              apply(await triageApi.setStatus(id, 'resolved', options.note));
              announce('Alert resolved.');
            } else {
              apply(await triageApi.dismiss(id, options));
              announce(
                options.allow === undefined
                  ? 'Dismissed as a false positive.'
                  : `Dismissed as a false positive; “${options.allow.trim()}” is now allow-listed.`,
              );
            }
            timeline.reload();
          }}
        />
      )}
    </section>
  );
}
