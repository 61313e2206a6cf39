import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { MyNotificationRule } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { Loading } from '../../components/loading.tsx';
import { LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { FormProblems } from './admin-kit.tsx';
import { notificationsApi, SEVERITY_OPTIONS } from './notifications-api.ts';

/** "My notifications": the signed-in user's own e-mail rule (technician, dsl, admin). */
export function MyNotificationsPanel(): JSX.Element {
  const id = useId();
  const mine = useLoad(() => notificationsApi.mine(), 'my-notifications');
  const categories = useLoad(() => notificationsApi.categories(), 'notification-categories');
  const { message, announce, statusRef } = useAnnouncer();
  const [rule, setRule] = useState<MyNotificationRule | undefined>();
  const [address, setAddress] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const loaded = mine.data;
  useEffect(() => {
    setRule(loaded?.rule);
    setAddress(loaded?.rule.address ?? '');
  }, [loaded]);

  if (mine.error !== undefined) return <LoadFailure error={mine.error} what="see your notification settings" onRetry={mine.reload} />;
  if (loaded === undefined || rule === undefined) return <Loading label="Loading your notification settings…" />;

  const toggleCategory = (category: string, on: boolean) =>
    setRule({ ...rule, categories: on ? [...rule.categories, category] : rule.categories.filter((one) => one !== category) });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const trimmed = address.trim();
    const found = rule.email && trimmed === '' && loaded.accountEmail === null ? ['Your account has no e-mail address: enter the address to send to.'] : [];
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      mine.set(await notificationsApi.setMine({ ...rule, address: trimmed === '' ? null : trimmed }));
      announce(rule.email ? 'Saved. You will get an e-mail for matching alerts.' : 'Saved. You will not get alert e-mails.');
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} noValidate data-testid="my-notifications-form" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>My notifications</h2>
      <p>E-mails say only the category, severity, room and time, with a link to the alert here. Nothing typed on the computer is ever in them.</p>
      <FormProblems problems={problems} />
      <label className="check-label">
        <input type="checkbox" checked={rule.email} onChange={(e) => setRule({ ...rule, email: e.target.checked })} data-testid="my-email-enabled" />
        E-mail me about new alerts
      </label>
      <Field id={`${id}-severity`} label="Minimum severity">
        <select id={`${id}-severity`} value={rule.minSeverity} onChange={(e) => setRule({ ...rule, minSeverity: Number(e.target.value) })}>
          {SEVERITY_OPTIONS.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </Field>
      <Field
        id={`${id}-address`}
        label="Send to"
        help={loaded.accountEmail === null ? 'Your account has no e-mail address.' : `Leave empty to use your account's address, ${loaded.accountEmail}.`}
      >
        <input id={`${id}-address`} type="email" value={address} onChange={(e) => setAddress(e.target.value)} aria-describedby={`${id}-address-help`} />
      </Field>
      <fieldset>
        <legend>Categories (none ticked: every category)</legend>
        {categories.data === undefined && categories.error === undefined && <Loading label="Loading categories…" />}
        {categories.error !== undefined && <p className="banner banner-error">Could not load the categories: {describeError(categories.error)}</p>}
        {categories.data?.categories.map((category) => (
          <label key={category.id} className="check-label">
            <input type="checkbox" checked={rule.categories.includes(category.id)} onChange={(e) => toggleCategory(category.id, e.target.checked)} />
            {category.label}
          </label>
        ))}
      </fieldset>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          Save my notifications
        </button>
      </div>
      <StatusLine message={message} statusRef={statusRef} testId="my-notifications-status" />
    </form>
  );
}
