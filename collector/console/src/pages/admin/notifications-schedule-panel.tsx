import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { EscalationSettings, NotificationSettingsResponse, SchoolHours, UserRow } from '@vigil/shared/console';
import { describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { StatusLine, useAnnouncer } from '../triage/page-kit.tsx';
import { FormProblems } from './admin-kit.tsx';
import type { Site } from './admin-types.ts';
import { parseWholeNumber } from './agent-command.ts';
import { notificationsApi, SEVERITY_OPTIONS, WEEKDAYS } from './notifications-api.ts';

type Saved = (settings: NotificationSettingsResponse) => void;

const defaultHours = (siteId: string): SchoolHours => ({ siteId, timezone: 'Europe/London', weekdays: [1, 2, 3, 4, 5], start: '08:00', end: '17:00' });

/** One site's school hours: outside them, the escalation contact is told too. */
function SiteHoursForm(props: { readonly site: Site; readonly hours: SchoolHours | undefined; readonly onSaved: Saved }): JSX.Element {
  const id = useId();
  const { message, announce, statusRef } = useAnnouncer();
  const [hours, setHours] = useState<SchoolHours>(props.hours ?? defaultHours(props.site.id));
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => setHours(props.hours ?? defaultHours(props.site.id)), [props.hours, props.site.id]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      props.onSaved(
        await notificationsApi.setSchoolHours(props.site.id, { timezone: hours.timezone.trim(), weekdays: hours.weekdays, start: hours.start, end: hours.end }),
      );
      setProblems([]);
      announce(`School hours for ${props.site.name} saved.`);
    } catch (error) {
      setProblems([describeError(error)]);
    }
  };

  return (
    <form onSubmit={(event) => void submit(event)} noValidate data-testid={`school-hours-${props.site.id}`}>
      <h3>{props.site.name}</h3>
      <FormProblems problems={problems} />
      <fieldset>
        <legend>School days</legend>
        {WEEKDAYS.map((day) => (
          <label key={day.value} className="check-label">
            <input
              type="checkbox"
              checked={hours.weekdays.includes(day.value)}
              onChange={(e) =>
                setHours({ ...hours, weekdays: e.target.checked ? [...hours.weekdays, day.value].sort() : hours.weekdays.filter((one) => one !== day.value) })
              }
            />
            {day.label}
          </label>
        ))}
      </fieldset>
      <Field id={`${id}-start`} label="Starts" className="field-narrow">
        <input id={`${id}-start`} type="time" value={hours.start} onChange={(e) => setHours({ ...hours, start: e.target.value })} />
      </Field>
      <Field id={`${id}-end`} label="Ends" className="field-narrow">
        <input id={`${id}-end`} type="time" value={hours.end} onChange={(e) => setHours({ ...hours, end: e.target.value })} />
      </Field>
      <Field id={`${id}-tz`} label="Time zone">
        <input id={`${id}-tz`} value={hours.timezone} onChange={(e) => setHours({ ...hours, timezone: e.target.value })} />
      </Field>
      <div className="button-row">
        <button type="submit" className="button button-secondary">
          Save hours for {props.site.name}
        </button>
      </div>
      <StatusLine message={message} statusRef={statusRef} testId={`school-hours-status-${props.site.id}`} />
    </form>
  );
}

interface EscalationForm {
  contactUserId: string;
  contactEmail: string;
  outOfHoursMinSeverity: string;
  unactedMinSeverity: string;
  unactedMinutes: string;
}

function escalationForm(settings: EscalationSettings): EscalationForm {
  return {
    contactUserId: settings.contactUserId ?? '',
    contactEmail: settings.contactEmail ?? '',
    outOfHoursMinSeverity: settings.outOfHoursMinSeverity === null ? '' : String(settings.outOfHoursMinSeverity),
    unactedMinSeverity: settings.unactedMinSeverity === null ? '' : String(settings.unactedMinSeverity),
    unactedMinutes: settings.unactedMinutes === null ? '' : String(settings.unactedMinutes),
  };
}

