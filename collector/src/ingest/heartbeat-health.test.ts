import type { HeartbeatPayload } from '@vigil/shared';
import { describe, expect, it } from 'vitest';
import { HeartbeatHealth } from './heartbeat-health.ts';

const beat = (extra: { damaged?: number; rejected?: number; droppedAlerts?: number; keyboardHookRestarts?: number } = {}): HeartbeatPayload => ({
  uptimeSeconds: 60,
  locked: false,
  idleSeconds: 0,
  keyboard: 'ok',
  outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: extra.droppedAlerts ?? 0, damaged: extra.damaged, rejected: extra.rejected },
  ...(extra.keyboardHookRestarts === undefined ? {} : { health: { keyboardHookRestarts: extra.keyboardHookRestarts } }),
});

describe('HeartbeatHealth', () => {
  it('names the loss and tamper counters that rose, once per rise; an older agent without them counts as zero', () => {
    const health = new HeartbeatHealth();
    expect(health.note(beat())).toBeUndefined();
    expect(health.note(beat({ damaged: 2 }))?.risen).toEqual(['outboxDamaged']);
    expect(health.note(beat({ damaged: 2 }))).toBeUndefined();
    const rose = health.note(beat({ damaged: 2, rejected: 1, keyboardHookRestarts: 1 }));
    expect(rose).toEqual({
      counters: { droppedAlerts: 0, outboxDamaged: 2, outboxRejected: 1, keyboardHookRestarts: 1, agentRestarts: 0, sessionHelperRestarts: 0 },
      risen: ['outboxRejected', 'keyboardHookRestarts'],
    });
  });

  it("names a restarted session helper (the system service's pupil-side process) as a tamper signal", () => {
    const health = new HeartbeatHealth();
    expect(health.note(beat())).toBeUndefined();
    const rose = health.note({ ...beat(), health: { sessionHelperRestarts: 1 } });
    expect(rose?.risen).toEqual(['sessionHelperRestarts']);
  });

  it('says once when the agent starts running degraded (full disk) and once when it recovers', () => {
    const health = new HeartbeatHealth();
    const degraded = { reason: 'ENOSPC', since: 1_760_000_000_000, heldInMemory: 3 };
    expect(health.noteDegraded(beat())).toBeUndefined();
    expect(health.noteDegraded({ ...beat(), degraded })).toEqual({ change: 'entered', degraded });
    expect(health.noteDegraded({ ...beat(), degraded: { ...degraded, heldInMemory: 5 } })).toBeUndefined();
    expect(health.noteDegraded(beat())).toEqual({ change: 'cleared' });
    expect(health.noteDegraded(beat())).toBeUndefined();
  });

  it('reports counters already above zero on the first heartbeat of a connection', () => {
    expect(new HeartbeatHealth().note(beat({ droppedAlerts: 3 }))?.risen).toEqual(['droppedAlerts']);
  });
});
