import type { DeviceRow } from '@vigil/shared/console';

// Words for a device's health on the Rooms & devices page.

export const DEVICE_STATUS_LABELS: Readonly<Record<DeviceRow['status'], string>> = {
  online: 'Online',
  offline: 'Offline',
  silent: 'Silent (stopped reporting)',
};

/** How the agent's previous run ended: a goodbye means a clean stop; none means it was killed or lost power. */
export function previousExitText(previousExit: DeviceRow['previousExit']): string {
  switch (previousExit) {
    case 'bye':
      return 'Stopped cleanly';
    case 'silent':
      return 'Killed or lost power';
    case null:
      return '—';
  }
}

/** Devices of a room (or unassigned with roomId null), hostnames in natural order ("PC-2" before "PC-10"). */
export function devicesIn(devices: readonly DeviceRow[], roomId: string | null, showRetired: boolean): DeviceRow[] {
  return devices
    .filter((device) => device.roomId === roomId && (showRetired || !device.retired))
    .sort((a, b) => a.hostname.localeCompare(b.hostname, 'en-GB', { numeric: true, sensitivity: 'base' }));
}
