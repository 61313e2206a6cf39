import { useEffect, useState, type FormEvent, type JSX } from 'react';
import type { AuditEntryRow } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import { DataTable } from '../../components/data-table.tsx';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { Link, navigate, useRoute } from '../../router.tsx';
import './audit.css';
import {
  actorView,
  auditApiQuery,
  auditExportHref,
  auditPagePath,
  detailText,
  filtersFromSearch,
  knownActions,
  noFilters,
  targetView,
  type AuditFilters,
} from './audit-query.ts';

interface AuditPage {
  readonly entries: readonly AuditEntryRow[];
  readonly nextBefore: number | null;
}

interface Listing {
  readonly path: string;
  readonly entries: readonly AuditEntryRow[];
  readonly nextBefore: number | null;
  readonly loading: boolean;
  readonly error: unknown;
}

/** Who did what, newest first: every look at a capture, reveal, export, sign-in and change. */
export function AuditPage(): JSX.Element {
  usePageTitle('Audit log');
  const route = useRoute();
  const filters = filtersFromSearch(route.query);
  const path = auditPagePath(filters);
  const [draft, setDraft] = useState<AuditFilters>(filters);
  const [listing, setListing] = useState<Listing>({ path, entries: [], nextBefore: null, loading: true, error: undefined });

  // New filters (from the form, a link or Back): start from the newest entry again.
  useEffect(() => {
    let current = true;
    const wanted = filtersFromSearch(new URLSearchParams(path.split('?')[1] ?? ''));
    setDraft(wanted);
    setListing({ path, entries: [], nextBefore: null, loading: true, error: undefined });
    api.get<AuditPage>('/api/audit', auditApiQuery(wanted)).then(
      (page) => current && setListing({ path, entries: page.entries, nextBefore: page.nextBefore, loading: false, error: undefined }),
      (error: unknown) => current && setListing({ path, entries: [], nextBefore: null, loading: false, error }),
    );
    return () => {
      current = false;
    };
  }, [path]);

  const loadMore = async () => {
    if (listing.nextBefore === null || listing.loading) return;
    const before = listing.nextBefore;
    setListing({ ...listing, loading: true, error: undefined });
    try {
      const page = await api.get<AuditPage>('/api/audit', auditApiQuery(filters, before));
      setListing((previous) =>
        previous.path === path ? { ...previous, entries: [...previous.entries, ...page.entries], nextBefore: page.nextBefore, loading: false } : previous,
      );
    } catch (error) {
      setListing((previous) => ({ ...previous, loading: false, error }));
    }
  };

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(auditPagePath(draft));
  };
  const set = (key: keyof AuditFilters) => (event: { target: { value: string } }) => setDraft({ ...draft, [key]: event.target.value });

  return (
    <section className="page" aria-labelledby="audit-heading">
      <div className="page-header">
        <h1 id="audit-heading">Audit log</h1>
        <a className="button button-secondary" href={auditExportHref(filters)} download>
          Export CSV
        </a>
      </div>
      <p className="lede">Every view of a capture, every reveal, export, sign-in and change of settings is recorded here and cannot be edited.</p>

      <form className="filters" onSubmit={apply} aria-label="Filter the audit log">
        <div className="field">
          <label htmlFor="audit-action">Action</label>
          <input id="audit-action" list="audit-actions" value={draft.action} onChange={set('action')} placeholder="e.g. screenshot.reveal" />
          <datalist id="audit-actions">
            {knownActions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor="audit-actor">Who (user name)</label>
          <input id="audit-actor" value={draft.actor} onChange={set('actor')} />
        </div>
        <div className="field">
          <label htmlFor="audit-target-type">Target type</label>
          <input id="audit-target-type" value={draft.targetType} onChange={set('targetType')} placeholder="e.g. alert, user, device" />
        </div>
        <div className="field">
          <label htmlFor="audit-target-id">Target id</label>
          <input id="audit-target-id" value={draft.targetId} onChange={set('targetId')} />
        </div>
        <div className="field">
          <label htmlFor="audit-from">From</label>
          <input id="audit-from" type="date" value={draft.from} onChange={set('from')} />
        </div>
        <div className="field">
          <label htmlFor="audit-to">To</label>
          <input id="audit-to" type="date" value={draft.to} onChange={set('to')} />
        </div>
        <div className="button-row filters-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          <button type="button" className="button button-secondary" onClick={() => navigate(auditPagePath(noFilters))}>
            Clear filters
          </button>
        </div>
      </form>

      {listing.error !== undefined && <ErrorBanner error={listing.error} />}
      <p className="result-count" role="status">
        {listing.loading && listing.entries.length === 0
          ? ''
          : `${listing.entries.length} ${listing.entries.length === 1 ? 'entry' : 'entries'} shown${listing.nextBefore !== null ? ' (more below)' : ''}`}
      </p>
      {listing.loading && listing.entries.length === 0 && <Loading label="Loading the audit log…" />}
      {!listing.loading && listing.error === undefined && listing.entries.length === 0 && <p className="empty">No entries match these filters.</p>}
      {listing.entries.length > 0 && (
        <DataTable testId="audit-table" caption="Audit entries, newest first" columns={['When', 'Who', 'Action', 'Target', 'Details', 'IP address']}>
          {listing.entries.map((entry) => (
            <tr key={entry.id} data-testid={`audit-row-${entry.id}`}>
              <td className="nowrap">
                <time dateTime={entry.at}>{formatDateTime(entry.at)}</time>
              </td>
              <td>
                <ActorCell entry={entry} />
              </td>
              <td>
                <code>{entry.action}</code>
              </td>
              <td className="break-anywhere">
                <TargetCell entry={entry} />
              </td>
              <td className="break-anywhere">{detailText(entry.detail)}</td>
              <td className="nowrap">{entry.ip ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
      {listing.nextBefore !== null && (
        <p>
          <button type="button" className="button button-secondary" onClick={() => void loadMore()} disabled={listing.loading}>
            {listing.loading ? 'Loading…' : 'Load more'}
          </button>
        </p>
      )}
    </section>
  );
}

/** Who: the display name linking to all their actions; the user name (and id, in the tooltip) beside it. */
function ActorCell(props: { readonly entry: AuditEntryRow }): JSX.Element {
  const actor = actorView(props.entry);
  return (
    <>
      <Link to={actor.href} title={actor.title} data-testid="audit-actor">
        {actor.name}
      </Link>
      {actor.username !== undefined && <span className="audit-username"> ({actor.username})</span>}
    </>
  );
}

/** What: the kind, then the name linking to the thing (or its history); the id in the tooltip. */
function TargetCell(props: { readonly entry: AuditEntryRow }): JSX.Element {
  const target = targetView(props.entry);
  const at = props.entry.targetAt ?? null;
  return (
    <>
      {target.kind !== null && <span className="audit-kind">{target.kind}: </span>}
      {target.href === undefined ? (
        <span title={target.idText}>{target.text}</span>
      ) : (
        <Link to={target.href} title={target.idText} data-testid="audit-target">
          {target.text}
        </Link>
      )}
      {at !== null && (
        <>
          {' '}
          <span className="audit-target-at">
            of <time dateTime={at}>{formatDateTime(at)}</time>
          </span>
        </>
      )}
    </>
  );
}
