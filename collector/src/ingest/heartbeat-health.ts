import type { HeartbeatPayload } from '@vigil/shared';

/** The loss and tamper counters an agent's heartbeat carries (0 when an older agent omits them). */
export interface HeartbeatCounters {
  readonly droppedAlerts: number;
  readonly outboxDamaged: number;
  readonly outboxRejected: number;
  readonly keyboardHookRestarts: number;
  readonly agentRestarts: number;
  /** System-service agents: the pupil-side session helper died or hung and was restarted. */
  readonly sessionHelperRestarts: number;
}

export function heartbeatCounters(heartbeat: HeartbeatPayload): HeartbeatCounters {
  return {
    droppedAlerts: heartbeat.outbox.droppedAlerts,
    outboxDamaged: heartbeat.outbox.damaged ?? 0,
    outboxRejected: heartbeat.outbox.rejected ?? 0,
    keyboardHookRestarts: heartbeat.health?.keyboardHookRestarts ?? 0,
    agentRestarts: heartbeat.health?.agentRestarts ?? 0,
    sessionHelperRestarts: heartbeat.health?.sessionHelperRestarts ?? 0,
  };
}

/**
 * Follows one connection's heartbeats and says which counters rose since the last one
 * (the first heartbeat: which are above zero), so the gateway logs a warning once per
 * change, not every 30 seconds. Not stored: the devices table has no column for them yet.
 */
export class HeartbeatHealth {
  #last: HeartbeatCounters | undefined;
  #degraded: string | undefined;

  /**
   * The agent's disk state: `entered` when a heartbeat first says its state folder refuses
   * writes (full disk: records held in memory, sent straight), `cleared` when it recovers;
   * undefined when nothing changed. A device health signal, logged once per change.
   */
  noteDegraded(heartbeat: HeartbeatPayload): { change: 'entered' | 'cleared'; degraded?: NonNullable<HeartbeatPayload['degraded']> } | undefined {
    const now = heartbeat.degraded?.reason;
    const before = this.#degraded;
    this.#degraded = now;
    if (now !== undefined && before === undefined) return { change: 'entered', degraded: heartbeat.degraded };
    if (now === undefined && before !== undefined) return { change: 'cleared' };
    return undefined;
  }

  /** The counters and the names of those that rose; undefined when nothing rose. */
  note(heartbeat: HeartbeatPayload): { counters: HeartbeatCounters; risen: (keyof HeartbeatCounters)[] } | undefined {
    const counters = heartbeatCounters(heartbeat);
    const last = this.#last;
    this.#last = counters;
    const risen = (Object.keys(counters) as (keyof HeartbeatCounters)[]).filter((key) => counters[key] > (last?.[key] ?? 0));
    return risen.length === 0 ? undefined : { counters, risen };
  }
}
