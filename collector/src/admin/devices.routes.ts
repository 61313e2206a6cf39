import type { FastifyPluginAsync } from 'fastify';
import { updateDeviceRequestSchema } from '@vigil/shared/console';
import { z } from 'zod';
import { decodeBody } from '../auth/auth.schemas.ts';
import { AppError } from '../errors/app-error.ts';
import { adminContext } from './admin-context.ts';
import { assertSite, notFound, siteLimit } from './admin-scope.ts';
import { deviceJson } from './admin-rows.ts';
import { listDeviceRows } from './devices.repository.ts';
import { changeDevice } from './devices.service.ts';
import { roomById } from './sites-rooms.repository.ts';

const id = z.string().min(1).max(64);

/** GET /api/devices?roomId&siteId&q — `roomId=none`: devices in no room. */
export const deviceQuerySchema = z.object({
  roomId: id.optional(),
  siteId: id.optional(),
  q: z.string().max(200).optional(),
});

function decodeQuery(query: unknown): z.infer<typeof deviceQuerySchema> {
  const parsed = deviceQuerySchema.safeParse(query);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  throw new AppError('validation-failed', 400, 'The query is not valid', { fields });
}

/** GET /api/devices, PATCH /api/devices/:deviceId (move to a room, retire). */
export const devicesRoutes: FastifyPluginAsync = async (app) => {
  const db = app.database.db;

  app.get('/api/devices', async (request) => {
    const context = adminContext(request, db);
    const query = decodeQuery(request.query);
    if (query.siteId !== undefined) assertSite(context.user, query.siteId);
    let roomId: string | null | undefined;
    if (query.roomId === 'none') roomId = null;
    else if (query.roomId !== undefined) {
      const room = await roomById(db, query.roomId);
      if (room === undefined) throw notFound('room', query.roomId);
      assertSite(context.user, room.siteId);
      roomId = room.id;
    }
    const limit = await siteLimit(db, context.user);
    const devices = await listDeviceRows(db, { siteId: query.siteId ?? limit ?? undefined, roomId, q: query.q });
    return { devices: devices.map(deviceJson) };
  });

  app.patch<{ Params: { deviceId: string } }>('/api/devices/:deviceId', async (request) => {
    const body = decodeBody(updateDeviceRequestSchema, request.body);
    const device = await changeDevice(adminContext(request, db), request.params.deviceId, body);
    return { device: deviceJson(device) };
  });
};
