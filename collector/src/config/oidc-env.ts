import { ssoIssuerProblem } from '@vigil/shared/console';

/**
 * The school's identity provider, when set by environment (OIDC_ISSUER, OIDC_CLIENT_ID,
 * OIDC_CLIENT_SECRET, OIDC_PROVIDER_NAME). It then wins over the console's provider
 * settings, which become read-only; the school's rules (mapping, JIT, MFA) stay in the
 * database. The secret must never reach a log line: see `describeOidcEnv`.
 */
export interface OidcEnvConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly providerName: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const names = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;

/** A name for the button that fits the issuer when OIDC_PROVIDER_NAME is unset. */
export function defaultProviderName(issuer: string): string {
  const host = URL.canParse(issuer) ? new URL(issuer).hostname : '';
  if (host === 'login.microsoftonline.com') return 'Microsoft';
  if (host === 'accounts.google.com') return 'Google';
  return 'your school account';
}

/**
 * Reads the OIDC_* variables: all three of issuer, client id and secret, or none.
 * Problems are pushed as one sentence each (never echoing the secret).
 */
export function readOidcEnv(env: Env, problems: string[]): OidcEnvConfig | undefined {
  const value = (name: string) => {
    const raw = env[name]?.trim();
    return raw === undefined || raw === '' ? undefined : raw;
  };
  const [issuer, clientId, clientSecret] = names.map(value);
  const providerName = value('OIDC_PROVIDER_NAME');
  if (issuer === undefined && clientId === undefined && clientSecret === undefined) {
    if (providerName !== undefined) problems.push('OIDC_PROVIDER_NAME needs OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET');
    return undefined;
  }
  const missing = names.filter((name) => value(name) === undefined);
  if (missing.length > 0) {
    problems.push(`${missing.join(', ')} must be set too (OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET go together)`);
    return undefined;
  }
  const before = problems.length;
  const issuerProblem = ssoIssuerProblem(issuer ?? '');
  if (issuerProblem !== undefined) problems.push(`OIDC_ISSUER: ${issuerProblem} (got ${JSON.stringify((issuer ?? '').slice(0, 200))})`);
  if ((clientId ?? '').length > 200) problems.push('OIDC_CLIENT_ID must be at most 200 characters');
  if ((clientSecret ?? '').length > 500) problems.push('OIDC_CLIENT_SECRET must be at most 500 characters');
  if (providerName !== undefined && providerName.length > 60) problems.push('OIDC_PROVIDER_NAME must be at most 60 characters');
  if (problems.length > before || issuer === undefined || clientId === undefined || clientSecret === undefined) return undefined;
  return Object.freeze({ issuer, clientId, clientSecret, providerName: providerName ?? defaultProviderName(issuer) });
}

/** For log lines: the secret masked. */
export function describeOidcEnv(oidc: OidcEnvConfig | undefined): Record<string, unknown> | undefined {
  return oidc === undefined ? undefined : { ...oidc, clientSecret: '***' };
}
