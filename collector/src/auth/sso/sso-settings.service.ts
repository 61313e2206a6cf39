import type { SsoPreset, SsoSettingsResponse, SsoSignInInfo, updateSsoSettingsRequestSchema } from '@vigil/shared/console';
import type { z } from 'zod';
import { auditChange, type AdminContext } from '../../admin/admin-context.ts';
import type { OidcEnvConfig } from '../../config/oidc-env.ts';
import type { Db } from '../../db/database.ts';
import type { SsoMappingRow } from '../../db/schema/index.ts';
import { AppError } from '../../errors/app-error.ts';
import type { SecretBox } from '../secret-box.ts';
import { existingRoomIds, loadSsoSettings, saveSsoSettings, type SsoSettingsRow } from './sso-settings.repository.ts';

/** Binds the sealed client secret to its purpose (SecretBox associated data). */
const secretContext = 'vigil-sso:client-secret';

export interface SsoDeps {
  readonly db: Db;
  readonly secretBox: SecretBox;
  /** OIDC_* from the environment: wins over the stored provider. */
  readonly oidcEnv: OidcEnvConfig | undefined;
}

/** The school's rules for sign-in through the provider. */
export interface SsoPolicy {
  readonly hostedDomain: string | null;
  readonly roleSource: 'claims' | 'users';
  readonly groupsClaim: string;
  readonly mappings: readonly SsoMappingRow[];
  readonly jitEnabled: boolean;
  readonly trustIdpMfa: boolean;
  readonly mfaAcrValue: string | null;
  readonly passwordSignIn: 'everyone' | 'admins';
}

/** A provider ready for a sign-in: the secret opened. */
export interface ActiveSso {
  readonly preset: SsoPreset;
  readonly providerName: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly policy: SsoPolicy;
}

export function presetOfIssuer(issuer: string): SsoPreset {
  const host = URL.canParse(issuer) ? new URL(issuer).hostname : '';
  return host === 'login.microsoftonline.com' ? 'microsoft' : host === 'accounts.google.com' ? 'google' : 'generic';
}

function policyOf(row: SsoSettingsRow | undefined): SsoPolicy {
  return {
    hostedDomain: row?.hostedDomain ?? null,
    roleSource: row?.roleSource ?? 'users',
    groupsClaim: row?.groupsClaim ?? 'groups',
    mappings: row?.roleMappings ?? [],
    jitEnabled: row?.jitEnabled ?? false,
    trustIdpMfa: row?.trustIdpMfa ?? false,
    mfaAcrValue: row?.mfaAcrValue ?? null,
    passwordSignIn: row?.passwordSignIn ?? 'everyone',
  };
}

/** Env wins: with OIDC_* set, sign-in through the provider is on whatever the row says. */
function enabledOf(deps: SsoDeps, row: SsoSettingsRow | undefined): boolean {
  if (deps.oidcEnv !== undefined) return true;
  return row !== undefined && row.enabled && row.issuer !== null && row.clientId !== null && row.clientSecretSealed !== null;
}

/** The provider to use now, or undefined when school sign-in is off or incomplete. */
export async function activeSso(deps: SsoDeps): Promise<ActiveSso | undefined> {
  const row = await loadSsoSettings(deps.db);
  if (!enabledOf(deps, row)) return undefined;
  const policy = policyOf(row);
  const env = deps.oidcEnv;
  if (env !== undefined)
    return {
      preset: presetOfIssuer(env.issuer),
      providerName: env.providerName,
      issuer: env.issuer,
      clientId: env.clientId,
      clientSecret: env.clientSecret,
      policy,
    };
  if (row?.issuer == null || row.clientId === null || row.clientSecretSealed === null) return undefined;
  const clientSecret = await deps.secretBox.open(row.clientSecretSealed, secretContext);
  return { preset: row.preset, providerName: row.providerName ?? 'your school account', issuer: row.issuer, clientId: row.clientId, clientSecret, policy };
}

/** What the (signed-out) sign-in page may know: nothing secret. */
export async function ssoSignInInfo(deps: SsoDeps): Promise<SsoSignInInfo> {
  const row = await loadSsoSettings(deps.db);
  const enabled = enabledOf(deps, row);
  const providerName = deps.oidcEnv?.providerName ?? row?.providerName ?? null;
  // Hiding the password form only makes sense when there is another way in.
  return { enabled, providerName: enabled ? providerName : null, passwordSignIn: enabled ? policyOf(row).passwordSignIn : 'everyone' };
}

