import { ssoSettingsResponseSchema, updateSsoSettingsRequestSchema, type SsoSettingsResponse } from '@vigil/shared/console';
import { describe, expect, it } from 'vitest';
import { formFromSettings, issuerOf, moveMappingUp, ssoFormProblems, ssoRequestFrom, tenantOf, withPreset, type SsoForm } from './sso-form.ts';

const off: SsoSettingsResponse = ssoSettingsResponseSchema.parse({
  provider: null,
  enabled: false,
  hostedDomain: null,
  roleSource: 'users',
  groupsClaim: 'groups',
  mappings: [],
  jitEnabled: false,
  trustIdpMfa: false,
  mfaAcrValue: null,
  passwordSignIn: 'everyone',
  managedByEnv: false,
  redirectUri: 'https://vigil.school.example/auth/oidc/callback',
  updatedAt: null,
});
const fresh = (): SsoForm => formFromSettings(off);
const context = { managedByEnv: false, secretStored: false };

describe('the School sign-in (SSO) form', () => {
  it('builds the Entra issuer from the tenant and reads it back', () => {
    const form = { ...fresh(), tenant: 'b1c2d3e4-0000-1111-2222-333344445555' };
    expect(issuerOf(form)).toBe('https://login.microsoftonline.com/b1c2d3e4-0000-1111-2222-333344445555/v2.0');
    expect(tenantOf(issuerOf(form))).toBe(form.tenant);
    expect(issuerOf({ ...form, preset: 'google' })).toBe('https://accounts.google.com');
  });

  it('lists what is missing before it can be switched on', () => {
    expect(ssoFormProblems(fresh(), context)).toEqual([]);
    const on = { ...fresh(), enabled: true };
    expect(ssoFormProblems(on, context)).toEqual([
      'Enter your Microsoft Entra directory (tenant) id.',
      'Enter the client (application) id.',
      'Enter the client secret.',
    ]);
    const ready = { ...on, tenant: 'school.onmicrosoft.com', clientId: 'abc', clientSecret: 's3cret' };
    expect(ssoFormProblems(ready, context)).toEqual([]);
    // A stored secret need not be typed again; env-managed providers are not checked at all.
    expect(ssoFormProblems({ ...ready, clientSecret: '' }, { managedByEnv: false, secretStored: true })).toEqual([]);
    expect(ssoFormProblems(on, { managedByEnv: true, secretStored: true })).toEqual([]);
  });

  it("refuses Entra's shared endpoints, plain http and a Google provider without its domain", () => {
    const generic = withPreset({ ...fresh(), enabled: true, clientId: 'a', clientSecret: 'b' }, 'generic');
    expect(ssoFormProblems({ ...generic, issuer: 'http://idp.school.example' }, context)).toContain('The issuer must be an https:// URL.');
    expect(ssoFormProblems({ ...generic, issuer: 'https://login.microsoftonline.com/common/v2.0' }, context).join(' ')).toContain('not common/organizations');
    const google = withPreset({ ...fresh(), enabled: true, clientId: 'a', clientSecret: 'b' }, 'google');
    expect(google.providerName).toBe('Google');
    expect(google.roleSource).toBe('users');
    expect(ssoFormProblems(google, context).join(' ')).toContain('Google Workspace domain');
    expect(ssoFormProblems({ ...google, hostedDomain: 'not a domain' }, context)).toContain('The Workspace domain must look like school.org.uk.');
    expect(ssoFormProblems({ ...google, hostedDomain: 'school.org.uk' }, context)).toEqual([]);
  });

  it('checks the mapping table: values filled in, no repeats, present when roles come from groups or JIT is on', () => {
    const form = { ...fresh(), roleSource: 'claims' as const, jitEnabled: true };
    expect(ssoFormProblems(form, context)).toEqual([
      'Roles from groups need at least one mapping row.',
      'Creating accounts at first sign-in needs at least one mapping row (the new account takes its role from it).',
    ]);
    const rows = {
      ...form,
      mappings: [
        { claimValue: 'staff', role: 'teacher' as const, roomIds: [] },
        { claimValue: 'staff', role: 'dsl' as const, roomIds: [] },
        { claimValue: ' ', role: 'viewer' as const, roomIds: [] },
      ],
    };
    expect(ssoFormProblems(rows, context)).toEqual([
      'Every mapping row needs a group or role value.',
      '"staff" is mapped more than once; keep one row per value.',
    ]);
    const moved = moveMappingUp(rows, 1);
    expect(moved.mappings.map((row) => row.role)).toEqual(['dsl', 'teacher', 'viewer']);
    expect(moveMappingUp(rows, 0)).toBe(rows);
  });

  it('sends a body the collector accepts: secret only when typed, no provider while env manages it', () => {
    const form: SsoForm = {
      ...fresh(),
      enabled: true,
      tenant: 'school.onmicrosoft.com',
      clientId: ' abc ',
      clientSecret: '',
      trustIdpMfa: true,
      mfaAcrValue: '  ',
      mappings: [{ claimValue: ' Vigil.DSL ', role: 'dsl', roomIds: ['r1'] }],
    };
    const body = ssoRequestFrom(form, false);
    expect(updateSsoSettingsRequestSchema.safeParse(body).success).toBe(true);
    expect(body.provider).toEqual({
      preset: 'microsoft',
      providerName: 'Microsoft',
      issuer: 'https://login.microsoftonline.com/school.onmicrosoft.com/v2.0',
      clientId: 'abc',
    });
    expect(body.mappings).toEqual([{ claimValue: 'Vigil.DSL', role: 'dsl', roomIds: ['r1'] }]);
    expect(body.mfaAcrValue).toBeNull();
    expect(ssoRequestFrom({ ...form, clientSecret: 'new' }, false).provider?.clientSecret).toBe('new');
    expect(ssoRequestFrom(form, true).provider).toBeUndefined();
  });
});
