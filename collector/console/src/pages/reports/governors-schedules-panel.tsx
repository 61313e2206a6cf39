import { useState, type FormEvent, type JSX } from 'react';
import type { ReportFrequencyName, ReportSchedule, ReportSchedulesResponse, ReportSentResponse, ReportSitesResponse } from '@vigil/shared/console';
import { api, describeError } from '../../api/client.ts';
import { useApiData } from '../../api/use-api.ts';
import { ErrorBanner } from '../../components/error-banner.tsx';
import { recipientList } from './governors-range.ts';
import { SiteField } from './site-field.tsx';

const frequencyLabels: Readonly<Record<ReportFrequencyName, string>> = { termly: 'After each term', monthly: 'After each month' };

/**
 * Admin only: the governors' report e-mailed as a PDF to named recipients after each term
 * or month (through the SMTP server set under Administration → Notifications), and a
 * "Send now" for the last whole period.
 */
export function GovernorsSchedulesPanel(): JSX.Element {
  const schedules = useApiData(() => api.get<ReportSchedulesResponse>('/api/reports/schedules'), []);
  const sites = useApiData(() => api.get<ReportSitesResponse>('/api/reports/sites'), []);
  const [recipients, setRecipients] = useState('');
  const [frequency, setFrequency] = useState<ReportFrequencyName>('termly');
  const [siteId, setSiteId] = useState('');
  const [message, setMessage] = useState<string | undefined>();
  const [failure, setFailure] = useState<string | undefined>();
  const siteList = sites.data?.sites ?? [];

  const run = async (work: () => Promise<string>) => {
    setFailure(undefined);
    setMessage(undefined);
    try {
      setMessage(await work());
      schedules.reload();
    } catch (error) {
      setFailure(describeError(error));
    }
  };

  const create = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const site = siteList.length === 1 ? (siteList[0]?.id ?? null) : siteId === '' ? null : siteId;
      await api.post<ReportSchedule>('/api/reports/schedules', { recipients: recipientList(recipients), frequency, siteId: site });
      setRecipients('');
      return 'Schedule saved.';
    });
  };
  const sendNow = (schedule: ReportSchedule) =>
    run(async () => {
      const sent = await api.post<ReportSentResponse>(`/api/reports/schedules/${schedule.id}/send`);
      return `Sent the report for ${sent.from.slice(0, 10)} to ${new Date(Date.parse(sent.to) - 1).toISOString().slice(0, 10)} to ${sent.recipients} ${sent.recipients === 1 ? 'recipient' : 'recipients'}.`;
    });
  const remove = (schedule: ReportSchedule) =>
    run(async () => {
      await api.del(`/api/reports/schedules/${schedule.id}`);
      return 'Schedule removed.';
    });

  return (
    <div className="card report-card governors-report" data-testid="governors-schedules">
      <h2>E-mail the governors&rsquo; report</h2>
      <p className="field-help">
        The PDF goes to these addresses at 06:00 UTC on the first day after each term or month, through the SMTP server set under Administration →
        Notifications.
      </p>
      {schedules.error !== undefined && <ErrorBanner error={schedules.error} onRetry={schedules.reload} />}
      {failure !== undefined && (
        <p className="banner banner-error" role="alert">
          {failure}
        </p>
      )}
      {message !== undefined && (
        <p className="banner banner-success" role="status">
          {message}
        </p>
      )}
      {(schedules.data?.schedules.length ?? 0) > 0 && (
        <table className="data-table" data-testid="governors-schedule-list">
          <thead>
            <tr>
              <th scope="col">Recipients</th>
              <th scope="col">When</th>
              <th scope="col">Site</th>
              <th scope="col">Next</th>
              <th scope="col">Last sent</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {schedules.data?.schedules.map((schedule) => (
              <tr key={schedule.id}>
                <td>{schedule.recipients.join(', ')}</td>
                <td>{frequencyLabels[schedule.frequency]}</td>
                <td>{schedule.siteName}</td>
                <td>{schedule.nextRunAt.slice(0, 10)}</td>
                <td>{schedule.lastError !== null ? `Failed: ${schedule.lastError}` : (schedule.lastRunAt?.slice(0, 10) ?? 'Not yet')}</td>
                <td className="button-row">
                  <button type="button" className="button button-secondary" onClick={() => void sendNow(schedule)}>
                    Send now
                  </button>
                  <button type="button" className="button button-quiet" onClick={() => void remove(schedule)}>
                    Remove
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="filters filters-compact" onSubmit={create} aria-label="New governors' report schedule">
        <div className="field">
          <label htmlFor="governors-recipients">Recipients (e-mail addresses)</label>
          <input
            id="governors-recipients"
            type="text"
            required
            value={recipients}
            onChange={(e) => setRecipients(e.target.value)}
            placeholder="chair@governors.example"
          />
        </div>
        <div className="field">
          <label htmlFor="governors-frequency">When</label>
          <select id="governors-frequency" value={frequency} onChange={(e) => setFrequency(e.target.value as ReportFrequencyName)}>
            <option value="termly">{frequencyLabels.termly}</option>
            <option value="monthly">{frequencyLabels.monthly}</option>
          </select>
        </div>
        <SiteField id="governors-schedule-site" sites={siteList} value={siteId} onChange={setSiteId} />
        <div className="button-row filters-actions">
          <button type="submit" className="button button-primary">
            Add schedule
          </button>
        </div>
      </form>
    </div>
  );
}
