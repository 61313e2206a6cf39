// Database rows → the console contract's JSON rows (@vigil/shared/console): instants as
// ISO-8601 strings, nothing the contract does not name (no hashes, no secrets).
import type { DeviceRow, RoomSummary, UserRow } from '@vigil/shared/console';
import type { CustomWordRow } from './custom-words.repository.ts';
import type { DeviceAdminRow } from './devices.repository.ts';
import type { EnrolmentTokenRow } from './enrolment-tokens.repository.ts';
import type { RoomWithCounts } from './sites-rooms.repository.ts';
import type { UserAdminRow } from './users.repository.ts';

const iso = (date: Date): string => date.toISOString();
const isoOrNull = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function roomJson(room: RoomWithCounts): RoomSummary {
  return { id: room.id, name: room.name, siteId: room.siteId, siteName: room.siteName, deviceCount: room.deviceCount, onlineCount: room.onlineCount };
}

export function deviceJson(device: DeviceAdminRow): DeviceRow {
  return { ...device, lastSeenAt: isoOrNull(device.lastSeenAt), enrolledAt: iso(device.enrolledAt) };
}

export function tokenJson(token: EnrolmentTokenRow) {
  return { ...token, expiresAt: iso(token.expiresAt), createdAt: iso(token.createdAt), revokedAt: isoOrNull(token.revokedAt) };
}

export function customWordJson(entry: CustomWordRow) {
  return { ...entry, createdAt: iso(entry.createdAt) };
}

export function userJson(user: UserAdminRow): UserRow {
  return { ...user, rooms: user.rooms.map((room) => ({ ...room })), lockedUntil: isoOrNull(user.lockedUntil), lastLoginAt: isoOrNull(user.lastLoginAt) };
}
