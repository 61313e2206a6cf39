import { describe, expect, it } from 'vitest';
import type { Actor } from '../audit/actor.ts';
import { testLogger } from '../testing/test-database.ts';
import { PurgeScheduler } from './purge-scheduler.ts';
import type { PurgeOutcome, PurgeTrigger } from './retention-purge.service.ts';

/** Records each run; `fail` makes the run throw. */
class RecordingPurge {
  readonly runs: Array<{ trigger: PurgeTrigger; actor: Actor }> = [];
  fail = false;
  async run(trigger: PurgeTrigger, actor: Actor): Promise<PurgeOutcome> {
    this.runs.push({ trigger, actor });
    if (this.fail) throw new Error('database unreachable');
    return { ran: false, reason: 'busy' };
  }
}

describe('the purge schedule', () => {
  it('runs once after the start-up delay, then every interval, as the system', async () => {
    const purge = new RecordingPurge();
    const scheduler = new PurgeScheduler({ purge, log: testLogger(), startDelayMs: 30, intervalMs: 10 });
    scheduler.start();
    expect(scheduler.nextRunAt).toBeInstanceOf(Date);
    expect(purge.runs).toEqual([]);
    await expect.poll(() => purge.runs.length, { message: 'three runs', timeout: 5_000 }).toBeGreaterThanOrEqual(3);
    await scheduler.stop();
    expect(purge.runs.slice(0, 3).map((run) => run.trigger)).toEqual(['startup', 'schedule', 'schedule']);
    expect(purge.runs[0]?.actor.label).toBe('system');
  });

  it('keeps going after a run throws', async () => {
    const purge = new RecordingPurge();
    purge.fail = true;
    const scheduler = new PurgeScheduler({ purge, log: testLogger(), startDelayMs: 1, intervalMs: 5 });
    scheduler.start();
    await expect.poll(() => purge.runs.length, { message: 'two failed runs', timeout: 5_000 }).toBeGreaterThanOrEqual(2);
    await scheduler.stop();
  });

  it('runs nothing after stop', async () => {
    const purge = new RecordingPurge();
    const scheduler = new PurgeScheduler({ purge, log: testLogger(), startDelayMs: 20, intervalMs: 5 });
    scheduler.start();
    await scheduler.stop();
    expect(scheduler.nextRunAt).toBeUndefined();
    // A second scheduler on the same timings proves the delay has passed.
    const control = new RecordingPurge();
    const witness = new PurgeScheduler({ purge: control, log: testLogger(), startDelayMs: 40, intervalMs: 1_000 });
    witness.start();
    await expect.poll(() => control.runs.length, { message: 'the witness run', timeout: 5_000 }).toBeGreaterThanOrEqual(1);
    await witness.stop();
    expect(purge.runs).toEqual([]);
  });
});
