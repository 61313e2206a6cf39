import type { IDToken } from 'openid-client';
import { describe, expect, it } from 'vitest';
import { identityFromClaims, mappedRole } from './sso-identity.ts';
import type { ActiveSso } from './sso-settings.service.ts';

const base: ActiveSso = {
  preset: 'generic',
  providerName: 'IdP',
  issuer: 'https://idp.example',
  clientId: 'c',
  clientSecret: 's',
  policy: {
    hostedDomain: null,
    roleSource: 'users',
    groupsClaim: 'groups',
    mappings: [],
    jitEnabled: false,
    trustIdpMfa: false,
    mfaAcrValue: null,
    passwordSignIn: 'everyone',
  },
};
const token = (claims: Record<string, unknown>): IDToken => ({ iss: 'https://idp.example', sub: 'abc', aud: 'c', iat: 1, exp: 2, ...claims });
const withPolicy = (policy: Partial<ActiveSso['policy']>, preset: ActiveSso['preset'] = 'generic'): ActiveSso => ({
  ...base,
  preset,
  policy: { ...base.policy, ...policy },
});

describe('identityFromClaims', () => {
  it('lower-cases the e-mail and believes it only when email_verified is true', () => {
    const ok = identityFromClaims(token({ email: 'Pat@School.Example', email_verified: true }), base);
    expect(ok.ok && ok.identity).toMatchObject({ email: 'pat@school.example', emailVerified: true });
    const unverified = identityFromClaims(token({ email: 'pat@school.example' }), base);
    expect(unverified.ok && unverified.identity.emailVerified).toBe(false);
  });

  it("accepts Entra's xms_edov for the Microsoft preset only", () => {
    const claims = token({ email: 'pat@school.example', xms_edov: true });
    const microsoft = identityFromClaims(claims, withPolicy({}, 'microsoft'));
    expect(microsoft.ok && microsoft.identity.emailVerified).toBe(true);
    const generic = identityFromClaims(claims, base);
    expect(generic.ok && generic.identity.emailVerified).toBe(false);
  });

  it('requires hd to equal the configured domain, and a Google provider to have one', () => {
    expect(identityFromClaims(token({ hd: 'school.example' }), withPolicy({ hostedDomain: 'school.example' }, 'google')).ok).toBe(true);
    expect(identityFromClaims(token({ hd: 'other.example' }), withPolicy({ hostedDomain: 'school.example' }, 'google'))).toMatchObject({
      ok: false,
      code: 'sso-domain-mismatch',
    });
    expect(identityFromClaims(token({}), withPolicy({ hostedDomain: 'school.example' }, 'google'))).toMatchObject({ ok: false, code: 'sso-domain-mismatch' });
    expect(identityFromClaims(token({ hd: 'school.example' }), withPolicy({}, 'google'))).toMatchObject({ ok: false, code: 'sso-domain-mismatch' });
  });

  it("counts the provider's MFA only when trusted: amr has mfa, or acr equals the configured value", () => {
    const idpMfa = (claims: Record<string, unknown>, policy: Partial<ActiveSso['policy']>) => {
      const result = identityFromClaims(token(claims), withPolicy(policy));
      return result.ok && result.identity.idpMfa;
    };
    expect(idpMfa({ amr: ['pwd', 'mfa'] }, { trustIdpMfa: false })).toBe(false);
    expect(idpMfa({ amr: ['pwd', 'mfa'] }, { trustIdpMfa: true })).toBe(true);
    expect(idpMfa({ amr: ['pwd'] }, { trustIdpMfa: true })).toBe(false);
    expect(idpMfa({ acr: 'urn:mfa' }, { trustIdpMfa: true, mfaAcrValue: 'urn:mfa' })).toBe(true);
    expect(idpMfa({ acr: 'urn:pwd' }, { trustIdpMfa: true, mfaAcrValue: 'urn:mfa' })).toBe(false);
  });

  it('reads the configured groups claim, string or array, ignoring non-strings', () => {
    const roles = identityFromClaims(token({ roles: ['Vigil.Teacher', 7], groups: ['x'] }), withPolicy({ groupsClaim: 'roles' }));
    expect(roles.ok && roles.identity.groups).toEqual(['Vigil.Teacher']);
    const single = identityFromClaims(token({ groups: 'staff' }), base);
    expect(single.ok && single.identity.groups).toEqual(['staff']);
  });
});

describe('mappedRole', () => {
  const mappings = [
    { claimValue: 'it', role: 'technician' as const, roomIds: [] },
    { claimValue: 'y7', role: 'teacher' as const, roomIds: ['r1'] },
    { claimValue: 'science', role: 'teacher' as const, roomIds: ['r2', 'r1'] },
  ];
  it("takes the first matching row's role and every matching row's rooms for that role", () => {
    expect(mappedRole(['science', 'y7'], mappings)).toEqual({ role: 'teacher', roomIds: ['r1', 'r2'] });
    expect(mappedRole(['y7', 'it'], mappings)).toEqual({ role: 'technician', roomIds: [] });
    expect(mappedRole(['pupils'], mappings)).toBeUndefined();
    expect(mappedRole(['IT'], mappings)).toBeUndefined();
  });
});
