import type { FastifyPluginAsync } from 'fastify';
import { addCustomWordRequestSchema, updateCustomWordRequestSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import { adminContext } from './admin-context.ts';
import { customWordJson } from './admin-rows.ts';
import { addCustomWord, setCustomWordEnabledAs, viewWordlists } from './custom-words.service.ts';

/** GET /api/wordlists, POST /api/wordlists/custom, PATCH /api/wordlists/custom/:entryId. */
export const wordlistsRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  const wordlists = app.agentServices.wordlists;

  app.get('/api/wordlists', async (request) => {
    const view = await viewWordlists(adminContext(request, db), wordlists);
    return { ...view, custom: view.custom.map(customWordJson) };
  });

  app.post('/api/wordlists/custom', async (request, reply) => {
    const body = decodeBody(addCustomWordRequestSchema, request.body);
    const result = await addCustomWord(adminContext(request, db), wordlists, body);
    return reply.status(201).send({ entry: customWordJson(result.entry), version: result.version });
  });

  app.patch<{ Params: { entryId: string } }>('/api/wordlists/custom/:entryId', async (request) => {
    const { enabled } = decodeBody(updateCustomWordRequestSchema, request.body);
    const result = await setCustomWordEnabledAs(adminContext(request, db), wordlists, request.params.entryId, enabled);
    return { entry: customWordJson(result.entry), version: result.version };
  });
};
