import { useId, useState, type FormEvent, type JSX } from 'react';
import type { Policy } from '@vigil/shared/protocol';
import { describeError } from '../../api/client.ts';
import { Loading } from '../../components/loading.tsx';
import { LoadFailure, useLoad, type Announce } from '../triage/page-kit.tsx';
import type { CategoryInfo } from '../triage/triage-types.ts';
import { FormProblems } from './admin-kit.tsx';
import { adminApi } from './admin-api.ts';
import type { PolicyResponse, PolicyScope } from './admin-types.ts';
import {
  POLICY_FIELDS,
  draftFromPolicy,
  overrideCount,
  overridesFromDraft,
  type FieldValue,
  type PolicyDraft,
  type PolicyFieldInfo,
  type PolicyKey,
} from './policy-form.ts';

export interface PolicyEditorProps {
  readonly scope: PolicyScope;
  readonly scopeId: string;
  readonly scopeName: string;
  readonly categories: readonly CategoryInfo[];
  readonly announce: Announce;
}

/** One scope's overrides, each setting switchable between "inherit" and "set here". */
export function PolicyEditor(props: PolicyEditorProps): JSX.Element {
  const policy = useLoad(() => adminApi.policy(props.scope, props.scopeId), `${props.scope}:${props.scopeId}`);
  if (policy.error !== undefined && policy.data === undefined) return <LoadFailure error={policy.error} what="load this policy" onRetry={policy.reload} />;
  if (policy.data === undefined) return <Loading label="Loading the policy…" />;
  return (
    <PolicyForm
      key={JSON.stringify(policy.data.overrides)}
      response={policy.data}
      {...props}
      onSaved={() => {
        policy.reload();
      }}
    />
  );
}

