import { useEffect, useState, type FormEvent, type JSX } from 'react';
import type { AlertStatus } from '@vigil/shared/console';
import { api, withQuery } from '../../api/client.ts';
import { useApiData } from '../../api/use-api.ts';
import { alertStatusLabel } from '../../components/alert-status.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { navigate, useRoute } from '../../router.tsx';
import { hasRole, useSession } from '../../session.tsx';
import { GovernorsReportPanel } from './governors-report-panel.tsx';
import { GovernorsSchedulesPanel } from './governors-schedules-panel.tsx';
import { barPercent, formatDay, rangeFromSearch, reportQuery, type ReportRange } from './report-range.ts';

interface ReportSummary {
  readonly from: string;
  readonly to: string;
  readonly byCategory: readonly { category: string; label: string; count: number }[];
  readonly byStatus: readonly { status: AlertStatus; count: number }[];
  readonly byDay: readonly { day: string; count: number }[];
}

interface Row {
  readonly key: string;
  readonly label: string;
  readonly count: number;
}

/** Counts only, no content: what governors and the head see. */
export function ReportsPage(): JSX.Element {
  usePageTitle('Reports');
  const { me } = useSession();
  const route = useRoute();
  const range = rangeFromSearch(route.query, new Date());
  const [draft, setDraft] = useState<ReportRange>(range);
  // Back/Forward change the address: the form follows it.
  useEffect(() => setDraft({ from: range.from, to: range.to }), [range.from, range.to]);
  const summary = useApiData(() => api.get<ReportSummary>('/api/reports/summary', reportQuery(range)), [range.from, range.to]);

  const apply = (event: FormEvent) => {
    event.preventDefault();
    navigate(withQuery('/reports', { from: draft.from, to: draft.to }));
  };

  const data = summary.data;
  const total = data?.byCategory.reduce((sum, row) => sum + row.count, 0) ?? 0;

  return (
    <section className="page" aria-labelledby="reports-heading">
      <h1 id="reports-heading">Reports</h1>
      <p className="lede">How many alerts were raised, by category, status and day. Reports show counts only, never what was typed or seen.</p>
      <GovernorsReportPanel />
      {hasRole(me, 'admin') && <GovernorsSchedulesPanel />}
      <form className="filters filters-compact" onSubmit={apply} aria-label="Report period">
        <div className="field">
          <label htmlFor="report-from">From</label>
          <input id="report-from" type="date" required value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="report-to">To</label>
          <input id="report-to" type="date" required value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </div>
        <div className="button-row filters-actions">
          <button type="submit" className="button button-primary">
            Show report
          </button>
        </div>
      </form>
      {summary.error !== undefined && <ErrorBanner error={summary.error} onRetry={summary.reload} />}
      {summary.loading && data === undefined && <Loading label="Loading the report…" />}
      {data !== undefined && (
        <div aria-busy={summary.loading}>
          <p className="report-total" data-testid="report-total">
            <strong>{total}</strong> {total === 1 ? 'alert' : 'alerts'} from {formatDay(range.from)} to {formatDay(range.to)}
          </p>
          <div className="report-grid">
            <CountTable
              title="By category"
              testId="report-by-category"
              firstColumn="Category"
              rows={data.byCategory.map((row) => ({ key: row.category, label: row.label, count: row.count }))}
            />
            <CountTable
              title="By status"
              testId="report-by-status"
              firstColumn="Status"
              rows={data.byStatus.map((row) => ({ key: row.status, label: alertStatusLabel(row.status), count: row.count }))}
            />
          </div>
          <CountTable
            title="By day"
            testId="report-by-day"
            firstColumn="Day"
            rows={data.byDay.map((row) => ({ key: row.day, label: formatDay(row.day), count: row.count }))}
          />
        </div>
      )}
    </section>
  );
}

function CountTable(props: { readonly title: string; readonly testId: string; readonly firstColumn: string; readonly rows: readonly Row[] }): JSX.Element {
  const max = Math.max(0, ...props.rows.map((row) => row.count));
  return (
    <div className="card report-card">
      <h2>{props.title}</h2>
      {props.rows.length === 0 ? (
        <p className="empty">No alerts in this period.</p>
      ) : (
        <table className="data-table count-table" data-testid={props.testId}>
          <thead>
            <tr>
              <th scope="col">{props.firstColumn}</th>
              <th scope="col" className="number">
                Alerts
              </th>
              <th scope="col">
                <span className="visually-hidden">Share of the largest</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={row.key}>
                <th scope="row">{row.label}</th>
                <td className="number">{row.count}</td>
                <td className="bar-cell" aria-hidden="true">
                  <span className="bar" style={{ width: `${barPercent(row.count, max)}%` }} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
