import type { JSX } from 'react';
import { Loading } from '../../components/loading.tsx';
import { NotFound } from '../../components/not-allowed.tsx';
import { SeverityBadge } from '../../components/severity-badge.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { Link, matchPath } from '../../router.tsx';
import { placeText } from '../triage/alert-format.ts';
import { LoadFailure, useLoad } from '../triage/page-kit.tsx';
import { STATUS_LABELS } from '../triage/triage-types.ts';
import { pcValue } from '../triage/withheld.tsx';
import { pupilName } from './pupil-format.ts';
import { pupilsApi } from './pupils-api.ts';

/** /pupils/:pupilId: the DSL's view of one child, every alert over time across devices. */
export function PupilRoutes(props: { readonly path: string }): JSX.Element {
  const match = matchPath('/pupils/:pupilId', props.path);
  const pupilId = match?.['pupilId'];
  if (pupilId === undefined) return <NotFound home="/triage" />;
  return <PupilPage key={pupilId} pupilId={pupilId} />;
}

function PupilPage(props: { readonly pupilId: string }): JSX.Element {
  const page = useLoad(() => pupilsApi.page(props.pupilId), props.pupilId);
  usePageTitle(page.data === undefined ? 'Pupil' : pupilName(page.data.pupil));
  if (page.error !== undefined) return <LoadFailure error={page.error} what="open this pupil" onRetry={page.reload} />;
  if (page.data === undefined) return <Loading label="Loading pupil…" />;
  const { pupil, alerts, truncated } = page.data;
  return (
    <section className="page" aria-labelledby="pupil-heading" data-testid="pupil-page">
      <h1 id="pupil-heading">{pupilName(pupil)}</h1>
      <dl className="card detail-list">
        <dt>UPN / MIS id</dt>
        <dd>{pupil.misId}</dd>
        <dt>Year group</dt>
        <dd>{pupil.yearGroup ?? '—'}</dd>
        <dt>Tutor group</dt>
        <dd>{pupil.tutorGroup ?? '—'}</dd>
        <dt>Classes</dt>
        <dd>{pupil.classes.join(', ') || '—'}</dd>
        <dt>Accounts</dt>
        <dd>{pupil.accounts.map((account) => `${account.username} (${account.kind})`).join(', ') || '—'}</dd>
        <dt>Status</dt>
        <dd>{pupil.status === 'left' && pupil.leftAt !== null ? `Left on ${formatDateTime(pupil.leftAt)}` : 'Current pupil'}</dd>
      </dl>
      <h2>
        Alerts ({alerts.length}
        {truncated ? ', newest shown' : ''})
      </h2>
      {alerts.length === 0 ? (
        <p>No alerts for this pupil.</p>
      ) : (
        <table className="data-table" data-testid="pupil-alerts">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Category</th>
              <th scope="col">Severity</th>
              <th scope="col">Term</th>
              <th scope="col">Computer (room)</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((alert) => (
              <tr key={alert.id} data-testid={`pupil-alert-${alert.id}`}>
                <td>
                  <time dateTime={alert.ts}>{formatDateTime(alert.ts)}</time>
                </td>
                <td>
                  {alert.categoryLabel}
                  {alert.restricted && <span className="tag tag-restricted">Restricted</span>}
                </td>
                <td>
                  <SeverityBadge severity={alert.severity} />
                </td>
                <td>
                  <Link to={`/triage/${encodeURIComponent(alert.id)}`}>{pcValue(alert.term, alert.withheld)}</Link>
                </td>
                <td>{placeText(alert)}</td>
                <td>
                  <span className={`status status-${alert.status}`}>{STATUS_LABELS[alert.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
