import { z } from 'zod';
import { textSchema } from '../protocol/primitives.schema.ts';
import { userRoleSchema } from './console-api.schema.ts';

// School sign-in (SSO, OpenID Connect): the admin settings API (GET/PUT /api/sso/settings),
// what the sign-in page needs to know (GET /api/auth/oidc) and the TOTP step after an
// identity-provider sign-in (POST /api/auth/oidc/totp). Implemented in collector/src/auth/sso.

/** Fills in the issuer and the claims Vigil expects from each kind of provider. */
export const ssoPresetSchema = z.enum(['microsoft', 'google', 'generic']);
export type SsoPreset = z.infer<typeof ssoPresetSchema>;

/**
 * Where a signed-in person's role comes from:
 * - `claims`: the mapping table (a value of the groups/roles claim → role and rooms),
 *   re-applied at every sign-in, so the identity provider stays the source of truth;
 * - `users`: Vigil's own user table, matched by verified e-mail (the mapping is then
 *   used only to create accounts just in time).
 */
export const ssoRoleSourceSchema = z.enum(['claims', 'users']);
export type SsoRoleSource = z.infer<typeof ssoRoleSourceSchema>;

/** `admins`: the password form is hidden from everyone but administrators (break-glass). */
export const passwordSignInSchema = z.enum(['everyone', 'admins']);
export type PasswordSignIn = z.infer<typeof passwordSignInSchema>;

export const ssoMappingSchema = z.strictObject({
  /** A value of the groups/roles claim: an Entra group object id or app role value, a group name… */
  claimValue: textSchema(200, 1),
  role: userRoleSchema,
  /** Rooms given to accounts with this mapping (a teacher's rooms). */
  roomIds: z.array(z.string().min(1).max(64)).max(200).default([]),
});
export type SsoMapping = z.infer<typeof ssoMappingSchema>;

const loopbackHost = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * Why an issuer URL cannot be used, or undefined. https only (plain http only to this
 * machine, for tests); Entra's shared `common`/`organizations`/`consumers` endpoints are
 * refused because their ID tokens cannot be tied to one school's tenant.
 */
export function ssoIssuerProblem(issuer: string): string | undefined {
  if (!URL.canParse(issuer)) return 'The issuer must be a URL such as https://accounts.google.com.';
  const url = new URL(issuer);
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') return 'The issuer must not carry a query, fragment or password.';
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHost.test(url.host.replace(/:\d+$/, ''))))
    return 'The issuer must be an https:// URL.';
  if (url.hostname === 'login.microsoftonline.com' && /^\/(common|organizations|consumers)(\/|$)/i.test(url.pathname)) {
    return "Use your tenant's own issuer (https://login.microsoftonline.com/<tenant id>/v2.0), not common/organizations.";
  }
  return undefined;
}

export const microsoftIssuer = (tenant: string) => `https://login.microsoftonline.com/${encodeURIComponent(tenant.trim())}/v2.0`;
export const googleIssuer = 'https://accounts.google.com';

const issuerSchema = z
  .string()
  .trim()
  .max(500)
  .refine((value) => ssoIssuerProblem(value) === undefined, { message: 'not a usable issuer URL' });
/** A DNS domain such as `school.org.uk` (Google Workspace's `hd` claim). */
const domainSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(253)
  .regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/, 'expected a domain such as school.org.uk');
const claimNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9_:./-]+$/, 'expected a claim name such as groups or roles');

/** The identity provider itself (read-only in the console when set by OIDC_* env). */
export const ssoProviderSchema = z.object({
  preset: ssoPresetSchema,
  /** Shown on the button: "Sign in with <providerName>". */
  providerName: textSchema(60, 1),
  issuer: z.string(),
  clientId: z.string(),
  /** The secret is never sent back, only whether one is stored. */
  clientSecretSet: z.boolean(),
});

/** The school's sign-in rules (always edited in the console). */
const ssoPolicyShape = {
  enabled: z.boolean(),
  /** Google Workspace: the ID token's `hd` must equal this. */
  hostedDomain: domainSchema.nullable(),
  roleSource: ssoRoleSourceSchema,
  /** The ID token claim the mapping looks in: `groups` or `roles` (Entra app roles). */
  groupsClaim: claimNameSchema,
  mappings: z.array(ssoMappingSchema).max(200),
  /** Create an account at first sign-in (off: unknown people are refused). */
  jitEnabled: z.boolean(),
  /** Count the provider's MFA (`amr` has `mfa`, or `acr` equals mfaAcrValue) instead of Vigil's TOTP. */
  trustIdpMfa: z.boolean(),
  mfaAcrValue: textSchema(200, 1).nullable(),
  passwordSignIn: passwordSignInSchema,
};

export const ssoSettingsResponseSchema = z.object({
  provider: ssoProviderSchema.nullable(),
  ...ssoPolicyShape,
  /** The provider is set by OIDC_* environment variables: its fields are read-only here. */
  managedByEnv: z.boolean(),
  /** Register this at the identity provider as the (web) redirect URI. */
  redirectUri: z.string(),
  updatedAt: z.iso.datetime({ offset: true }).nullable(),
});
export type SsoSettingsResponse = z.infer<typeof ssoSettingsResponseSchema>;

/** PUT /api/sso/settings (admin). `provider` must be left out while OIDC_* env manages it. */
export const updateSsoSettingsRequestSchema = z.strictObject({
  provider: z
    .strictObject({
      preset: ssoPresetSchema,
      providerName: textSchema(60, 1),
      issuer: issuerSchema,
      clientId: z.string().trim().min(1).max(200),
      /** A new secret; left out to keep the stored one. */
      clientSecret: z.string().min(1).max(500).optional(),
    })
    .optional(),
  ...ssoPolicyShape,
});
export type UpdateSsoSettingsRequest = z.input<typeof updateSsoSettingsRequestSchema>;

/** GET /api/auth/oidc (public): what the sign-in page offers. */
export const ssoSignInInfoSchema = z.object({
  enabled: z.boolean(),
  providerName: z.string().nullable(),
  passwordSignIn: passwordSignInSchema,
});
export type SsoSignInInfo = z.infer<typeof ssoSignInInfoSchema>;

/** POST /api/auth/oidc/totp (public, with the pending sign-in cookie): Vigil's TOTP after the provider. */
export const ssoTotpRequestSchema = z.strictObject({ code: z.string().trim().max(16) });

/**
 * Why a school sign-in was refused: the collector redirects to `/signin?sso_error=<code>`
 * and the sign-in page turns the code into a sentence. Stable: tests and docs use them.
 */
export const ssoErrorCodes = [
  'sso-not-configured',
  'sso-unavailable',
  'sso-state-invalid',
  'sso-provider-refused',
  'sso-token-invalid',
  'sso-email-unverified',
  'sso-domain-mismatch',
  'sso-account-unknown',
  'sso-no-role',
  'sso-account-conflict',
  'sso-account-disabled',
  'account-locked',
] as const;
export type SsoErrorCode = (typeof ssoErrorCodes)[number];
