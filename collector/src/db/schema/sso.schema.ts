import { sql } from 'drizzle-orm';
import { boolean, check, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz } from './columns.ts';
import { users, type UserRole } from './users.schema.ts';

export const ssoPresets = ['microsoft', 'google', 'generic'] as const;
export const ssoRoleSources = ['claims', 'users'] as const;
export const passwordSignInModes = ['everyone', 'admins'] as const;

/** One row of the claim → role mapping (validated by the admin API before it is stored). */
export interface SsoMappingRow {
  readonly claimValue: string;
  readonly role: UserRole;
  readonly roomIds: readonly string[];
}

/**
 * School sign-in (OpenID Connect) settings: at most one row, id `default`. The provider
 * columns are ignored while OIDC_* environment variables configure the provider. The
 * client secret is sealed with SecretBox (auth/secret-box.ts), never stored in the clear.
 */
export const ssoSettings = pgTable(
  'sso_settings',
  {
    id: text('id').primaryKey().default('default'),
    enabled: boolean('enabled').notNull().default(false),
    preset: text('preset', { enum: ssoPresets }).notNull().default('generic'),
    providerName: text('provider_name'),
    issuer: text('issuer'),
    clientId: text('client_id'),
    clientSecretSealed: text('client_secret_sealed'),
    hostedDomain: text('hosted_domain'),
    roleSource: text('role_source', { enum: ssoRoleSources }).notNull().default('users'),
    groupsClaim: text('groups_claim').notNull().default('groups'),
    roleMappings: jsonb('role_mappings').$type<SsoMappingRow[]>().notNull().default([]),
    jitEnabled: boolean('jit_enabled').notNull().default(false),
    trustIdpMfa: boolean('trust_idp_mfa').notNull().default(false),
    mfaAcrValue: text('mfa_acr_value'),
    passwordSignIn: text('password_sign_in', { enum: passwordSignInModes }).notNull().default('everyone'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [
    check('sso_settings_single_row', sql`${t.id} = 'default'`),
    oneOf('sso_settings_preset_check', t.preset, ssoPresets),
    oneOf('sso_settings_role_source_check', t.roleSource, ssoRoleSources),
    oneOf('sso_settings_password_sign_in_check', t.passwordSignIn, passwordSignInModes),
  ],
);
