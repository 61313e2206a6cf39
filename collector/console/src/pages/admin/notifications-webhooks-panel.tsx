import { useId, useState, type FormEvent, type JSX } from 'react';
import type { NotificationSettingsResponse, Webhook, WebhookKind } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { StatusLine, useAnnouncer } from '../triage/page-kit.tsx';
import { FormProblems, RowButton } from './admin-kit.tsx';
import { notificationsApi, SEVERITY_OPTIONS } from './notifications-api.ts';

const KIND_LABELS: Readonly<Record<WebhookKind, string>> = { teams: 'Microsoft Teams', slack: 'Slack', generic: 'Generic JSON (signed)' };

interface NewWebhook {
  name: string;
  kind: WebhookKind;
  url: string;
  secret: string;
  minSeverity: number;
}

const empty: NewWebhook = { name: '', kind: 'teams', url: '', secret: '', minSeverity: 4 };

/** Admin: webhooks (Teams, Slack, generic), each with "Send test", on/off and remove. */
export function WebhooksPanel(props: { readonly settings: NotificationSettingsResponse; readonly reload: () => void }): JSX.Element {
  const id = useId();
  const { message, announce, statusRef } = useAnnouncer();
  const [draft, setDraft] = useState<NewWebhook>(empty);
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<NewWebhook>) => setDraft({ ...draft, ...change });

  const run = async (work: () => Promise<string>) => {
    setProblems([]);
    setBusy(true);
    try {
      announce(await work());
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    const found = [...(draft.name.trim() === '' ? ['Give the webhook a name.'] : []), ...(draft.url.trim() === '' ? ['Enter the webhook URL.'] : [])];
    if (draft.kind === 'generic' && draft.secret.length < 16) found.push('A generic webhook needs a signing secret of 16 characters or more.');
    setProblems(found);
    if (found.length > 0) return;
    void run(async () => {
      await notificationsApi.createWebhook({
        name: draft.name.trim(),
        kind: draft.kind,
        url: draft.url.trim(),
        ...(draft.secret === '' ? {} : { secret: draft.secret }),
        enabled: true,
        minSeverity: draft.minSeverity,
      });
      setDraft(empty);
      props.reload();
      return `Webhook "${draft.name.trim()}" added.`;
    });
  };

  const toggle = (webhook: Webhook) =>
    run(async () => {
      await notificationsApi.updateWebhook(webhook.id, { name: webhook.name, enabled: !webhook.enabled, minSeverity: webhook.minSeverity });
      props.reload();
      return `Webhook "${webhook.name}" turned ${webhook.enabled ? 'off' : 'on'}.`;
    });

  return (
    <section className="card" aria-labelledby={`${id}-heading`} data-testid="webhooks-panel">
      <h2 id={`${id}-heading`}>Webhooks</h2>
      <p>
        Posts each alert at or above the chosen severity to a Teams channel, a Slack channel or your own system. The URL and secret are stored encrypted and
        never shown again.
      </p>
      <FormProblems problems={problems} />
      {props.settings.webhooks.length > 0 && (
        <table className="data-table">
          <caption className="visually-hidden">Webhooks</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Address</th>
              <th scope="col">Severity</th>
              <th scope="col">State</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.settings.webhooks.map((webhook) => (
              <tr key={webhook.id} data-testid={`webhook-row-${webhook.id}`}>
                <td>{webhook.name}</td>
                <td>{KIND_LABELS[webhook.kind]}</td>
                <td>{webhook.urlHint}</td>
                <td>{webhook.minSeverity}+</td>
                <td>{webhook.enabled ? 'On' : 'Off'}</td>
                <td className="button-row">
                  <RowButton
                    hiddenText={webhook.name}
                    disabled={busy}
                    onClick={() => void run(async () => (await notificationsApi.testWebhook(webhook.id)).detail)}
                  >
                    Send test
                  </RowButton>
                  <RowButton hiddenText={webhook.name} disabled={busy} onClick={() => void toggle(webhook)}>
                    {webhook.enabled ? 'Turn off' : 'Turn on'}
                  </RowButton>
                  <RowButton
                    hiddenText={webhook.name}
                    danger
                    disabled={busy}
                    onClick={() =>
                      void run(async () => {
                        await notificationsApi.deleteWebhook(webhook.id);
                        props.reload();
                        return `Webhook "${webhook.name}" removed.`;
                      })
                    }
                  >
                    Remove
                  </RowButton>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={add} noValidate data-testid="webhook-form">
        <h3>Add a webhook</h3>
        <Field id={`${id}-name`} label="Webhook name">
          <input id={`${id}-name`} value={draft.name} maxLength={80} onChange={(e) => set({ name: e.target.value })} />
        </Field>
        <Field id={`${id}-kind`} label="Kind">
          <select id={`${id}-kind`} value={draft.kind} onChange={(e) => set({ kind: e.target.value as WebhookKind })}>
            {Object.entries(KIND_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        <Field id={`${id}-url`} label="Webhook URL">
          <input id={`${id}-url`} type="url" value={draft.url} onChange={(e) => set({ url: e.target.value })} />
        </Field>
        <Field
          id={`${id}-secret`}
          label="Signing secret"
          help="Required for generic webhooks (16+ characters); sent as an HMAC-SHA256 signature in X-Vigil-Signature."
        >
          <input
            id={`${id}-secret`}
            type="password"
            autoComplete="new-password"
            value={draft.secret}
            onChange={(e) => set({ secret: e.target.value })}
            aria-describedby={`${id}-secret-help`}
          />
        </Field>
        <Field id={`${id}-severity`} label="Post alerts of">
          <select id={`${id}-severity`} value={draft.minSeverity} onChange={(e) => set({ minSeverity: Number(e.target.value) })}>
            {SEVERITY_OPTIONS.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            Add webhook
          </button>
        </div>
      </form>
      <StatusLine message={message} statusRef={statusRef} testId="webhooks-status" />
    </section>
  );
}