function PolicyForm(props: PolicyEditorProps & { readonly response: PolicyResponse; readonly onSaved: () => void }): JSX.Element {
  const id = useId();
  const [draft, setDraft] = useState<PolicyDraft>(() => draftFromPolicy(props.response.overrides, props.response.effective));
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const setOverridden = (key: PolicyKey, on: boolean) => setDraft((previous) => ({ ...previous, overridden: { ...previous.overridden, [key]: on } }));
  const setValue = (key: PolicyKey, value: FieldValue) => setDraft((previous) => ({ ...previous, values: { ...previous.values, [key]: value } }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = overridesFromDraft(draft);
    if (!result.ok) {
      setProblems(result.problems.map((problem) => problem.message));
      return;
    }
    setProblems([]);
    setBusy(true);
    try {
      await adminApi.setPolicy(props.scope, props.scopeId, result.overrides);
      props.announce(`Policy for ${props.scopeName} saved and sent to its connected computers.`);
      props.onSaved();
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <form className="card policy-form" onSubmit={(event) => void submit(event)} aria-labelledby={`${id}-heading`} noValidate data-testid="policy-form">
        <h2 id={`${id}-heading`} className="form-heading">
          Settings for {props.scopeName}
        </h2>
        <p>
          {overrideCount(draft)} of {POLICY_FIELDS.length} settings are set here; the rest are inherited.
        </p>
        <FormProblems problems={problems} />
        {POLICY_FIELDS.map((field) => (
          <PolicySetting
            key={field.key}
            idPrefix={id}
            field={field}
            overridden={draft.overridden[field.key]}
            value={draft.values[field.key]}
            effective={props.response.effective[field.key]}
            categories={props.categories}
            onOverridden={(on) => setOverridden(field.key, on)}
            onValue={(value) => setValue(field.key, value)}
          />
        ))}
        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : 'Save policy'}
          </button>
        </div>
      </form>
      <EffectivePolicy effective={props.response.effective} categories={props.categories} />
    </>
  );
}

interface PolicySettingProps {
  readonly idPrefix: string;
  readonly field: PolicyFieldInfo;
  readonly overridden: boolean;
  readonly value: FieldValue;
  readonly effective: Policy[PolicyKey];
  readonly categories: readonly CategoryInfo[];
  readonly onOverridden: (on: boolean) => void;
  readonly onValue: (value: FieldValue) => void;
}

function PolicySetting(props: PolicySettingProps): JSX.Element {
  const { field } = props;
  const inputId = `${props.idPrefix}-${field.key}`;
  const helpId = `${inputId}-help`;
  const testId = `policy-input-${field.key}`;
  const disabled = !props.overridden;

  let control: JSX.Element;
  switch (field.kind) {
    case 'number':
      control = (
        <input
          id={inputId}
          type="number"
          data-testid={testId}
          inputMode="numeric"
          min={field.min}
          max={field.max}
          step={1}
          value={String(props.value)}
          disabled={disabled}
          onChange={(e) => props.onValue(e.target.value)}
          aria-describedby={helpId}
        />
      );
      break;
    case 'text':
      control = (
        <input
          id={inputId}
          type="text"
          data-testid={testId}
          maxLength={64}
          value={String(props.value)}
          disabled={disabled}
          onChange={(e) => props.onValue(e.target.value)}
          aria-describedby={helpId}
        />
      );
      break;
    case 'longtext':
      control = (
        <textarea
          id={inputId}
          rows={5}
          data-testid={testId}
          maxLength={20_000}
          value={String(props.value)}
          disabled={disabled}
          onChange={(e) => props.onValue(e.target.value)}
          aria-describedby={helpId}
        />
      );
      break;
    case 'lines':
      control = (
        <textarea
          id={inputId}
          rows={6}
          data-testid={testId}
          spellCheck={false}
          value={String(props.value)}
          disabled={disabled}
          onChange={(e) => props.onValue(e.target.value)}
          aria-describedby={helpId}
          className="monospace"
        />
      );
      break;
    case 'flag':
      control = (
        <label className="check-label">
          <input
            id={inputId}
            type="checkbox"
            data-testid={testId}
            checked={props.value === true}
            disabled={disabled}
            onChange={(e) => props.onValue(e.target.checked)}
            aria-describedby={helpId}
          />
          {field.label}: {props.value === true ? 'yes' : 'no'}
        </label>
      );
      break;
    case 'categories': {
      const chosen = new Set(props.value as readonly string[]);
      control = (
        <fieldset className="checkbox-grid" data-testid={testId} disabled={disabled} aria-describedby={helpId}>
          <legend className="visually-hidden">{field.label}</legend>
          {props.categories.map((category) => (
            <label key={category.id} className="check-label">
              <input
                type="checkbox"
                checked={chosen.has(category.id)}
                onChange={(e) => {
                  const next = new Set(chosen);
                  if (e.target.checked) next.add(category.id);
                  else next.delete(category.id);
                  props.onValue([...next].sort());
                }}
              />
              {category.label}
            </label>
          ))}
          {props.categories.length === 0 && <p className="field-help">The category list is not available.</p>}
        </fieldset>
      );
      break;
    }
  }

  return (
    <div className={props.overridden ? 'policy-setting policy-setting-set' : 'policy-setting'} data-testid={`policy-${field.key}`}>
      <div className="policy-setting-head">
        {field.kind === 'flag' ? (
          <span className="policy-setting-name" aria-hidden="true">
            {field.label}
          </span>
        ) : field.kind === 'categories' ? (
          <span className="policy-setting-name">{field.label}</span>
        ) : (
          <label htmlFor={inputId}>{field.label}</label>
        )}
        <label className="check-label policy-override">
          <input
            type="checkbox"
            checked={props.overridden}
            onChange={(e) => props.onOverridden(e.target.checked)}
            data-testid={`policy-override-${field.key}`}
          />
          Set here<span className="visually-hidden">: {field.label}</span>
        </label>
      </div>
      {control}
      <p className="field-help" id={helpId}>
        {field.help} {props.overridden ? '' : `Inherited: ${describeValue(props.effective, props.categories).replace(/\.$/, '')}.`}
      </p>
    </div>
  );
}

function describeValue(value: Policy[PolicyKey], categories: readonly CategoryInfo[]): string {
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'none';
    return value.map((item: string) => categories.find((category) => category.id === item)?.label ?? item).join(', ');
  }
  const text = String(value);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** What the computers at this level actually get, after all layers. */
function EffectivePolicy(props: { readonly effective: Policy; readonly categories: readonly CategoryInfo[] }): JSX.Element {
  return (
    <section className="card" aria-labelledby="effective-policy-heading" data-testid="effective-policy">
      <h2 id="effective-policy-heading">Effective policy (what these computers get)</h2>
      <dl className="facts">
        {POLICY_FIELDS.map((field) => (
          <div key={field.key} className="dl-row">
            <dt>{field.label}</dt>
            <dd className={field.kind === 'longtext' ? 'pc-text' : undefined}>
              {field.kind === 'longtext' ? (props.effective[field.key] as string) : describeValue(props.effective[field.key], props.categories)}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
