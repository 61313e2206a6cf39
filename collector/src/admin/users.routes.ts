import type { FastifyPluginAsync } from 'fastify';
import { createUserRequestSchema, updateUserRequestSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import { adminContext } from './admin-context.ts';
import { nonBlank } from './admin-scope.ts';
import { userJson } from './admin-rows.ts';
import { changeAccount, createAccount, listAccounts } from './users.service.ts';

/** GET /api/users (IT staff; trimmed for non-admins), POST /api/users and PATCH /api/users/:userId (admins). */
export const usersRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;

  app.get('/api/users', async (request, reply) => {
    const users = await listAccounts(adminContext(request, db));
    return reply.header('cache-control', 'no-store').send({ users: users.map(userJson) });
  });

  app.post('/api/users', async (request, reply) => {
    const body = decodeBody(createUserRequestSchema, request.body);
    const user = await createAccount(adminContext(request, db), { ...body, displayName: nonBlank(body.displayName, 'displayName') });
    return reply.status(201).send({ user: userJson(user) });
  });

  app.patch<{ Params: { userId: string } }>('/api/users/:userId', async (request) => {
    const body = decodeBody(updateUserRequestSchema, request.body);
    const user = await changeAccount(adminContext(request, db), request.params.userId, {
      ...body,
      displayName: body.displayName === undefined ? undefined : nonBlank(body.displayName, 'displayName'),
    });
    return { user: userJson(user) };
  });
};
