import { describe, expect, it } from 'vitest';
import { initialLiveState, isLocked, liveReducer, pruneSelection, roomCounts, type LiveState } from './live-state.ts';
import { room, tile } from './live-test-data.ts';

function withSnapshot(
  devices = [tile({ id: 'pc-2', hostname: 'PC-2' }), tile({ id: 'pc-10', hostname: 'PC-10' }), tile({ id: 'pc-1', hostname: 'PC-1' })],
): LiveState {
  return liveReducer(initialLiveState('room-1'), { type: 'message', message: { type: 'room', room: room(), devices } });
}

const hostnames = (state: LiveState) => state.devices.map((d) => d.hostname);

describe('liveReducer', () => {
  it('takes a room snapshot sorted by host name in natural order', () => {
    const state = withSnapshot();
    expect(state.room?.name).toBe('ICT Suite 1');
    expect(hostnames(state)).toEqual(['PC-1', 'PC-2', 'PC-10']);
  });

  it('ignores a snapshot of another room (a late answer to an earlier watch)', () => {
    const state = liveReducer(initialLiveState('room-1'), {
      type: 'message',
      message: { type: 'room', room: room({ id: 'room-9' }), devices: [tile({ id: 'x' })] },
    });
    expect(state.room).toBeUndefined();
    expect(state.devices).toEqual([]);
  });

  it('applies a device change in place', () => {
    const state = liveReducer(withSnapshot(), {
      type: 'message',
      message: { type: 'device', device: tile({ id: 'pc-2', hostname: 'PC-2', screenLocked: true, title: 'Lock screen' }) },
    });
    expect(hostnames(state)).toEqual(['PC-1', 'PC-2', 'PC-10']);
    expect(state.devices[1]?.screenLocked).toBe(true);
    expect(state.devices[1]?.title).toBe('Lock screen');
  });

  it('adds a device that joined the room in its sorted place', () => {
    const state = liveReducer(withSnapshot(), { type: 'message', message: { type: 'device', device: tile({ id: 'pc-3', hostname: 'PC-3' }) } });
    expect(hostnames(state)).toEqual(['PC-1', 'PC-2', 'PC-3', 'PC-10']);
  });

  it('removes a device that moved to another room', () => {
    const state = liveReducer(withSnapshot(), {
      type: 'message',
      message: { type: 'device', device: tile({ id: 'pc-2', hostname: 'PC-2', roomId: 'room-2' }) },
    });
    expect(hostnames(state)).toEqual(['PC-1', 'PC-10']);
  });

  it('ignores device changes before the first snapshot', () => {
    const first = initialLiveState('room-1');
    expect(liveReducer(first, { type: 'message', message: { type: 'device', device: tile({ id: 'pc-1' }) } })).toBe(first);
  });

  it('re-sorts a renamed device', () => {
    const state = liveReducer(withSnapshot(), { type: 'message', message: { type: 'device', device: tile({ id: 'pc-1', hostname: 'PC-99' }) } });
    expect(hostnames(state)).toEqual(['PC-2', 'PC-10', 'PC-99']);
  });

  it('records an error and clears it with the next snapshot', () => {
    const failed = liveReducer(initialLiveState('room-1'), {
      type: 'message',
      message: { type: 'error', code: 'room-forbidden', message: 'You do not have access to this room' },
    });
    expect(failed.problem).toEqual({ code: 'room-forbidden', message: 'You do not have access to this room' });
    const recovered = liveReducer(failed, { type: 'message', message: { type: 'room', room: room(), devices: [] } });
    expect(recovered.problem).toBeUndefined();
  });

  it('keeps the tiles while reconnecting and returns the same state for no change', () => {
    const state = withSnapshot();
    const dropped = liveReducer(state, { type: 'connection', state: 'reconnecting' });
    expect(dropped.connection).toBe('reconnecting');
    expect(dropped.devices).toBe(state.devices);
    expect(liveReducer(dropped, { type: 'connection', state: 'reconnecting' })).toBe(dropped);
  });
});

describe('room helpers', () => {
  it('counts online, locked and idle (locked wins over idle)', () => {
    const devices = [
      tile({ id: 'a' }),
      tile({ id: 'b', connection: 'offline' }),
      tile({ id: 'c', screenLocked: true, idle: true }),
      tile({ id: 'd', idle: true }),
      tile({ id: 'e', lock: { lockId: 'l', message: null, until: null, by: 'teacher', confirmed: true } }),
      tile({ id: 'f', lock: { lockId: 'l', message: null, until: null, by: 'teacher', confirmed: false } }),
    ];
    expect(roomCounts(devices)).toEqual({ total: 6, online: 5, locked: 2, idle: 1 });
    expect(isLocked(devices[5]!)).toBe(false);
  });

  it('drops selected devices that left the room, and keeps the same set when none did', () => {
    const devices = [tile({ id: 'a' }), tile({ id: 'b' })];
    const kept = new Set(['a', 'b']);
    expect(pruneSelection(kept, devices)).toBe(kept);
    expect([...pruneSelection(new Set(['a', 'gone']), devices)]).toEqual(['a']);
  });
});
