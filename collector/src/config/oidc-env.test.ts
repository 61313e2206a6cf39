import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from './config.ts';

describe('OIDC_* environment', () => {
  const full = {
    OIDC_ISSUER: 'https://login.microsoftonline.com/0b3c2a1e-1111-2222-3333-444455556666/v2.0',
    OIDC_CLIENT_ID: 'app-id',
    OIDC_CLIENT_SECRET: 'sup3r-s3cret',
  };

  it('reads issuer, client id and secret together, naming the provider after the issuer', () => {
    const result = loadConfig(full, '/srv/vigil');
    expect(result.ok && result.config.oidc).toEqual({ issuer: full.OIDC_ISSUER, clientId: 'app-id', clientSecret: 'sup3r-s3cret', providerName: 'Microsoft' });
  });

  it('masks the client secret in the logged configuration', () => {
    const result = loadConfig({ ...full, OIDC_PROVIDER_NAME: 'Northfield' }, '/srv/vigil');
    if (!result.ok) throw new Error(result.message);
    const described = JSON.stringify(describeConfig(result.config));
    expect(described).not.toContain('sup3r-s3cret');
    expect(described).toContain('Northfield');
  });

  it.each([
    [{ OIDC_ISSUER: full.OIDC_ISSUER }, 'OIDC_CLIENT_ID, OIDC_CLIENT_SECRET must be set too'],
    [{ ...full, OIDC_ISSUER: 'http://idp.school.example' }, 'OIDC_ISSUER: The issuer must be an https:// URL.'],
    [{ ...full, OIDC_ISSUER: 'https://login.microsoftonline.com/common/v2.0' }, 'not common/organizations'],
    [{ OIDC_PROVIDER_NAME: 'x' }, 'OIDC_PROVIDER_NAME needs OIDC_ISSUER'],
  ])('refuses %j in one line without echoing the secret', (env, part) => {
    const result = loadConfig(env, '/srv/vigil');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain(part);
    expect(result.message).not.toContain('sup3r-s3cret');
  });
});
