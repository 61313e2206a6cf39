import type { DeviceTile, RoomSummary } from '@vigil/shared/console';

// Builders for the live view's unit tests.

export function tile(overrides: Partial<DeviceTile> & Pick<DeviceTile, 'id'>): DeviceTile {
  return {
    roomId: 'room-1',
    hostname: overrides.id.toUpperCase(),
    os: 'linux',
    agentKind: 'desktop',
    browser: null,
    connection: 'online',
    lock: null,
    screenLocked: false,
    idle: false,
    idleSeconds: 0,
    osUser: 'pupil',
    profileEmail: null,
    app: 'firefox',
    title: 'BBC Bitesize',
    lastSeenAt: '2030-01-01T10:00:00.000Z',
    keyboard: 'ok',
    capabilities: [],
    ...overrides,
  };
}

export function room(overrides: Partial<RoomSummary> = {}): RoomSummary {
  return { id: 'room-1', name: 'ICT Suite 1', siteId: 'site-1', siteName: 'Main site', deviceCount: 0, onlineCount: 0, ...overrides };
}