export async function ssoSettingsForAdmin(deps: SsoDeps, redirectUri: string): Promise<SsoSettingsResponse> {
  const row = await loadSsoSettings(deps.db);
  const env = deps.oidcEnv;
  const provider =
    env !== undefined
      ? { preset: presetOfIssuer(env.issuer), providerName: env.providerName, issuer: env.issuer, clientId: env.clientId, clientSecretSet: true }
      : row?.issuer != null && row.clientId !== null
        ? {
            preset: row.preset,
            providerName: row.providerName ?? '',
            issuer: row.issuer,
            clientId: row.clientId,
            clientSecretSet: row.clientSecretSealed !== null,
          }
        : null;
  const policy = policyOf(row);
  return {
    provider,
    enabled: enabledOf(deps, row),
    ...policy,
    mappings: policy.mappings.map((mapping) => ({ ...mapping, roomIds: [...mapping.roomIds] })),
    managedByEnv: env !== undefined,
    redirectUri,
    updatedAt: row?.updatedAt.toISOString() ?? null,
  };
}

type UpdateBody = z.output<typeof updateSsoSettingsRequestSchema>;

/**
 * Saves the settings (admin) and audits `sso.update` in the same transaction, naming what
 * changed but never the secret. Refused: provider fields while OIDC_* manages them (409
 * `sso-managed-by-env`), enabling without a complete provider (400 `sso-provider-incomplete`),
 * a Google provider without its Workspace domain (400 `sso-domain-required`), unknown rooms
 * in the mapping (400 `room-unknown`).
 */
export async function updateSsoSettings(deps: SsoDeps, context: AdminContext, body: UpdateBody): Promise<void> {
  const current = await loadSsoSettings(deps.db);
  if (deps.oidcEnv !== undefined && body.provider !== undefined) {
    throw new AppError('sso-managed-by-env', 409, 'The identity provider is set by OIDC_* environment variables on the collector; change it there');
  }
  const provider = body.provider;
  const secretSealed =
    provider?.clientSecret === undefined ? (current?.clientSecretSealed ?? null) : await deps.secretBox.seal(provider.clientSecret, secretContext);
  const issuer = deps.oidcEnv?.issuer ?? provider?.issuer ?? current?.issuer ?? null;
  const preset = deps.oidcEnv === undefined ? (provider?.preset ?? current?.preset ?? 'generic') : presetOfIssuer(deps.oidcEnv.issuer);
  const complete = deps.oidcEnv !== undefined || (issuer !== null && (provider?.clientId ?? current?.clientId ?? null) !== null && secretSealed !== null);
  if (body.enabled && !complete)
    throw new AppError('sso-provider-incomplete', 400, 'Enter the issuer, client id and client secret before turning school sign-in on');
  if (body.enabled && preset === 'google' && body.hostedDomain === null) {
    throw new AppError(
      'sso-domain-required',
      400,
      "Google Workspace sign-in needs your school's domain (the hd claim), or any Google account could try to sign in",
    );
  }
  const roomIds = [...new Set(body.mappings.flatMap((mapping) => mapping.roomIds))];
  const known = await existingRoomIds(deps.db, roomIds);
  const unknown = roomIds.filter((id) => !known.has(id));
  if (unknown.length > 0) throw new AppError('room-unknown', 400, 'A mapping names a room that does not exist', { roomIds: unknown });

  const change = {
    enabled: body.enabled,
    ...(provider === undefined
      ? {}
      : {
          preset: provider.preset,
          providerName: provider.providerName.trim(),
          issuer: provider.issuer,
          clientId: provider.clientId,
          clientSecretSealed: secretSealed,
        }),
    hostedDomain: body.hostedDomain,
    roleSource: body.roleSource,
    groupsClaim: body.groupsClaim,
    roleMappings: body.mappings.map((mapping) => ({ claimValue: mapping.claimValue.trim(), role: mapping.role, roomIds: [...new Set(mapping.roomIds)] })),
    jitEnabled: body.jitEnabled,
    trustIdpMfa: body.trustIdpMfa,
    mfaAcrValue: body.mfaAcrValue,
    passwordSignIn: body.passwordSignIn,
    updatedAt: context.now,
    updatedBy: context.user.id,
  };
  await deps.db.transaction(async (tx) => {
    await saveSsoSettings(tx, change);
    await auditChange(tx, context, {
      action: 'sso.update',
      targetType: 'sso-settings',
      targetId: 'default',
      detail: {
        enabled: body.enabled,
        ...(provider === undefined ? {} : { issuer: provider.issuer, clientId: provider.clientId, preset: provider.preset }),
        clientSecretChanged: provider?.clientSecret !== undefined,
        roleSource: body.roleSource,
        mappings: body.mappings.length,
        jitEnabled: body.jitEnabled,
        trustIdpMfa: body.trustIdpMfa,
        passwordSignIn: body.passwordSignIn,
      },
    });
  });
}
