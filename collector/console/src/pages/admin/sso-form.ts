import {
  googleIssuer,
  microsoftIssuer,
  ssoIssuerProblem,
  type SsoPreset,
  type SsoSettingsResponse,
  type UpdateSsoSettingsRequest,
  type UserRole,
} from '@vigil/shared/console';

// The "School sign-in (SSO)" form's logic, apart from React so it can be tested: what the
// form holds, what each preset fills in, what is wrong before a round trip, and the PUT
// body. The collector checks everything again.

export interface MappingDraft {
  readonly claimValue: string;
  readonly role: UserRole;
  readonly roomIds: readonly string[];
}

export interface SsoForm {
  readonly enabled: boolean;
  readonly preset: SsoPreset;
  readonly providerName: string;
  /** Microsoft: the directory (tenant) id or domain; the issuer is built from it. */
  readonly tenant: string;
  /** Generic providers: the issuer URL as typed. */
  readonly issuer: string;
  readonly clientId: string;
  /** Empty: keep the stored secret. */
  readonly clientSecret: string;
  readonly hostedDomain: string;
  readonly roleSource: 'claims' | 'users';
  readonly groupsClaim: string;
  readonly mappings: readonly MappingDraft[];
  readonly jitEnabled: boolean;
  readonly trustIdpMfa: boolean;
  readonly mfaAcrValue: string;
  readonly passwordSignIn: 'everyone' | 'admins';
}

const microsoftPattern = /^https:\/\/login\.microsoftonline\.com\/([^/]+)\/v2\.0\/?$/;

/** The tenant inside an Entra issuer URL, or '' when it is not one. */
export function tenantOf(issuer: string): string {
  const match = microsoftPattern.exec(issuer);
  return match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
}

export function issuerOf(form: Pick<SsoForm, 'preset' | 'tenant' | 'issuer'>): string {
  if (form.preset === 'microsoft') return form.tenant.trim() === '' ? '' : microsoftIssuer(form.tenant);
  if (form.preset === 'google') return googleIssuer;
  return form.issuer.trim();
}

export function formFromSettings(settings: SsoSettingsResponse): SsoForm {
  const provider = settings.provider;
  return {
    enabled: settings.enabled,
    preset: provider?.preset ?? 'microsoft',
    providerName: provider?.providerName ?? 'Microsoft',
    tenant: provider === null ? '' : tenantOf(provider.issuer),
    issuer: provider?.issuer ?? '',
    clientId: provider?.clientId ?? '',
    clientSecret: '',
    hostedDomain: settings.hostedDomain ?? '',
    roleSource: settings.roleSource,
    groupsClaim: settings.groupsClaim,
    mappings: settings.mappings,
    jitEnabled: settings.jitEnabled,
    trustIdpMfa: settings.trustIdpMfa,
    mfaAcrValue: settings.mfaAcrValue ?? '',
    passwordSignIn: settings.passwordSignIn,
  };
}

/** Switching preset: a fitting button name and claim, unless the admin already chose one. */
export function withPreset(form: SsoForm, preset: SsoPreset): SsoForm {
  const defaultNames = ['', 'Microsoft', 'Google', 'your school account'];
  const name = defaultNames.includes(form.providerName.trim())
    ? preset === 'microsoft'
      ? 'Microsoft'
      : preset === 'google'
        ? 'Google'
        : 'your school account'
    : form.providerName;
  // Entra sends group object ids in `groups` or app role values in `roles`; Google sends neither.
  const groupsClaim = preset === 'microsoft' && form.groupsClaim === '' ? 'roles' : form.groupsClaim;
  return { ...form, preset, providerName: name, groupsClaim, roleSource: preset === 'google' ? 'users' : form.roleSource };
}

export const emptyMapping: MappingDraft = { claimValue: '', role: 'teacher', roomIds: [] };

export function changeMapping(form: SsoForm, index: number, change: Partial<MappingDraft>): SsoForm {
  return { ...form, mappings: form.mappings.map((mapping, at) => (at === index ? { ...mapping, ...change } : mapping)) };
}

