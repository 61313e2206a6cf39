import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { NotificationSettingsResponse, SmtpSecurity } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { StatusLine, useAnnouncer } from '../triage/page-kit.tsx';
import { FormProblems } from './admin-kit.tsx';
import { parseWholeNumber } from './agent-command.ts';
import { notificationsApi } from './notifications-api.ts';

interface SmtpForm {
  host: string;
  port: string;
  security: SmtpSecurity;
  username: string;
  password: string;
  from: string;
  caCertificate: string;
}

function formOf(settings: NotificationSettingsResponse): SmtpForm {
  const smtp = settings.smtp;
  return {
    host: smtp?.host ?? '',
    port: String(smtp?.port ?? 587),
    security: smtp?.security ?? 'starttls',
    username: smtp?.username ?? '',
    password: '',
    from: smtp?.from ?? '',
    caCertificate: smtp?.caCertificate ?? '',
  };
}

/** Admin: the school's SMTP server, and "Send test e-mail". */
export function SmtpPanel(props: {
  readonly settings: NotificationSettingsResponse;
  readonly onSaved: (settings: NotificationSettingsResponse) => void;
}): JSX.Element {
  const id = useId();
  const { message, announce, statusRef } = useAnnouncer();
  const [form, setForm] = useState<SmtpForm>(() => formOf(props.settings));
  const [testTo, setTestTo] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  useEffect(() => setForm(formOf(props.settings)), [props.settings]);
  const set = (change: Partial<SmtpForm>) => setForm({ ...form, ...change });
  const passwordSet = props.settings.smtp?.passwordSet === true;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const port = parseWholeNumber(form.port, 'Port', 1, 65_535);
    const found = [
      ...(port.ok ? [] : [port.problem]),
      ...(form.host.trim() === '' ? ['Enter the SMTP server name.'] : []),
      ...(form.from.trim() === '' ? ['Enter the From address.'] : []),
    ];
    setProblems(found);
    if (found.length > 0 || !port.ok) return;
    setBusy(true);
    try {
      const saved = await notificationsApi.setSmtp({
        host: form.host.trim(),
        port: port.value,
        security: form.security,
        username: form.username.trim() === '' ? null : form.username.trim(),
        ...(form.password === '' ? {} : { password: form.password }),
        from: form.from.trim(),
        caCertificate: form.caCertificate.trim() === '' ? null : form.caCertificate.trim(),
      });
      props.onSaved(saved);
      announce('SMTP settings saved.');
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setProblems([]);
    setBusy(true);
    try {
      const result = await notificationsApi.testSmtp(testTo.trim() === '' ? undefined : testTo.trim());
      announce(`Test e-mail sent. ${result.detail}`);
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate data-testid="smtp-form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>E-mail (SMTP server)</h2>
      <FormProblems problems={problems} />
      <Field id={`${id}-host`} label="SMTP server">
        <input id={`${id}-host`} value={form.host} placeholder="smtp.office365.com" onChange={(e) => set({ host: e.target.value })} />
      </Field>
      <Field id={`${id}-port`} label="Port" className="field-narrow">
        <input id={`${id}-port`} inputMode="numeric" value={form.port} onChange={(e) => set({ port: e.target.value })} />
      </Field>
      <Field id={`${id}-security`} label="Encryption">
        <select id={`${id}-security`} value={form.security} onChange={(e) => set({ security: e.target.value as SmtpSecurity })}>
          <option value="starttls">STARTTLS required (usually port 587)</option>
          <option value="tls">TLS from the start (usually port 465)</option>
        </select>
      </Field>
      <Field id={`${id}-user`} label="User name (empty: no sign-in)">
        <input id={`${id}-user`} autoComplete="off" value={form.username} onChange={(e) => set({ username: e.target.value })} />
      </Field>
      <Field
        id={`${id}-password`}
        label="SMTP password"
        help={passwordSet ? 'A password is stored (encrypted). Leave empty to keep it.' : 'No password stored.'}
      >
        <input
          id={`${id}-password`}
          type="password"
          autoComplete="new-password"
          value={form.password}
          onChange={(e) => set({ password: e.target.value })}
          aria-describedby={`${id}-password-help`}
        />
      </Field>
      <Field id={`${id}-from`} label="From address">
        <input id={`${id}-from`} type="email" value={form.from} placeholder="vigil@school.org.uk" onChange={(e) => set({ from: e.target.value })} />
      </Field>
      <Field
        id={`${id}-ca`}
        label="Trusted CA certificate (optional, PEM)"
        help="Only for a mail server whose certificate comes from the school's own certificate authority."
      >
        <textarea
          id={`${id}-ca`}
          rows={3}
          value={form.caCertificate}
          onChange={(e) => set({ caCertificate: e.target.value })}
          aria-describedby={`${id}-ca-help`}
        />
      </Field>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          Save SMTP settings
        </button>
      </div>
      <Field id={`${id}-test-to`} label="Send the test to (empty: your own address)">
        <input id={`${id}-test-to`} type="email" value={testTo} onChange={(e) => setTestTo(e.target.value)} />
      </Field>
      <div className="button-row">
        <button type="button" className="button button-secondary" disabled={busy || props.settings.smtp === null} onClick={() => void test()}>
          Send test e-mail
        </button>
      </div>
      <StatusLine message={message} statusRef={statusRef} testId="smtp-status" />
    </form>
  );
}
