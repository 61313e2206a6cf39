import { updateSsoSettingsRequestSchema } from '@vigil/shared/console';
import type { FastifyPluginAsync } from 'fastify';
import { adminContext } from '../../admin/admin-context.ts';
import { decodeBody } from '../auth.schemas.ts';
import type { OidcClient } from './oidc-client.ts';
import { ssoSettingsForAdmin, updateSsoSettings, type SsoDeps } from './sso-settings.service.ts';
import { redirectUriFor } from './sso-urls.ts';

export interface SsoAdminRoutesOptions {
  readonly deps: SsoDeps;
  readonly now: () => Date;
  readonly publicUrl: string | undefined;
  readonly oidcClient: OidcClient;
}

/**
 * GET / PUT /api/sso/settings (admin only, see sso.access.ts). The client secret is
 * write-only: answers say only whether one is stored. Changes are audited `sso.update`.
 */
export const ssoAdminRoutes: FastifyPluginAsync<SsoAdminRoutesOptions> = async (app, options) => {
  const { deps, now, publicUrl, oidcClient } = options;

  app.get('/api/sso/settings', async (request) => ssoSettingsForAdmin(deps, redirectUriFor(request, publicUrl)));

  app.put('/api/sso/settings', async (request) => {
    const body = decodeBody(updateSsoSettingsRequestSchema, request.body);
    await updateSsoSettings(deps, adminContext(request, deps.db, now()), body);
    // The provider may have changed: discover it afresh at the next sign-in.
    oidcClient.forget();
    return ssoSettingsForAdmin(deps, redirectUriFor(request, publicUrl));
  });
};
