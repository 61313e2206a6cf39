import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import { describeError } from '../../api/client.ts';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { formatDateTime } from '../../format.ts';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { ConfirmDialog, FormProblems } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import { parseWholeNumber } from './agent-command.ts';
import { RETENTION_LABELS } from './user-format.ts';

/** Retention (admin): how many days each data class is kept, and "Purge now". */
export function RetentionPage(): JSX.Element {
  usePageTitle('Retention');
  const id = useId();
  const retention = useLoad(() => adminApi.retention(), 'retention');
  const { message, announce, statusRef } = useAnnouncer();
  const [days, setDays] = useState<Readonly<Record<string, string>>>({});
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [confirmPurge, setConfirmPurge] = useState(false);

  const rules = retention.data?.rules ?? [];
  const rulesKey = JSON.stringify(rules.map((rule) => [rule.dataClass, rule.days]));
  // Fresh rules from the server replace whatever was typed.
  useEffect(() => setDays(Object.fromEntries(rules.map((rule) => [rule.dataClass, String(rule.days)]))), [rulesKey]); // rules is derived from rulesKey

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = rules.map((rule) => ({
      dataClass: rule.dataClass,
      result: parseWholeNumber(days[rule.dataClass] ?? '', RETENTION_LABELS[rule.dataClass].label, 1, 3650),
    }));
    const found = parsed.flatMap((item) => (item.result.ok ? [] : [item.result.problem]));
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      await adminApi.setRetention(parsed.map((item) => ({ dataClass: item.dataClass, days: item.result.ok ? item.result.value : 0 })));
      announce('Retention periods saved. The daily purge uses them from now on.');
      retention.reload();
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page" aria-labelledby="retention-heading">
      <h1 id="retention-heading">Retention</h1>
      <p>
        Data older than these periods is deleted automatically every day (UK GDPR storage limitation). Alerts under legal hold are kept. The audit log is never
        purged.
      </p>
      <StatusLine message={message} statusRef={statusRef} />
      {retention.error !== undefined && <LoadFailure error={retention.error} what="manage retention" onRetry={retention.reload} />}
      {retention.loading && retention.data === undefined && <Loading label="Loading retention periods…" />}
      {retention.data !== undefined && (
        <form className="card" onSubmit={(event) => void submit(event)} noValidate data-testid="retention-form">
          <FormProblems problems={problems} />
          <table className="data-table">
            <caption className="visually-hidden">Days each kind of data is kept</caption>
            <thead>
              <tr>
                <th scope="col">Data</th>
                <th scope="col">Days kept</th>
                <th scope="col">Last purged</th>
              </tr>
            </thead>
            <tbody>
              {rules.map((rule) => {
                const info = RETENTION_LABELS[rule.dataClass];
                const inputId = `${id}-${rule.dataClass}`;
                return (
                  <tr key={rule.dataClass} data-testid={`retention-${rule.dataClass}`}>
                    <th scope="row">
                      <label htmlFor={inputId}>{info.label}</label>
                      <p className="field-help" id={`${inputId}-help`}>
                        {info.help}
                      </p>
                    </th>
                    <td>
                      <input
                        id={inputId}
                        type="number"
                        inputMode="numeric"
                        min={1}
                        max={3650}
                        step={1}
                        className="input-narrow"
                        value={days[rule.dataClass] ?? ''}
                        onChange={(e) => setDays((previous) => ({ ...previous, [rule.dataClass]: e.target.value }))}
                        aria-describedby={`${inputId}-help`}
                      />
                    </td>
                    <td>{rule.lastPurgeAt === null ? 'Never' : formatDateTime(rule.lastPurgeAt)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="button-row">
            <button type="submit" className="button button-primary" disabled={busy}>
              Save retention periods
            </button>
            <button type="button" className="button button-danger" onClick={() => setConfirmPurge(true)}>
              Purge now
            </button>
          </div>
        </form>
      )}
      {confirmPurge && (
        <ConfirmDialog
          title="Delete data older than the retention periods now?"
          confirmLabel="Delete old data now"
          danger
          testId="purge-dialog"
          onClose={() => setConfirmPurge(false)}
          onConfirm={async () => {
            const result = await adminApi.purge();
            announce(`Purge finished.${purgeSummary(result)}`);
            retention.reload();
          }}
        >
          <p>This runs the daily purge straight away, using the saved periods. Deleted data cannot be recovered. Alerts under legal hold are kept.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** " Deleted: alerts 12, screenshots 30." from whatever counts the server reports (the contract leaves the answer open). */
function purgeSummary(result: unknown): string {
  if (typeof result !== 'object' || result === null) return '';
  const source = 'deleted' in result && typeof result.deleted === 'object' && result.deleted !== null ? result.deleted : result;
  const counts = Object.entries(source).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  if (counts.length === 0) return '';
  return ` Deleted: ${counts.map(([name, count]) => `${name} ${count}`).join(', ')}.`;
}
