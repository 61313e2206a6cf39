import type { ActivityMessage, HeartbeatMessage, IdleStateMessage, LockStateMessage } from '@vigil/shared';
import type { DeviceEvent } from './agent-hub.contract.ts';

/** The agent messages that become live-view events (besides connect and disconnect). */
export type StateMessage = HeartbeatMessage | ActivityMessage | LockStateMessage | IdleStateMessage;

const orNull = (text: string | undefined): string | null => (text === undefined || text === '' ? null : text);

/** The DeviceEvent for a message from `deviceId` (the authenticated device, never a payload field). */
export function deviceEventOf(deviceId: string, message: StateMessage, receivedAt: number): DeviceEvent {
  switch (message.type) {
    case 'heartbeat': {
      const { locked, idleSeconds, keyboard, degraded, teacherLockId } = message.payload;
      return {
        kind: 'heartbeat',
        deviceId,
        receivedAt,
        locked,
        idleSeconds,
        keyboard,
        ...(degraded === undefined ? {} : { degraded }),
        ...(teacherLockId === undefined ? {} : { teacherLockId }),
      };
    }
    case 'activity': {
      const p = message.payload;
      return {
        kind: 'activity',
        deviceId,
        receivedAt,
        id: p.id,
        app: p.app,
        title: p.title,
        url: orNull(p.url),
        osUser: orNull(p.osUser),
        start: p.start,
        end: p.end,
      };
    }
    case 'lock-state': {
      const p = message.payload;
      return { kind: 'lock-state', deviceId, receivedAt, id: p.id, locked: p.locked, reason: p.reason, at: p.at, lockId: p.lockId ?? null };
    }
    case 'idle-state': {
      const p = message.payload;
      return { kind: 'idle-state', deviceId, receivedAt, id: p.id, idle: p.idle, idleSeconds: p.idleSeconds, at: p.at };
    }
  }
}
