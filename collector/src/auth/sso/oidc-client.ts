import type * as Client from 'openid-client';
import { AppError } from '../../errors/app-error.ts';
import type { ActiveSso } from './sso-settings.service.ts';

let clientModule: Promise<typeof Client> | undefined;

/** openid-client (and jose) load with the first school sign-in, not at start-up: most collectors never use them. */
function loadClient(): Promise<typeof Client> {
  clientModule ??= import('openid-client');
  return clientModule;
}

/** What the browser's round trip must bring back unchanged (kept in a sealed cookie). */
export interface OidcTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
  /** The console path to open afterwards (already checked to be a local path). */
  readonly next: string | undefined;
}

export interface OidcClientOptions {
  /** Tests only: sees every request the client makes (openid-client's customFetch). */
  readonly fetch?: Client.CustomFetch;
  /** How long a discovered configuration (and its key set) is reused. */
  readonly cacheMs?: number;
}

const loopback = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/**
 * The relying party, on openid-client: discovery, the authorization code flow with PKCE
 * (S256), state and nonce, and the ID token checks (issuer, audience, expiry, nonce and,
 * with non-repudiation checks on, its signature against the provider's published keys).
 * Discovery results are cached per provider so a sign-in costs one token request.
 */
export class OidcClient {
  readonly #options: OidcClientOptions;
  readonly #cache = new Map<string, { config: Promise<Client.Configuration>; at: number }>();

  constructor(options: OidcClientOptions = {}) {
    this.#options = options;
  }

  /** Drops cached discovery, e.g. after the admin changed the provider. */
  forget(): void {
    this.#cache.clear();
  }

  async #configuration(sso: ActiveSso, now: number): Promise<Client.Configuration> {
    const key = JSON.stringify([sso.issuer, sso.clientId, sso.clientSecret]);
    const cached = this.#cache.get(key);
    if (cached !== undefined && now - cached.at < (this.#options.cacheMs ?? 3_600_000)) return cached.config;
    const client = await loadClient();
    const issuer = new URL(sso.issuer);
    const execute = [client.enableNonRepudiationChecks];
    // Plain http is accepted by the settings only for a provider on this machine (tests).
    if (issuer.protocol === 'http:' && loopback.test(issuer.host.replace(/:\d+$/, ''))) execute.push(client.allowInsecureRequests);
    const config = client
      .discovery(issuer, sso.clientId, { client_secret: sso.clientSecret }, client.ClientSecretPost(sso.clientSecret), {
        execute,
        ...(this.#options.fetch === undefined ? {} : { [client.customFetch]: this.#options.fetch }),
      })
      .then((discovered) => {
        if (this.#options.fetch !== undefined) discovered[client.customFetch] = this.#options.fetch;
        return discovered;
      });
    // A failed discovery must not be cached: the next sign-in tries again.
    config.catch(() => this.#cache.delete(key));
    this.#cache.set(key, { config, at: now });
    return config;
  }

  /** The provider's authorization URL and the transaction to keep until the callback. */
  async start(sso: ActiveSso, redirectUri: string, next: string | undefined, now: Date): Promise<{ url: URL; transaction: OidcTransaction }> {
    const config = await this.#configuration(sso, now.getTime()).catch((error: unknown) => {
      throw new AppError('sso-unavailable', 502, 'The identity provider cannot be reached', { cause: String(error) });
    });
    const client = await loadClient();
    const transaction: OidcTransaction = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      redirectUri,
      next,
    };
    const parameters: Record<string, string> = {
      redirect_uri: redirectUri,
      scope: 'openid email profile',
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(transaction.codeVerifier),
      code_challenge_method: 'S256',
      state: transaction.state,
      nonce: transaction.nonce,
    };
    // Google shows only accounts of this Workspace domain (a hint; the hd claim is checked after).
    if (sso.preset === 'google' && sso.policy.hostedDomain !== null) parameters['hd'] = sso.policy.hostedDomain;
    if (sso.policy.trustIdpMfa && sso.policy.mfaAcrValue !== null) parameters['acr_values'] = sso.policy.mfaAcrValue;
    return { url: client.buildAuthorizationUrl(config, parameters), transaction };
  }

  /**
   * Exchanges the code returned on `callbackUrl` (the redirect URI sent at the start plus
   * the provider's query: openid-client derives the token request's redirect_uri from it) and returns the validated ID token's
   * claims. Refusals: the provider said no (`sso-provider-refused`), state/PKCE/nonce or
   * any ID token check failed (`sso-token-invalid`), the provider is away (`sso-unavailable`).
   */
  async complete(sso: ActiveSso, callbackUrl: URL, transaction: OidcTransaction, now: Date): Promise<Client.IDToken> {
    const config = await this.#configuration(sso, now.getTime()).catch((error: unknown) => {
      throw new AppError('sso-unavailable', 502, 'The identity provider cannot be reached', { cause: String(error) });
    });
    const client = await loadClient();
    try {
      const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: transaction.codeVerifier,
        expectedState: transaction.state,
        expectedNonce: transaction.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (claims === undefined) throw new AppError('sso-token-invalid', 401, 'The identity provider sent no ID token');
      return claims;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof client.AuthorizationResponseError) {
        throw new AppError('sso-provider-refused', 401, 'The identity provider did not sign you in', { providerError: error.error });
      }
      if (error instanceof TypeError && /fetch failed/i.test(error.message))
        throw new AppError('sso-unavailable', 502, 'The identity provider cannot be reached');
      throw new AppError('sso-token-invalid', 401, "The identity provider's answer failed validation", {
        reason: error instanceof Error ? `${(error as { code?: string }).code ?? error.name}: ${error.message}` : String(error),
      });
    }
  }
}
