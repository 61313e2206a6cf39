import { makeEnvelope } from '@vigil/shared';
import {
  lockRequestSchema,
  messageRequestSchema,
  unlockRequestSchema,
  type CommandResponse,
  type MessageReceiptsResponse,
  type RoomDevicesResponse,
} from '@vigil/shared/console';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ulid } from 'ulid';
import { z } from 'zod';
import { auditActor } from '../audit/actor.ts';
import { connectedAmong } from '../agent-services/agent-hub-ref.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { decodeBody } from '../auth/auth.schemas.ts';
import { requireRoomAccess, roomScope } from '../auth/authorization.ts';
import { actorOf, signedInUser, type AuthUser } from '../auth/request-user.ts';
import type { Db } from '../db/database.ts';
import { AppError } from '../errors/app-error.ts';
import type { LockResult } from '../locks/lock.service.ts';
import type { DeviceTiles } from './device-tiles.ts';
import type { LiveHub } from './live-hub.ts';
import { messageReceipts, messageTargets } from '../agents/message-receipts.ts';
import { roomDeviceIds, roomSummaries } from './rooms.repository.ts';

export interface RoomRoutesDeps {
  readonly db: Db;
  readonly tiles: DeviceTiles;
  readonly hub: LiveHub;
}

const roomParamsSchema = z.object({ roomId: z.string().min(1).max(64) });
const messageParamsSchema = z.object({ messageId: z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/) });

/** The room in the URL, after checking the user may act on it (403 `room-forbidden` otherwise). */
async function roomOf(db: Db, request: FastifyRequest): Promise<{ roomId: string; user: AuthUser }> {
  const parsed = roomParamsSchema.safeParse(request.params);
  if (!parsed.success) throw new AppError('room-forbidden', 403, 'You do not have access to this room');
  const user = await requireRoomAccess(db, request, parsed.data.roomId);
  return { roomId: parsed.data.roomId, user };
}

/**
 * The devices a command goes to: those named (each must be in the room, else 400
 * `device-not-in-room`: a teacher cannot reach another room's PCs by naming them), or
 * every device of the room.
 */
async function targets(db: Db, roomId: string, named: readonly string[] | undefined): Promise<string[]> {
  const inRoom = await roomDeviceIds(db, roomId);
  if (named === undefined) {
    if (inRoom.length === 0) throw new AppError('room-empty', 400, 'This room has no devices');
    return inRoom;
  }
  const members = new Set(inRoom);
  const outside = [...new Set(named)].filter((id) => !members.has(id));
  if (outside.length > 0) {
    throw new AppError(
      'device-not-in-room',
      400,
      `Not in this room: ${outside.slice(0, 5).join(', ')}${outside.length > 5 ? ` and ${outside.length - 5} more` : ''}`,
    );
  }
  return [...new Set(named)];
}

function lockAnswer(result: LockResult, delivered: number): CommandResponse {
  if (!result.ok) throw new AppError(result.code, 400, result.message);
  return { deviceIds: [...result.deviceIds], delivered, lockId: result.lockId };
}

/**
 * GET /api/rooms, GET /api/rooms/:roomId/devices and the room commands (lock, unlock,
 * message). Who may call them is in live.access.ts; which rooms, here (roomScope /
 * requireRoomAccess: a teacher only their own rooms, staff their site).
 */
export function registerRoomRoutes(app: FastifyInstance, deps: RoomRoutesDeps): void {
  const { db, tiles, hub } = deps;

  app.get('/api/rooms', async (request) => {
    const user = signedInUser(request);
    return { rooms: await roomSummaries(db, await roomScope(db, user)) };
  });

  // No HEAD twin: a HEAD answer has no body to tell `room-forbidden` from the gate's own 403s.
  app.get('/api/rooms/:roomId/devices', { exposeHeadRoute: false }, async (request): Promise<RoomDevicesResponse> => {
    const { roomId } = await roomOf(db, request);
    const snapshot = await tiles.room(roomId);
    if (snapshot === undefined) throw new AppError('room-forbidden', 403, 'You do not have access to this room');
    return snapshot;
  });

  app.post('/api/rooms/:roomId/lock', async (request): Promise<CommandResponse> => {
    const { roomId } = await roomOf(db, request);
    const body = decodeBody(lockRequestSchema, request.body);
    const deviceIds = await targets(db, roomId, body.deviceIds);
    const until = body.minutes === undefined ? undefined : new Date(Date.now() + body.minutes * 60_000);
    // Stored, audited and announced by the lock service; every node then pushes it to its agents.
    const result = await app.agentServices.locks.lockDevices(deviceIds, { message: body.message, until, by: actorOf(request) });
    if (result.ok) hub.devicesChanged(result.deviceIds);
    return lockAnswer(result, connectedAmong(app.agentHub, deviceIds).length);
  });

  app.post('/api/rooms/:roomId/unlock', async (request): Promise<CommandResponse> => {
    const { roomId } = await roomOf(db, request);
    const body = decodeBody(unlockRequestSchema, request.body);
    const deviceIds = await targets(db, roomId, body.deviceIds);
    const result = await app.agentServices.locks.unlockDevices(deviceIds, actorOf(request));
    if (result.ok) hub.devicesChanged(result.deviceIds);
    return lockAnswer(result, connectedAmong(app.agentHub, deviceIds).length);
  });

  app.post('/api/rooms/:roomId/message', async (request): Promise<CommandResponse> => {
    const { roomId, user } = await roomOf(db, request);
    const body = decodeBody(messageRequestSchema, request.body);
    const deviceIds = await targets(db, roomId, body.deviceIds);
    // A message is shown now or never: it goes to the devices connected to this node and
    // is not stored for later. Audited first (what was said, to whom, by whom), so nothing
    // reaches a screen without its entry.
    const messageId = ulid();
    const connected = new Set(connectedAmong(app.agentHub, deviceIds));
    const actor = auditActor(actorOf(request));
    await db.transaction(async (tx) => {
      for (const deviceId of deviceIds) {
        await appendAudit(tx, {
          ...actor,
          action: 'device.message',
          targetType: 'device',
          targetId: deviceId,
          detail: { messageId, roomId, text: body.text, connected: connected.has(deviceId) },
          ip: request.ip,
        });
      }
    });
    // reportShown: the agent answers with `message-shown` once it is on screen (GET …/messages/:messageId).
    const payload = { id: messageId, text: body.text, from: user.displayName.slice(0, 200), reportShown: true };
    let delivered = 0;
    for (const deviceId of connected) if (app.agentHub.send(deviceId, makeEnvelope('message', payload))) delivered++;
    return { deviceIds, delivered, messageId };
  });

  app.get('/api/rooms/:roomId/messages/:messageId', { exposeHeadRoute: false }, async (request): Promise<MessageReceiptsResponse> => {
    const { roomId } = await roomOf(db, request);
    const parsed = messageParamsSchema.safeParse(request.params);
    if (!parsed.success) throw new AppError('message-not-found', 404, 'No such message in this room');
    const { messageId } = parsed.data;
    const deviceIds = await messageTargets(db, roomId, messageId);
    if (deviceIds.length === 0) throw new AppError('message-not-found', 404, 'No such message in this room');
    return { messageId, deviceIds, shown: await messageReceipts(db, messageId, deviceIds) };
  });
}
