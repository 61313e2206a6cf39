import type { DeviceEvent } from '../agents/agent-hub.contract.ts';

/** What this node last heard from one device (fields are undefined until heard). */
export interface LiveDeviceState {
  /** true: connected to this node; false: disconnected from it; undefined: never seen here. */
  connected: boolean | undefined;
  osUser: string | null | undefined;
  app: string | undefined;
  title: string | undefined;
  /** The agent's clock: only a newer span replaces the app and title (outbox replays come late). */
  activityEnd: number;
  idle: boolean | undefined;
  idleSeconds: number | undefined;
  idleAt: number;
  screenLocked: boolean | undefined;
  /** Why, from the newest lock-state; a heartbeat that says unlocked clears it. */
  lockReason: 'idle' | 'teacher' | 'os' | 'startup' | undefined;
  lockStateAt: number;
  keyboard: 'ok' | 'paused' | 'unavailable' | undefined;
  /** The agent's state folder refuses writes (full disk), from the last heartbeat; undefined when healthy. */
  degraded: { reason: string; since: number; heldInMemory: number } | undefined;
  /** The teacher lock the agent said is on screen (lock-state with a lockId, or a heartbeat's teacherLockId). */
  confirmedLockId: string | undefined;
  /** How its last connection here ended (undefined while connected or never seen). */
  exit: 'bye' | 'silent' | 'closed' | undefined;
  /** Epoch ms on this node of the newest event. */
  lastEventAt: number;
}

function blank(): LiveDeviceState {
  return {
    connected: undefined,
    osUser: undefined,
    app: undefined,
    title: undefined,
    activityEnd: Number.NEGATIVE_INFINITY,
    idle: undefined,
    idleSeconds: undefined,
    idleAt: Number.NEGATIVE_INFINITY,
    screenLocked: undefined,
    lockReason: undefined,
    lockStateAt: Number.NEGATIVE_INFINITY,
    keyboard: undefined,
    degraded: undefined,
    confirmedLockId: undefined,
    exit: undefined,
    lastEventAt: 0,
  };
}

/**
 * The latest state of each device from the hub's events, in memory on this node only
 * (empty after a start: tiles then fall back to the database). One small object per
 * device that ever connected here, so it stays bounded by the estate.
 */
export class DeviceStateStore {
  readonly #states = new Map<string, LiveDeviceState>();

  get(deviceId: string): Readonly<LiveDeviceState> | undefined {
    return this.#states.get(deviceId);
  }

  /**
   * The focused window a live frame was captured with: newer than any closed activity
   * span, so it wins until the next span arrives. True when the tile's caption changed.
   */
  applyWindow(deviceId: string, app: string, title: string): boolean {
    const state = this.#states.get(deviceId);
    if (state === undefined || (state.app === app && state.title === title)) return false;
    state.app = app;
    state.title = title;
    return true;
  }

  /** Applies an event; true when something a tile shows changed. */
  apply(event: DeviceEvent): boolean {
    let state = this.#states.get(event.deviceId);
    if (state === undefined) {
      state = blank();
      this.#states.set(event.deviceId, state);
    }
    state.lastEventAt = Math.max(state.lastEventAt, event.receivedAt);
    const before = visible(state);
    switch (event.kind) {
      case 'connected':
        state.connected = true;
        state.exit = undefined;
        state.osUser = event.osUser;
        break;
      case 'disconnected':
        state.connected = false;
        state.exit = event.exit;
        // Nobody reports the screen any more: a PC whose agent is gone is not known to be locked. A reconnect
        // brings the state back (heartbeat, and lock-state when the agent confirms a teacher lock again).
        state.screenLocked = undefined;
        state.lockReason = undefined;
        state.confirmedLockId = undefined;
        break;
      case 'heartbeat':
        // A heartbeat is the PC's state now, whatever older state messages say.
        state.screenLocked = event.locked;
        if (!event.locked) state.lockReason = undefined;
        // An agent that names the teacher lock on screen (or none) confirms it here: after a collector restart
        // or a reconnect, nobody has to wait for a lock-state. An older agent says nothing either way.
        if (event.teacherLockId !== undefined) state.confirmedLockId = event.locked && event.teacherLockId !== null ? event.teacherLockId : undefined;
        state.idleSeconds = event.idleSeconds;
        state.keyboard = event.keyboard;
        state.degraded = event.degraded;
        break;
      case 'activity':
        if (event.end < state.activityEnd) break;
        state.activityEnd = event.end;
        state.app = event.app;
        state.title = event.title;
        if (event.osUser !== null) state.osUser = event.osUser;
        break;
      case 'idle-state':
        if (event.at < state.idleAt) break;
        state.idleAt = event.at;
        state.idle = event.idle;
        state.idleSeconds = event.idleSeconds;
        break;
      case 'lock-state':
        if (event.at < state.lockStateAt) break;
        state.lockStateAt = event.at;
        state.screenLocked = event.locked;
        state.lockReason = event.locked ? event.reason : undefined;
        if (event.lockId !== null) state.confirmedLockId = event.locked ? event.lockId : undefined;
        else if (!event.locked) state.confirmedLockId = undefined;
        break;
    }
    return visible(state) !== before;
  }
}

/** The fields a tile shows, as one comparable string. */
function visible(state: LiveDeviceState): string {
  return JSON.stringify([
    state.connected,
    state.osUser,
    state.app,
    state.title,
    state.idle,
    state.idleSeconds,
    state.screenLocked,
    state.lockReason,
    state.exit,
    state.keyboard,
    state.degraded?.reason,
    state.confirmedLockId,
  ]);
}
