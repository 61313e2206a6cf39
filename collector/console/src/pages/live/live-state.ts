import type { DeviceTile, LiveServerMessage, RoomSummary } from '@vigil/shared/console';

// The live view's state, as a pure reducer over socket messages: a `room` message is the
// whole picture of the watched room, a `device` message one change to it.

/** connecting: first attempt; live: socket open; reconnecting: dropped, trying again with backoff. */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface LiveProblem {
  readonly code: string;
  readonly message: string;
}

export interface LiveState {
  /** The room this page watches (from the address). */
  readonly roomId: string;
  readonly connection: ConnectionState;
  /** Undefined until the first `room` snapshot arrives. */
  readonly room: RoomSummary | undefined;
  /** Sorted by host name, numbers in natural order (PC-2 before PC-10). */
  readonly devices: readonly DeviceTile[];
  readonly problem: LiveProblem | undefined;
}

export type LiveAction = { readonly type: 'connection'; readonly state: ConnectionState } | { readonly type: 'message'; readonly message: LiveServerMessage };

export function initialLiveState(roomId: string): LiveState {
  return { roomId, connection: 'connecting', room: undefined, devices: [], problem: undefined };
}

const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

export function byHostname(a: DeviceTile, b: DeviceTile): number {
  return collator.compare(a.hostname, b.hostname) || collator.compare(a.id, b.id);
}

export function liveReducer(state: LiveState, action: LiveAction): LiveState {
  if (action.type === 'connection') return state.connection === action.state ? state : { ...state, connection: action.state };
  const message = action.message;
  switch (message.type) {
    case 'hello':
      return state;
    case 'room':
      // A snapshot of another room is a late answer to an earlier watch: not ours.
      if (message.room.id !== state.roomId) return state;
      return { ...state, room: message.room, devices: [...message.devices].sort(byHostname), problem: undefined };
    case 'device':
      return applyDevice(state, message.device);
    case 'error':
      return { ...state, problem: { code: message.code, message: message.message } };
  }
}

function applyDevice(state: LiveState, device: DeviceTile): LiveState {
  // Before the snapshot there is nothing to change; the snapshot will include it.
  if (state.room === undefined) return state;
  const index = state.devices.findIndex((d) => d.id === device.id);
  if (device.roomId !== state.roomId) {
    // Moved to another room: it leaves this view.
    return index === -1 ? state : { ...state, devices: state.devices.filter((d) => d.id !== device.id) };
  }
  if (index === -1) return { ...state, devices: [...state.devices, device].sort(byHostname) };
  const devices = [...state.devices];
  devices[index] = device;
  // A renamed PC moves to its new place in the order.
  if (state.devices[index]?.hostname !== device.hostname) devices.sort(byHostname);
  return { ...state, devices };
}

/** A tile counts as locked when a teacher lock is confirmed or the PC says its screen is locked. */
export function isLocked(device: DeviceTile): boolean {
  return device.screenLocked || (device.lock !== null && device.lock.confirmed);
}

export interface RoomCounts {
  readonly total: number;
  readonly online: number;
  readonly locked: number;
  readonly idle: number;
}

export function roomCounts(devices: readonly DeviceTile[]): RoomCounts {
  let online = 0;
  let locked = 0;
  let idle = 0;
  for (const device of devices) {
    if (device.connection === 'online') online += 1;
    if (isLocked(device)) locked += 1;
    else if (device.idle && device.connection === 'online') idle += 1;
  }
  return { total: devices.length, online, locked, idle };
}

/** Selected ids that are still in the room (a device that left cannot stay selected). */
export function pruneSelection(selected: ReadonlySet<string>, devices: readonly DeviceTile[]): ReadonlySet<string> {
  const present = new Set(devices.map((d) => d.id));
  let changed = false;
  const next = new Set<string>();
  for (const id of selected) {
    if (present.has(id)) next.add(id);
    else changed = true;
  }
  return changed ? next : selected;
}
