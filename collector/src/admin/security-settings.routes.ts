import type { FastifyPluginAsync } from 'fastify';
import { securitySettingsSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import { readSecuritySettings } from '../auth/security-settings.repository.ts';
import { updateSecuritySettings } from '../auth/security-settings.service.ts';
import { adminContext } from './admin-context.ts';

/**
 * GET / PUT /api/settings/security (admins: admin.access.ts): site-wide sign-in
 * security, for now whether teachers must use TOTP. A change is audited
 * `settings.security` (auth/security-settings.service.ts).
 */
export const securitySettingsRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;

  app.get('/api/settings/security', async (_request, reply) => {
    return reply.header('cache-control', 'no-store').send(await readSecuritySettings(db));
  });

  app.put('/api/settings/security', async (request) => {
    const body = decodeBody(securitySettingsSchema, request.body);
    return updateSecuritySettings(adminContext(request, db), body);
  });
};