export function removeMapping(form: SsoForm, index: number): SsoForm {
  return { ...form, mappings: form.mappings.filter((_, at) => at !== index) };
}

/** Order matters (the first matching row decides the role): move a row up one place. */
export function moveMappingUp(form: SsoForm, index: number): SsoForm {
  if (index <= 0 || index >= form.mappings.length) return form;
  const rows = [...form.mappings];
  const [row] = rows.splice(index, 1);
  if (row !== undefined) rows.splice(index - 1, 0, row);
  return { ...form, mappings: rows };
}

const domainPattern = /^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/i;

/** Everything wrong with the form, as sentences for the problem list (empty: ready to save). */
export function ssoFormProblems(form: SsoForm, context: { readonly managedByEnv: boolean; readonly secretStored: boolean }): string[] {
  const problems: string[] = [];
  if (!context.managedByEnv && (form.enabled || form.clientId.trim() !== '')) {
    if (form.providerName.trim() === '') problems.push('Enter the name shown on the sign-in button.');
    if (form.preset === 'microsoft' && form.tenant.trim() === '') problems.push('Enter your Microsoft Entra directory (tenant) id.');
    const issuer = issuerOf(form);
    const issuerProblem = issuer === '' ? undefined : ssoIssuerProblem(issuer);
    if (form.preset === 'generic' && issuer === '') problems.push('Enter the issuer URL of your identity provider.');
    if (issuerProblem !== undefined) problems.push(issuerProblem);
    if (form.clientId.trim() === '') problems.push('Enter the client (application) id.');
    if (form.clientSecret === '' && !context.secretStored) problems.push('Enter the client secret.');
  }
  const domain = form.hostedDomain.trim();
  if (domain !== '' && !domainPattern.test(domain)) problems.push('The Workspace domain must look like school.org.uk.');
  if (form.enabled && form.preset === 'google' && domain === '')
    problems.push('Enter your Google Workspace domain: without it any Google account could try to sign in.');
  const values = form.mappings.map((mapping) => mapping.claimValue.trim());
  if (values.some((value) => value === '')) problems.push('Every mapping row needs a group or role value.');
  const repeated = values.filter((value, at) => value !== '' && values.indexOf(value) !== at);
  if (repeated.length > 0) problems.push(`"${repeated[0]}" is mapped more than once; keep one row per value.`);
  if (form.roleSource === 'claims' && form.mappings.length === 0) problems.push('Roles from groups need at least one mapping row.');
  if (form.jitEnabled && form.mappings.length === 0)
    problems.push('Creating accounts at first sign-in needs at least one mapping row (the new account takes its role from it).');
  if (form.groupsClaim.trim() === '' && form.mappings.length > 0) problems.push('Enter the claim that holds the groups or roles (usually groups or roles).');
  return problems;
}

/** The PUT body. The provider is left out while env manages it, and the secret when unchanged. */
export function ssoRequestFrom(form: SsoForm, managedByEnv: boolean): UpdateSsoSettingsRequest {
  const includeProvider = !managedByEnv && (form.enabled || form.clientId.trim() !== '');
  return {
    ...(includeProvider
      ? {
          provider: {
            preset: form.preset,
            providerName: form.providerName.trim(),
            issuer: issuerOf(form),
            clientId: form.clientId.trim(),
            ...(form.clientSecret === '' ? {} : { clientSecret: form.clientSecret }),
          },
        }
      : {}),
    enabled: form.enabled,
    hostedDomain: form.hostedDomain.trim() === '' ? null : form.hostedDomain.trim().toLowerCase(),
    roleSource: form.roleSource,
    groupsClaim: form.groupsClaim.trim() === '' ? 'groups' : form.groupsClaim.trim(),
    mappings: form.mappings.map((mapping) => ({ claimValue: mapping.claimValue.trim(), role: mapping.role, roomIds: [...mapping.roomIds] })),
    jitEnabled: form.jitEnabled,
    trustIdpMfa: form.trustIdpMfa,
    mfaAcrValue: form.trustIdpMfa && form.mfaAcrValue.trim() !== '' ? form.mfaAcrValue.trim() : null,
    passwordSignIn: form.passwordSignIn,
  };
}
