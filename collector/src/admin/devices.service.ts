// Devices from the console: move one to a room (or out of any), retire or reinstate it.
import { notifyControl } from '../agent-services/control-channel.ts';
import { auditChange, type AdminContext } from './admin-context.ts';
import { assertSite, notFound } from './admin-scope.ts';
import { findDeviceRow, lockDevice, placeDevice, setDeviceRetired, type DeviceAdminRow } from './devices.repository.ts';
import { roomById } from './sites-rooms.repository.ts';

export interface DeviceChange {
  /** A room id, or null for no room; undefined leaves the room alone. */
  readonly roomId?: string | null | undefined;
  readonly retired?: boolean | undefined;
}

/**
 * Applies a move and/or a retirement in one transaction, each audited (`device.move`,
 * `device.retire`, `device.reinstate`). A move to a room of another site moves the device
 * to that site too (trust-wide users only: others may touch only their own site), and
 * the device is sent its re-resolved policy, since room and site layers may differ.
 * A retired device is refused when it next connects (the gateway checks on `hello`).
 */
export async function changeDevice(context: AdminContext, deviceId: string, change: DeviceChange): Promise<DeviceAdminRow> {
  const device = await findDeviceRow(context.db, deviceId);
  if (device === undefined) throw notFound('device', deviceId);
  assertSite(context.user, device.siteId);
  let target: { siteId: string; roomId: string | null } | undefined;
  if (change.roomId === null) target = { siteId: device.siteId, roomId: null };
  else if (change.roomId !== undefined) {
    const room = await roomById(context.db, change.roomId);
    if (room === undefined) throw notFound('room', change.roomId);
    assertSite(context.user, room.siteId);
    target = { siteId: room.siteId, roomId: room.id };
  }

  await context.db.transaction(async (tx) => {
    const current = await lockDevice(tx, device.id);
    if (current === undefined) throw notFound('device', deviceId);
    if (target !== undefined && (target.roomId !== current.roomId || target.siteId !== current.siteId)) {
      await placeDevice(tx, device.id, target);
      await auditChange(tx, context, {
        action: 'device.move',
        targetType: 'device',
        targetId: device.id,
        detail: {
          fromRoomId: current.roomId,
          toRoomId: target.roomId,
          ...(target.siteId === current.siteId ? {} : { fromSiteId: current.siteId, toSiteId: target.siteId }),
        },
      });
      await notifyControl(tx, { kind: 'policy', scope: 'device', scopeId: device.id });
    }
    if (change.retired !== undefined && change.retired !== current.retired) {
      await setDeviceRetired(tx, device.id, change.retired);
      await auditChange(tx, context, {
        action: change.retired ? 'device.retire' : 'device.reinstate',
        targetType: 'device',
        targetId: device.id,
        detail: { hostname: device.hostname },
      });
    }
  });

  const updated = await findDeviceRow(context.db, device.id);
  if (updated === undefined) throw notFound('device', deviceId);
  return updated;
}
