import type { IDToken } from 'openid-client';
import type { SsoErrorCode } from '@vigil/shared/console';
import type { SsoMappingRow, UserRole } from '../../db/schema/index.ts';
import type { ActiveSso, SsoPolicy } from './sso-settings.service.ts';

// Pure reading of a validated ID token (openid-client already checked issuer, audience,
// expiry, nonce and signature): what Vigil may conclude about the person.

export interface SsoIdentity {
  readonly issuer: string;
  readonly subject: string;
  /** Lower-cased; undefined when the token carries none. */
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly displayName: string | undefined;
  /** Values of the configured groups/roles claim. */
  readonly groups: readonly string[];
  /** The provider vouched for a second factor AND the admin trusts it. */
  readonly idpMfa: boolean;
}

export type IdentityResult =
  { readonly ok: true; readonly identity: SsoIdentity } | { readonly ok: false; readonly code: SsoErrorCode; readonly reason: string };

const text = (value: unknown, max: number): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim().slice(0, max) : undefined);

/**
 * `email_verified: true`, the OpenID Connect standard. Entra ID does not send it; its
 * optional claim `xms_edov` ("e-mail domain owner verified") says the same for the
 * tenant's own domains, so the Microsoft preset accepts that instead.
 */
function emailVerified(claims: IDToken, preset: ActiveSso['preset']): boolean {
  if (claims['email_verified'] === true || claims['email_verified'] === 'true') return true;
  const edov = claims['xms_edov'];
  return preset === 'microsoft' && (edov === true || edov === 1 || edov === '1' || edov === 'true');
}

function claimValues(value: unknown): string[] {
  const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  // Bounded: a hostile or misconfigured provider must not make us store megabytes.
  return values.filter((item): item is string => typeof item === 'string' && item.length <= 200).slice(0, 1000);
}

/** The provider's MFA counts only when the admin trusts it and the token says so. */
export function idpMfaSatisfied(claims: IDToken, policy: Pick<SsoPolicy, 'trustIdpMfa' | 'mfaAcrValue'>): boolean {
  if (!policy.trustIdpMfa) return false;
  const amr = claims.amr;
  if (Array.isArray(amr) && amr.includes('mfa')) return true;
  return policy.mfaAcrValue !== null && claims.acr === policy.mfaAcrValue;
}

export function identityFromClaims(claims: IDToken, sso: ActiveSso): IdentityResult {
  const { policy } = sso;
  // Google: any Google account can sign in to a Google client; only `hd` ties it to the school.
  const requiredDomain = policy.hostedDomain ?? (sso.preset === 'google' ? '' : undefined);
  if (requiredDomain !== undefined) {
    const hd = typeof claims['hd'] === 'string' ? claims['hd'].toLowerCase() : undefined;
    if (requiredDomain === '' || hd !== requiredDomain)
      return { ok: false, code: 'sso-domain-mismatch', reason: `hd ${hd ?? '(none)'} is not ${requiredDomain || '(no domain configured)'}` };
  }
  const email = text(claims['email'], 320)?.toLowerCase();
  return {
    ok: true,
    identity: {
      issuer: claims.iss,
      subject: claims.sub,
      email,
      emailVerified: email !== undefined && emailVerified(claims, sso.preset),
      displayName: text(claims['name'], 100) ?? email,
      groups: claimValues(claims[policy.groupsClaim]),
      idpMfa: idpMfaSatisfied(claims, policy),
    },
  };
}

export interface MappedRole {
  readonly role: UserRole;
  readonly roomIds: readonly string[];
}

/**
 * The first mapping row (in the admin's order) whose value the person has decides the
 * role; rooms come from every matching row with that role (a teacher in two groups gets
 * both groups' rooms). Values compare exactly: group ids and app role values are
 * case-sensitive at the provider.
 */
export function mappedRole(groups: readonly string[], mappings: readonly SsoMappingRow[]): MappedRole | undefined {
  const held = new Set(groups);
  const matching = mappings.filter((mapping) => held.has(mapping.claimValue));
  const first = matching[0];
  if (first === undefined) return undefined;
  const roomIds = new Set(matching.filter((mapping) => mapping.role === first.role).flatMap((mapping) => mapping.roomIds));
  return { role: first.role, roomIds: [...roomIds] };
}
