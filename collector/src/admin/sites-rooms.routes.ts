import type { FastifyPluginAsync } from 'fastify';
import { createRoomRequestSchema, createSiteRequestSchema, updateRoomRequestSchema } from '@vigil/shared/console';
import { decodeBody } from '../auth/auth.schemas.ts';
import { adminContext } from './admin-context.ts';
import { nonBlank, siteLimit } from './admin-scope.ts';
import { roomJson } from './admin-rows.ts';
import { listSites } from './sites-rooms.repository.ts';
import { addRoom, addSite, removeRoom, renameRoomAs } from './sites-rooms.service.ts';

/**
 * GET/POST /api/sites; POST /api/rooms, PATCH and DELETE /api/rooms/:roomId (listing rooms
 * and their devices is the live view's, live/).
 */
export const sitesRoomsRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;

  app.get('/api/sites', async (request) => {
    const context = adminContext(request, db);
    const sites = await listSites(db, await siteLimit(db, context.user));
    return { sites: sites.map(({ id, name }) => ({ id, name })) };
  });

  app.post('/api/sites', async (request, reply) => {
    const { name } = decodeBody(createSiteRequestSchema, request.body);
    const site = await addSite(adminContext(request, db), nonBlank(name, 'name'));
    return reply.status(201).send({ site: { id: site.id, name: site.name } });
  });

  app.post('/api/rooms', async (request, reply) => {
    const body = decodeBody(createRoomRequestSchema, request.body);
    const room = await addRoom(adminContext(request, db), { siteId: body.siteId, name: nonBlank(body.name, 'name') });
    return reply.status(201).send({ room: roomJson(room) });
  });

  app.patch<{ Params: { roomId: string } }>('/api/rooms/:roomId', async (request) => {
    const { name } = decodeBody(updateRoomRequestSchema, request.body);
    const room = await renameRoomAs(adminContext(request, db), request.params.roomId, nonBlank(name, 'name'));
    return { room: roomJson(room) };
  });

  app.delete<{ Params: { roomId: string } }>('/api/rooms/:roomId', async (request, reply) => {
    await removeRoom(adminContext(request, db), request.params.roomId);
    return reply.status(204).send();
  });
};
