import type { FastifyPluginAsync } from 'fastify';
import { signedInUser } from '../auth/request-user.ts';
import { siteLimit } from './admin-scope.ts';
import { gettingStartedProgress, testPhraseFor } from './getting-started.ts';

/**
 * GET /api/admin/getting-started: the console's first-run checklist (admin; see
 * admin.access.ts), computed from the tables on every call, nothing stored. Whether the
 * user hid the panel is the browser's business (localStorage).
 */
export const gettingStartedRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;
  app.get('/api/admin/getting-started', async (request, reply) => {
    const user = signedInUser(request);
    const phrase = app.hasDecorator('wordlists') ? testPhraseFor(app.wordlists.current()) : null;
    const progress = await gettingStartedProgress(db, await siteLimit(db, user), phrase);
    return reply.header('cache-control', 'no-store').send(progress);
  });
};
