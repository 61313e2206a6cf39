import type { JSX } from 'react';
import { Link } from '../../router.tsx';
import { filtersToSearch, queueHref, type AlertFilters } from './alert-filters.ts';
import { useLoad } from './page-kit.tsx';
import { triageApi } from './triage-api.ts';

/**
 * "Open queue" and "Escalated (n)": escalated alerts are the DSL's, so they are not in the
 * open queue (where `j` would walk onto them) but in their own view, with a count of
 * every escalated alert in the user's scope. The other filters carry over.
 */
export function QueueViews(props: { readonly filters: AlertFilters }): JSX.Element {
  // Counted again whenever the queue's URL changes: a status change elsewhere may have moved it.
  const escalated = useLoad(() => triageApi.listAlerts({ status: 'escalated', limit: 1 }), `escalated-count:${filtersToSearch(props.filters)}`);
  const view = props.filters.status;
  const count = escalated.data?.total;
  return (
    <nav className="button-row queue-views" aria-label="Queue views" data-testid="queue-views">
      <Link
        to={queueHref({ ...props.filters, status: 'open' })}
        className={view === 'open' ? 'button button-primary' : 'button button-secondary'}
        aria-current={view === 'open' ? 'page' : undefined}
        data-testid="view-open"
      >
        Open queue
      </Link>
      <Link
        to={queueHref({ ...props.filters, status: 'escalated' })}
        className={view === 'escalated' ? 'button button-primary' : 'button button-secondary'}
        aria-current={view === 'escalated' ? 'page' : undefined}
        data-testid="view-escalated"
      >
        {count === undefined ? 'Escalated' : `Escalated (${count})`}
      </Link>
    </nav>
  );
}
