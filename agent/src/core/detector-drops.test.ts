import { afterEach, describe, expect, it } from 'vitest';
import { defaultPolicy } from '@vigil/shared/protocol';
import { createFakePlatform, type FakePlatform } from '@vigil/agent/platform/fake';
import { DetectorService } from './detector.service.ts';
import type { EnqueueResult, OutboxInput, OutboxKind, OutboxStats } from './outbox/index.ts';
import { PolicyState } from './policy-state.ts';
import { RecordingOutbox, SettableLock, silentLog, TEST_WORDLIST } from './test-kit/core-test-kit.ts';
import { WordlistState } from './wordlist-state.ts';

// Drop accounting when the outbox cannot keep everything (a full disk): nothing is lost
// silently, and no alert names a screenshot that was not kept.

class FullDiskOutbox extends RecordingOutbox {
  degraded: OutboxStats['degraded'];
  keepScreenshots = true;
  readonly dropped: OutboxKind[] = [];

  stats(): OutboxStats {
    return {
      pending: 0,
      pendingAlerts: 0,
      bytes: 0,
      diskBytes: 0,
      droppedActivity: 0,
      droppedAlerts: 0,
      corruptRecordsSkipped: 0,
      segmentsQuarantined: 0,
      rejected: 0,
      heldInMemory: 0,
      ...(this.degraded === undefined ? {} : { degraded: this.degraded }),
    };
  }

  countDropped(kind: OutboxKind, count = 1): void {
    for (let i = 0; i < count; i++) this.dropped.push(kind);
  }

  async enqueueWith(dependency: OutboxInput, record: OutboxInput, fallback: OutboxInput): Promise<{ dependency: EnqueueResult; record: EnqueueResult }> {
    if (!this.keepScreenshots) return { dependency: 'dropped', record: await this.enqueue(fallback) };
    const dep = await this.enqueue(dependency);
    return { dependency: dep, record: await this.enqueue(record) };
  }
}

const running: DetectorService[] = [];
afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

async function rig(outbox: FullDiskOutbox): Promise<{ p: FakePlatform; detector: DetectorService }> {
  const p = createFakePlatform();
  const wordlist = new WordlistState();
  await wordlist.apply(TEST_WORDLIST);
  const detector = new DetectorService({
    keys: p.keys,
    windows: p.windows,
    capture: p.capture,
    clock: p.clock,
    outbox,
    policy: new PolicyState({ initial: defaultPolicy }),
    wordlist,
    lock: new SettableLock(),
    osUser: 'pupil',
    log: silentLog,
  });
  running.push(detector);
  await detector.start();
  p.windows.set({ app: 'xterm', title: 'History homework' });
  return { p, detector };
}

describe('DetectorService on a full disk', () => {
  it('queues the screenshot before the alert naming it', async () => {
    const outbox = new FullDiskOutbox();
    const { p, detector } = await rig(outbox);
    p.keys.type('i want to kill myself\n');
    await detector.drain();
    expect(outbox.records.map((r) => r.message.type)).toEqual(['screenshot', 'alert']);
    expect(outbox.of('alert')[0]?.payload.screenshot?.sha256).toBe(outbox.of('screenshot')[0]?.payload.sha256);
  });

  it('sends the alert without the screenshot reference when the screenshot cannot be kept', async () => {
    const outbox = new FullDiskOutbox();
    outbox.keepScreenshots = false;
    const { p, detector } = await rig(outbox);
    p.keys.type('i want to kill myself\n');
    await detector.drain();
    expect(outbox.of('screenshot')).toEqual([]);
    const [alert] = outbox.of('alert');
    expect(alert?.payload.term).toBe('kill myself');
    expect(alert?.payload.screenshot).toBeUndefined();
    expect(detector.stats.screenshotsDropped).toBe(1);
  });

  it('takes no screenshot while the outbox is degraded (memory is for alerts)', async () => {
    const outbox = new FullDiskOutbox();
    outbox.degraded = { reason: 'ENOSPC', since: 1 };
    const { p, detector } = await rig(outbox);
    p.keys.type('i want to kill myself\n');
    await detector.drain();
    expect(p.capture.calls).toEqual([]);
    expect(outbox.of('alert')[0]?.payload.screenshot).toBeUndefined();
    expect(detector.stats.screenshotsDropped).toBe(1);
  });

  it('counts an alert it could not queue at all, for the heartbeat', async () => {
    const outbox = new FullDiskOutbox();
    outbox.failWith = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const { p, detector } = await rig(outbox);
    p.keys.type('i want to kill myself\n');
    await detector.drain();
    expect(outbox.dropped).toEqual(['alert']);
    expect(detector.stats.alertsLost).toBe(1);
  });
});
