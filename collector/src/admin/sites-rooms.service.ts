// Sites and rooms from the console: create a site (trust-wide admins), create, rename and
// delete rooms (IT staff, on their own site). Each change and its audit entry commit together.
import { AppError } from '../errors/app-error.ts';
import { auditChange, type AdminContext } from './admin-context.ts';
import { assertSite, assertTrustWide, notFound, uniqueViolation } from './admin-scope.ts';
import {
  createRoom,
  createSite,
  deleteRoom,
  devicesInRoomCount,
  lockRoom,
  renameRoom,
  roomById,
  roomWithCounts,
  siteById,
  type RoomWithCounts,
  type Site,
} from './sites-rooms.repository.ts';

function siteNameTaken(name: string): AppError {
  return new AppError('site-name-taken', 409, `A site named "${name}" already exists`);
}

function roomNameTaken(name: string): AppError {
  return new AppError('room-name-taken', 409, `This site already has a room named "${name}"`);
}

/** Runs `work`, turning the unique constraint it may break into `conflict`. */
async function orConflict<T>(work: () => Promise<T>, constraint: string, conflict: () => AppError): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (uniqueViolation(error) === constraint) throw conflict();
    throw error;
  }
}

export async function addSite(context: AdminContext, name: string): Promise<Site> {
  assertTrustWide(context.user, 'A new site');
  return orConflict(
    () =>
      context.db.transaction(async (tx) => {
        const site = await createSite(tx, name);
        await auditChange(tx, context, { action: 'site.create', targetType: 'site', targetId: site.id, detail: { name } });
        return site;
      }),
    'sites_name_unique',
    () => siteNameTaken(name),
  );
}

async function roomOrThrow(context: AdminContext, roomId: string): Promise<RoomWithCounts> {
  const room = await roomWithCounts(context.db, roomId);
  if (room === undefined) throw notFound('room', roomId);
  return room;
}

export async function addRoom(context: AdminContext, input: { siteId: string; name: string }): Promise<RoomWithCounts> {
  const site = await siteById(context.db, input.siteId);
  if (site === undefined) throw notFound('site', input.siteId);
  assertSite(context.user, site.id);
  const room = await orConflict(
    () =>
      context.db.transaction(async (tx) => {
        const created = await createRoom(tx, site.id, input.name);
        await auditChange(tx, context, { action: 'room.create', targetType: 'room', targetId: created.id, detail: { name: input.name, siteId: site.id } });
        return created;
      }),
    'rooms_site_name_unique',
    () => roomNameTaken(input.name),
  );
  return roomOrThrow(context, room.id);
}

export async function renameRoomAs(context: AdminContext, roomId: string, name: string): Promise<RoomWithCounts> {
  const room = await roomById(context.db, roomId);
  if (room === undefined) throw notFound('room', roomId);
  assertSite(context.user, room.siteId);
  if (room.name !== name) {
    await orConflict(
      () =>
        context.db.transaction(async (tx) => {
          await renameRoom(tx, room.id, name);
          await auditChange(tx, context, { action: 'room.rename', targetType: 'room', targetId: room.id, detail: { from: room.name, to: name } });
        }),
      'rooms_site_name_unique',
      () => roomNameTaken(name),
    );
  }
  return roomOrThrow(context, room.id);
}

/**
 * Deletes a room with no devices in it (retired ones count: move them first). Teachers
 * lose it from their rooms, its enrolment tokens go with it, and so does its policy layer.
 */
export async function removeRoom(context: AdminContext, roomId: string): Promise<void> {
  const room = await roomById(context.db, roomId);
  if (room === undefined) throw notFound('room', roomId);
  assertSite(context.user, room.siteId);
  await context.db.transaction(async (tx) => {
    // Under the room's row lock, so a device cannot be moved in while it goes.
    if (!(await lockRoom(tx, room.id))) throw notFound('room', roomId);
    const devices = await devicesInRoomCount(tx, room.id);
    if (devices > 0) throw new AppError('room-not-empty', 409, `The room still has ${devices} device(s); move or retire and move them first`, { devices });
    await deleteRoom(tx, room.id);
    await auditChange(tx, context, { action: 'room.delete', targetType: 'room', targetId: room.id, detail: { name: room.name, siteId: room.siteId } });
  });
}