/** Admin: school hours per site, and the second contact with its thresholds. */
export function SchedulePanel(props: {
  readonly settings: NotificationSettingsResponse;
  readonly sites: readonly Site[];
  readonly users: readonly UserRow[];
  readonly onSaved: Saved;
}): JSX.Element {
  const id = useId();
  const { message, announce, statusRef } = useAnnouncer();
  const [form, setForm] = useState<EscalationForm>(() => escalationForm(props.settings.escalation));
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => setForm(escalationForm(props.settings.escalation)), [props.settings.escalation]);
  const set = (change: Partial<EscalationForm>) => setForm({ ...form, ...change });
  const severity = (text: string) => (text === '' ? null : Number(text));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const minutes = form.unactedMinutes.trim() === '' ? undefined : parseWholeNumber(form.unactedMinutes, 'Minutes', 1, 10_080);
    if (minutes !== undefined && !minutes.ok) return setProblems([minutes.problem]);
    try {
      const saved = await notificationsApi.setEscalation({
        contactUserId: form.contactUserId === '' ? null : form.contactUserId,
        contactEmail: form.contactEmail.trim() === '' ? null : form.contactEmail.trim(),
        outOfHoursMinSeverity: severity(form.outOfHoursMinSeverity),
        unactedMinSeverity: severity(form.unactedMinSeverity),
        unactedMinutes: minutes === undefined ? null : minutes.value,
      });
      props.onSaved(saved);
      setProblems([]);
      announce('Escalation saved.');
    } catch (error) {
      setProblems([describeError(error)]);
    }
  };

  const severitySelect = (key: 'outOfHoursMinSeverity' | 'unactedMinSeverity', label: string) => (
    <Field id={`${id}-${key}`} label={label}>
      <select id={`${id}-${key}`} value={form[key]} onChange={(e) => set({ [key]: e.target.value })}>
        <option value="">Off</option>
        {SEVERITY_OPTIONS.map((option) => (
          <option key={option.value} value={String(option.value)}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>School hours and escalation</h2>
      {props.sites.map((site) => (
        <SiteHoursForm key={site.id} site={site} hours={props.settings.schoolHours.find((hours) => hours.siteId === site.id)} onSaved={props.onSaved} />
      ))}
      <form onSubmit={(event) => void submit(event)} noValidate data-testid="escalation-form">
        <h3>Second contact</h3>
        <FormProblems problems={problems} />
        <Field id={`${id}-user`} label="Contact (a user)">
          <select id={`${id}-user`} value={form.contactUserId} onChange={(e) => set({ contactUserId: e.target.value })}>
            <option value="">Nobody chosen</option>
            {props.users
              .filter((user) => !user.disabled && user.role !== 'teacher' && user.role !== 'viewer')
              .map((user) => (
                <option key={user.id} value={user.id}>
                  {user.displayName} ({user.email ?? 'no e-mail address'})
                </option>
              ))}
          </select>
        </Field>
        <Field id={`${id}-email`} label="…or this address">
          <input id={`${id}-email`} type="email" value={form.contactEmail} onChange={(e) => set({ contactEmail: e.target.value })} />
        </Field>
        {severitySelect('outOfHoursMinSeverity', 'Out of school hours, tell them of alerts of')}
        {severitySelect('unactedMinSeverity', 'When nobody acts in time, tell them of alerts of')}
        <Field id={`${id}-minutes`} label="Nobody has acted within (minutes)" className="field-narrow">
          <input id={`${id}-minutes`} inputMode="numeric" value={form.unactedMinutes} onChange={(e) => set({ unactedMinutes: e.target.value })} />
        </Field>
        <div className="button-row">
          <button type="submit" className="button">
            Save escalation
          </button>
        </div>
      </form>
      <StatusLine message={message} statusRef={statusRef} testId="escalation-status" />
    </section>
  );
}
