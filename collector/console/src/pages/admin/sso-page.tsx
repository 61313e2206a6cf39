import { useEffect, useId, useState, type FormEvent, type JSX } from 'react';
import type { RoomSummary, SsoPreset, SsoSettingsResponse, UpdateSsoSettingsRequest } from '@vigil/shared/console';
import { api, describeError } from '../../api/client.ts';
import { Field } from '../../components/field.tsx';
import { Loading } from '../../components/loading.tsx';
import { usePageTitle } from '../../components/use-page-title.ts';
import { CopyButton, LoadFailure, StatusLine, useAnnouncer, useLoad } from '../triage/page-kit.tsx';
import { FormProblems } from './admin-kit.tsx';
import { formFromSettings, ssoFormProblems, ssoRequestFrom, withPreset, type SsoForm } from './sso-form.ts';
import { SsoMappingTable } from './sso-mapping-table.tsx';

const PRESETS: readonly { readonly value: SsoPreset; readonly label: string }[] = [
  { value: 'microsoft', label: 'Microsoft Entra ID (Microsoft 365)' },
  { value: 'google', label: 'Google Workspace' },
  { value: 'generic', label: 'Another OpenID Connect provider' },
];

/** Admin: School sign-in (SSO): the identity provider, who gets which role, MFA and the password form. */
export function SsoPage(): JSX.Element {
  usePageTitle('School sign-in (SSO)');
  const id = useId();
  const settings = useLoad(() => api.get<SsoSettingsResponse>('/api/sso/settings'), 'sso-settings');
  const rooms = useLoad(() => api.get<{ rooms: RoomSummary[] }>('/api/rooms'), 'sso-rooms');
  const { message, announce, statusRef } = useAnnouncer();
  const [form, setForm] = useState<SsoForm | undefined>();
  const [problems, setProblems] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  const loaded = settings.data;
  // Fresh settings from the server replace whatever was typed.
  useEffect(() => setForm(loaded === undefined ? undefined : formFromSettings(loaded)), [loaded]);

  if (settings.error !== undefined) return <LoadFailure error={settings.error} what="manage school sign-in" onRetry={settings.reload} />;
  if (loaded === undefined || form === undefined) return <Loading label="Loading school sign-in settings…" />;

  const env = loaded.managedByEnv;
  const context = { managedByEnv: env, secretStored: loaded.provider?.clientSecretSet === true };
  const set = (change: Partial<SsoForm>) => setForm({ ...form, ...change });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = ssoFormProblems(form, context);
    setProblems(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      await api.put<SsoSettingsResponse>('/api/sso/settings', ssoRequestFrom(form, env) satisfies UpdateSsoSettingsRequest);
      announce(form.enabled ? 'School sign-in settings saved. The sign-in page offers it from now on.' : 'School sign-in settings saved.');
      settings.reload();
    } catch (error) {
      setProblems([describeError(error)]);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="page" aria-labelledby={`${id}-heading`}>
      <h1 id={`${id}-heading`}>School sign-in (SSO)</h1>
      <p>
        Staff sign in with their school Microsoft or Google account instead of a separate Vigil password. Administrators can always sign in with their Vigil
        password too, in case the school&apos;s sign-in is unavailable.
      </p>
      <StatusLine message={message} statusRef={statusRef} />
      <form className="card" onSubmit={(event) => void submit(event)} noValidate data-testid="sso-form">
        <FormProblems problems={problems} />
        <label className="check-label">
          <input type="checkbox" checked={form.enabled} disabled={env} onChange={(e) => set({ enabled: e.target.checked })} data-testid="sso-enabled" />
          Offer &quot;Sign in with {form.providerName || 'your school account'}&quot; on the sign-in page
        </label>

        <Field id={`${id}-redirect`} label="Redirect URI to register at the identity provider" help="Register it as a Web redirect URI exactly as shown.">
          <div className="button-row">
            <input id={`${id}-redirect`} readOnly value={loaded.redirectUri} aria-describedby={`${id}-redirect-help`} data-testid="sso-redirect-uri" />
            <CopyButton text={loaded.redirectUri} label="Copy" announce={announce} />
          </div>
        </Field>

        <fieldset disabled={env} data-testid="sso-provider">
          <legend>Identity provider</legend>
          {env && <p className="banner banner-info">Set by OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET on the collector: change it there.</p>}
          <Field id={`${id}-preset`} label="Provider">
            <select id={`${id}-preset`} value={form.preset} onChange={(e) => setForm(withPreset(form, e.target.value as SsoPreset))}>
              {PRESETS.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </select>
          </Field>
          <Field id={`${id}-name`} label="Name on the button">
            <input id={`${id}-name`} value={form.providerName} maxLength={60} onChange={(e) => set({ providerName: e.target.value })} />
          </Field>
          {form.preset === 'microsoft' && (
            <Field id={`${id}-tenant`} label="Directory (tenant) id" help="From the app registration's Overview page in the Entra admin centre.">
              <input id={`${id}-tenant`} value={form.tenant} onChange={(e) => set({ tenant: e.target.value })} aria-describedby={`${id}-tenant-help`} />
            </Field>
          )}
          {form.preset === 'generic' && (
            <Field id={`${id}-issuer`} label="Issuer URL" help="Vigil reads <issuer>/.well-known/openid-configuration.">
              <input
                id={`${id}-issuer`}
                type="url"
                value={form.issuer}
                onChange={(e) => set({ issuer: e.target.value })}
                aria-describedby={`${id}-issuer-help`}
              />
            </Field>
          )}
          <Field id={`${id}-client`} label="Client (application) id">
            <input id={`${id}-client`} value={form.clientId} onChange={(e) => set({ clientId: e.target.value })} />
          </Field>
          <Field
            id={`${id}-secret`}
            label="Client secret"
            help={context.secretStored ? 'A secret is stored (encrypted). Leave empty to keep it.' : 'Not set yet.'}
          >
            <input
              id={`${id}-secret`}
              type="password"
              autoComplete="new-password"
              value={form.clientSecret}
              onChange={(e) => set({ clientSecret: e.target.value })}
              aria-describedby={`${id}-secret-help`}
            />
          </Field>
        </fieldset>

        {form.preset !== 'microsoft' && (
          <Field id={`${id}-hd`} label="Google Workspace domain (hd)" help="Only accounts of this domain may sign in. Required for Google.">
            <input
              id={`${id}-hd`}
              value={form.hostedDomain}
              placeholder="school.org.uk"
              onChange={(e) => set({ hostedDomain: e.target.value })}
              aria-describedby={`${id}-hd-help`}
            />
          </Field>
        )}

        <fieldset>
          <legend>Who gets which role</legend>
          <label className="check-label">
            <input type="radio" name={`${id}-source`} checked={form.roleSource === 'users'} onChange={() => set({ roleSource: 'users' })} />
            From Vigil&apos;s user list, matched by verified e-mail address
          </label>
          <label className="check-label">
            <input type="radio" name={`${id}-source`} checked={form.roleSource === 'claims'} onChange={() => set({ roleSource: 'claims' })} />
            From groups or app roles in the sign-in token (the table below, applied at every sign-in)
          </label>
          <Field id={`${id}-claim`} label="Claim holding groups or roles" help="Entra: groups (group object ids) or roles (app role values).">
            <input id={`${id}-claim`} value={form.groupsClaim} onChange={(e) => set({ groupsClaim: e.target.value })} aria-describedby={`${id}-claim-help`} />
          </Field>
          <SsoMappingTable form={form} rooms={rooms.data?.rooms ?? []} onChange={setForm} idPrefix={id} />
          <label className="check-label">
            <input type="checkbox" checked={form.jitEnabled} onChange={(e) => set({ jitEnabled: e.target.checked })} data-testid="sso-jit" />
            Create a Vigil account at first sign-in (role from the table). Off: people without an account are refused.
          </label>
        </fieldset>

        <fieldset>
          <legend>Two-factor sign-in</legend>
          <label className="check-label">
            <input type="checkbox" checked={form.trustIdpMfa} onChange={(e) => set({ trustIdpMfa: e.target.checked })} data-testid="sso-trust-mfa" />
            Trust the identity provider&apos;s MFA (when the token says it happened) instead of asking for Vigil&apos;s authenticator code
          </label>
          {form.trustIdpMfa && (
            <Field id={`${id}-acr`} label="Also accept this acr value as MFA (optional)">
              <input id={`${id}-acr`} value={form.mfaAcrValue} onChange={(e) => set({ mfaAcrValue: e.target.value })} />
            </Field>
          )}
        </fieldset>

        <Field id={`${id}-password`} label="Vigil passwords">
          <select
            id={`${id}-password`}
            value={form.passwordSignIn}
            onChange={(e) => set({ passwordSignIn: e.target.value === 'admins' ? 'admins' : 'everyone' })}
          >
            <option value="everyone">Everyone may still sign in with a Vigil password</option>
            <option value="admins">Only administrators (break-glass); others must use school sign-in</option>
          </select>
        </Field>

        <div className="button-row">
          <button type="submit" className="button button-primary" disabled={busy} data-testid="sso-save">
            Save school sign-in settings
          </button>
        </div>
      </form>
    </section>
  );
}
