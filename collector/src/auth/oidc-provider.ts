// SEAM ONLY — nothing here runs yet. Single sign-on with Microsoft Entra ID (Azure AD)
// or Google Workspace will be built on `openid-client` (not installed yet: add it to the
// pnpm catalog when this is implemented). This file fixes the shape so the work slots in
// without touching the session, CSRF or access-table code:
//
//   GET  /api/auth/oidc/:provider/start     → 302 to the provider (authorization code
//        flow with PKCE; state + nonce + code_verifier kept in a short-lived, httpOnly,
//        SameSite=Lax cookie: Lax because the provider's redirect back is a cross-site
//        top-level GET)
//   GET  /api/auth/oidc/:provider/callback  → OidcProvider.complete(), then the SAME
//        createSession() as password sign-in, audited as `auth.login` with {via: 'oidc'}
//   Both routes need a line in access-rules.ts ('public').
//
// Rules the implementation must keep:
// - An identity signs in only as an EXISTING account linked by (users.oidc_issuer,
//   users.oidc_subject); never create accounts or take roles from the provider's claims
//   (least privilege stays with the admin). Linking by verified e-mail on first use is
//   allowed only when the admin turned it on for that provider.
// - The provider's MFA counts as the second factor only if the ID token's `amr` claim
//   says so (Entra: 'mfa'); otherwise privileged roles still need TOTP.
// - Lockout and audit apply as for passwords (a refused identity is `auth.login-failed`).

/** Provider settings; will come from the database (admin page), not env. */
export interface OidcProviderConfig {
  readonly id: string;
  readonly kind: 'entra-id' | 'google-workspace';
  /** Entra: `https://login.microsoftonline.com/<tenant-id>/v2.0`; Google: `https://accounts.google.com`. */
  readonly issuer: string;
  readonly clientId: string;
  /** Sealed with SecretBox (secret-box.ts) when stored. */
  readonly clientSecret: string;
  /** `<PUBLIC_URL>/api/auth/oidc/<id>/callback`, registered with the provider. */
  readonly redirectUri: string;
  /** Accept only these tenants / Google Workspace domains (`hd` claim). */
  readonly allowedDomains: readonly string[];
  /** Link a not-yet-linked account by verified e-mail on first sign-in. */
  readonly linkByEmail: boolean;
}

/** What a successful provider round trip proves about the person. */
export interface OidcIdentity {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | undefined;
  readonly emailVerified: boolean;
  readonly displayName: string | undefined;
  /** The provider vouched for a second factor (`amr` contains 'mfa'). */
  readonly mfa: boolean;
}

export interface OidcAuthorizationStart {
  /** Where to send the browser. */
  readonly redirectTo: string;
  /** state, nonce and PKCE verifier, for the short-lived cookie. */
  readonly transaction: { readonly state: string; readonly nonce: string; readonly codeVerifier: string };
}

/** One configured provider, implemented over openid-client's discovery + code flow. */
export interface OidcProvider {
  readonly config: OidcProviderConfig;
  start(): Promise<OidcAuthorizationStart>;
  /** Exchanges the code on `callbackUrl`, validates the ID token; rejects on any mismatch. */
  complete(callbackUrl: URL, transaction: OidcAuthorizationStart['transaction']): Promise<OidcIdentity>;
}

/** No provider is configured until the implementation lands. */
export const oidcProviders: readonly OidcProviderConfig[] = [];
