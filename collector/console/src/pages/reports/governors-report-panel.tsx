import { useState, type JSX } from 'react';
import type { ReportSitesResponse } from '@vigil/shared/console';
import { api } from '../../api/client.ts';
import { useApiData } from '../../api/use-api.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { governorsDownloadUrl, governorsPresetLabels, governorsPresets, presetRange, type GovernorsPreset } from './governors-range.ts';
import type { ReportRange } from './report-range.ts';
import { SiteField } from './site-field.tsx';

/**
 * The governors' report: a term (or any days) for one site or all, downloaded as PDF
 * or CSV from GET /api/reports/governors.{pdf,csv}. Counts only, small numbers
 * suppressed by the collector; every download is audited there.
 */
export function GovernorsReportPanel(props: { readonly now?: Date }): JSX.Element {
  const now = props.now ?? new Date();
  const [preset, setPreset] = useState<GovernorsPreset>('this-term');
  const [range, setRange] = useState<ReportRange>(() => presetRange('this-term', now));
  const sites = useApiData(() => api.get<ReportSitesResponse>('/api/reports/sites'), []);
  const [siteId, setSiteId] = useState<string>('');

  const choose = (next: GovernorsPreset) => {
    setPreset(next);
    if (next !== 'custom') setRange(presetRange(next, now));
  };
  const edit = (change: Partial<ReportRange>) => {
    setPreset('custom');
    setRange({ ...range, ...change });
  };
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(range.from) && /^\d{4}-\d{2}-\d{2}$/.test(range.to) && range.from <= range.to;
  const siteList = sites.data?.sites ?? [];
  // One site to choose from (a school's own staff): the report names it.
  const site = siteList.length === 1 ? siteList[0]?.id : siteId === '' ? undefined : siteId;

  return (
    <div className="card report-card governors-report" data-testid="governors-report">
      <h2>Governors&rsquo; report</h2>
      <p className="field-help">
        A termly summary for governors as PDF (with charts) or CSV: alerts by category, severity, room, year group and outcome against the previous period, time
        to first action, screen locks and retention. No pupil is named; counts from 1 to 4 are shown as &ldquo;&lt;5&rdquo;.
      </p>
      {sites.error !== undefined && <ErrorBanner error={sites.error} onRetry={sites.reload} />}
      <div className="filters filters-compact" role="group" aria-label="Governors' report period">
        <div className="field">
          <label htmlFor="governors-preset">Period</label>
          <select id="governors-preset" value={preset} onChange={(e) => choose(e.target.value as GovernorsPreset)}>
            {governorsPresets.map((option) => (
              <option key={option} value={option}>
                {governorsPresetLabels[option]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="governors-from">From</label>
          <input id="governors-from" type="date" required value={range.from} onChange={(e) => edit({ from: e.target.value })} />
        </div>
        <div className="field">
          <label htmlFor="governors-to">To</label>
          <input id="governors-to" type="date" required value={range.to} onChange={(e) => edit({ to: e.target.value })} />
        </div>
        <SiteField id="governors-site" sites={siteList} value={siteId} onChange={setSiteId} />
      </div>
      {valid ? (
        <div className="button-row">
          <a className="button button-primary" href={governorsDownloadUrl('pdf', range, site)} download>
            Download PDF
          </a>
          <a className="button button-secondary" href={governorsDownloadUrl('csv', range, site)} download>
            Download CSV
          </a>
        </div>
      ) : (
        <p className="field-help" role="alert">
          Choose a start day on or before the end day.
        </p>
      )}
    </div>
  );
}
