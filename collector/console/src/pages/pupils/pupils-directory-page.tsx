import { useState, type JSX } from 'react';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { adminApi } from '../admin/admin-api.ts';
import { LoadFailure, useLoad } from '../triage/page-kit.tsx';
import { mayOpenPupilPage, pupilName } from './pupil-format.ts';
import { PupilImportWizard } from './pupil-import-wizard.tsx';
import { pupilsApi } from './pupils-api.ts';

/** Admin → Pupils: the import (IT), the directory with search, and user names no pupil owns (IT). */
export function PupilsDirectoryPage(): JSX.Element {
  usePageTitle('Pupils');
  const { me } = useSession();
  const role = me.user.role;
  const maintains = role === 'technician' || role === 'admin';
  const [q, setQ] = useState('');
  const [status, setStatus] = useState<'active' | 'left' | 'all'>('active');
  const list = useLoad(() => pupilsApi.list(q, status), `pupils:${q}:${status}`);
  const sites = useLoad(() => (maintains ? adminApi.sites() : Promise.resolve({ sites: [] })), 'sites');
  const unmatched = useLoad(() => (maintains ? pupilsApi.unmatched() : Promise.resolve({ usernames: [] })), 'unmatched');

  return (
    <section className="page" aria-labelledby="pupils-heading">
      <h1 id="pupils-heading">Pupils</h1>
      {maintains && sites.data !== undefined && (
        <PupilImportWizard
          sites={sites.data.sites}
          onImported={() => {
            list.reload();
            unmatched.reload();
          }}
        />
      )}
      <section className="card" aria-labelledby="pupil-directory-heading">
        <h2 id="pupil-directory-heading">Directory</h2>
        <p>
          <label htmlFor="pupil-search">Search </label>
          <input
            id="pupil-search"
            type="search"
            value={q}
            onChange={(event) => setQ(event.target.value)}
            placeholder="Name, UPN, group or username"
            data-testid="pupil-search"
          />{' '}
          <label htmlFor="pupil-status">Show </label>
          <select
            id="pupil-status"
            value={status}
            onChange={(event) => setStatus(event.target.value === 'left' ? 'left' : event.target.value === 'all' ? 'all' : 'active')}
          >
            <option value="active">Current pupils</option>
            <option value="left">Leavers</option>
            <option value="all">Everyone</option>
          </select>
        </p>
        {list.error !== undefined && <LoadFailure error={list.error} what="list pupils" onRetry={list.reload} />}
        {list.loading && list.data === undefined && <Loading label="Loading pupils…" />}
        {list.data !== undefined && (
          <table className="data-table" data-testid="pupil-directory">
            <caption className="visually-hidden">Pupils</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">UPN / MIS id</th>
                <th scope="col">Year</th>
                <th scope="col">Tutor group</th>
                <th scope="col">Usernames</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {list.data.pupils.map((pupil) => (
                <tr key={pupil.id} data-testid={`pupil-row-${pupil.misId}`}>
                  <th scope="row">
                    {mayOpenPupilPage(role) ? <Link to={`/pupils/${encodeURIComponent(pupil.id)}`}>{pupilName(pupil)}</Link> : pupilName(pupil)}
                  </th>
                  <td>{pupil.misId}</td>
                  <td>{pupil.yearGroup ?? '—'}</td>
                  <td>{pupil.tutorGroup ?? '—'}</td>
                  <td>{pupil.accounts.map((account) => account.username).join(', ') || '—'}</td>
                  <td>{pupil.status === 'left' && pupil.leftAt !== null ? `Left ${formatDateTime(pupil.leftAt)}` : 'Current'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {list.data !== undefined && list.data.total > list.data.pupils.length && (
          <p>
            Showing {list.data.pupils.length} of {list.data.total}: search to narrow the list.
          </p>
        )}
      </section>
      {maintains && (
        <section className="card" aria-labelledby="unmatched-heading">
          <h2 id="unmatched-heading">Usernames not in the directory</h2>
          <p>Logins seen on school computers in the last 30 days that match no pupil: add them to the MIS export, or ignore staff and guest accounts.</p>
          {unmatched.error !== undefined && <LoadFailure error={unmatched.error} what="list unmatched usernames" onRetry={unmatched.reload} />}
          {unmatched.data !== undefined && unmatched.data.usernames.length === 0 && <p>Every login seen lately belongs to a pupil.</p>}
          {unmatched.data !== undefined && unmatched.data.usernames.length > 0 && (
            <table className="data-table" data-testid="pupil-unmatched">
              <thead>
                <tr>
                  <th scope="col">Username</th>
                  <th scope="col">Seen in</th>
                  <th scope="col">Last seen</th>
                </tr>
              </thead>
              <tbody>
                {unmatched.data.usernames.map((entry) => (
                  <tr key={`${entry.siteId}:${entry.source}:${entry.username}`}>
                    <td>{entry.username}</td>
                    <td>{entry.source === 'alert' ? `${entry.count} alerts` : `${entry.count} activity records`}</td>
                    <td>{formatDateTime(entry.lastSeenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </section>
  );
}
