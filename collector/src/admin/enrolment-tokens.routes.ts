import type { FastifyPluginAsync } from 'fastify';
import { createEnrolmentTokenRequestSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import { adminContext } from './admin-context.ts';
import { siteLimit } from './admin-scope.ts';
import { tokenJson } from './admin-rows.ts';
import { listEnrolmentTokens } from './enrolment-tokens.repository.ts';
import { issueEnrolmentToken, revokeToken } from './enrolment-tokens.service.ts';

/** GET/POST /api/enrolment-tokens, POST /api/enrolment-tokens/:tokenId/revoke. */
export const enrolmentTokensRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;

  app.get('/api/enrolment-tokens', async (request) => {
    const context = adminContext(request, db);
    const tokens = await listEnrolmentTokens(db, await siteLimit(db, context.user));
    return { tokens: tokens.map(tokenJson) };
  });

  app.post('/api/enrolment-tokens', async (request, reply) => {
    const body = decodeBody(createEnrolmentTokenRequestSchema, request.body);
    const tls = app.agentTls;
    const created = await issueEnrolmentToken(adminContext(request, db), { ...body, pin: tls?.pin });
    // The agent's address for the command shown with the token: the TLS port on PUBLIC_URL's host
    // (the name PCs reach), else as this browser names the host.
    const publicHost = app.config.publicUrl === undefined ? undefined : new URL(app.config.publicUrl).hostname;
    const agentUrl = tls === undefined ? {} : { agentUrl: tls.agentUrl(publicHost ?? request.hostname).replace(/\/agent\/v1$/, '') };
    // The token is in this answer only: never cached, never logged.
    return reply
      .status(201)
      .header('cache-control', 'no-store')
      .send({ token: created.token, row: tokenJson(created.row), ...agentUrl });
  });

  app.post<{ Params: { tokenId: string } }>('/api/enrolment-tokens/:tokenId/revoke', async (request) => {
    const row = await revokeToken(adminContext(request, db), request.params.tokenId);
    return { row: tokenJson(row) };
  });
};
