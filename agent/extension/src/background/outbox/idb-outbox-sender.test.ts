import { OutboxSender, type SenderOutbox } from '@vigil/agent/outbox-sender';
import { OUTBOX_KINDS, type OutboxRecord } from '@vigil/agent/outbox-types';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { ExtensionOutboxRecord, IdbOutbox } from './idb-outbox.js';
import { ManualClock, body, fill, freshDb, nextId, pendingIds } from './idb-outbox-test-kit.js';

// Compile-time proof that the desktop sender accepts this outbox.
const _asSenderOutbox = (o: IdbOutbox): SenderOutbox => o;

describe('OutboxSender over IdbOutbox', () => {
  it('delivers everything at least once through a transport that fails, then recovers', async () => {
    const outbox = await freshDb().open();
    const clock = new ManualClock();
    const sent: string[][] = [];
    const delivered = new Map<string, ExtensionOutboxRecord>();
    let failing = true;
    const sender = new OutboxSender({
      outbox,
      clock,
      random: () => 0.5, // backoff = half the ceiling: 250 ms, then 500 ms, ...
      batchSize: 3,
      maxInFlight: 2,
      ackTimeoutMs: 10_000,
      send: async (records: readonly OutboxRecord[]) => {
        sent.push(records.map((r) => r.id));
        if (failing) throw new Error('socket closed');
        for (const r of records) delivered.set(r.id, r);
      },
    });

    const activity = await fill(outbox, ['activity', 'activity', 'activity', 'activity']);
    const alerts = await fill(outbox, ['alert', 'alert']);
    const frameId = nextId();
    const frame = new Uint8Array([0x56, 0x47, 0, 1, 2, 255]);
    await outbox.enqueue({ id: frameId, kind: 'alert', body: '', bytes: frame });
    sender.start();
    sender.notifyConnected();

    // The first send fails: the sender backs off and sends nothing more meanwhile.
    await vi.waitFor(() => expect(sender.state().backingOff).toBe(true));
    expect(sent).toEqual([[...alerts, frameId]]);
    const lateAlert = nextId();
    await outbox.enqueue({ id: lateAlert, kind: 'alert', body: body(3) });
    expect(sent).toHaveLength(1);

    // The transport recovers: the backoff ends, alerts go first, the window fills up.
    failing = false;
    clock.advance(250);
    await vi.waitFor(() => expect(sender.state().inFlightBatches).toBe(2));
    expect(sent.slice(1)).toEqual([
      [...alerts, frameId],
      [lateAlert, activity[0], activity[1]],
    ]);

    // The connection drops before the collector acks: everything in flight is released…
    sender.notifyDisconnected();
    expect(outbox.stats().pending).toBe(8);
    sender.notifyConnected();
    // …and re-sent after reconnecting; acking batch by batch drains the outbox.
    let next = 3;
    while (outbox.stats().pending > 0) {
      await vi.waitFor(() => expect(sent.length).toBeGreaterThan(next));
      const batches = sent.slice(next);
      next = sent.length;
      for (const batch of batches) await sender.ack(batch);
    }
    expect(sent[3]).toEqual([...alerts, frameId]);

    const all = [...alerts, frameId, lateAlert, ...activity];
    expect([...delivered.keys()].sort()).toEqual([...all].sort());
    expect(delivered.get(frameId)?.bytes).toEqual(frame);
    expect(await pendingIds(outbox)).toEqual([]);
    expect(outbox.stats()).toMatchObject({ pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0, rejected: 0 });
    await sender.stop();
    await outbox.close();
  });

  it('lets the transport read the frame bytes of a binary record', async () => {
    const outbox = await freshDb().open();
    const clock = new ManualClock();
    const frames: (Uint8Array | undefined)[] = [];
    const sender = new OutboxSender({
      outbox,
      clock,
      ackMode: 'resolve',
      send: async (records: readonly ExtensionOutboxRecord[]) => {
        for (const r of records) frames.push(r.bytes);
      },
    });
    await outbox.enqueue({ id: nextId(), kind: 'alert', body: '', bytes: new Uint8Array([1, 2, 3]) });
    sender.start();
    sender.notifyConnected();
    await vi.waitFor(() => expect(outbox.stats().pending).toBe(0));
    expect(frames).toEqual([new Uint8Array([1, 2, 3])]);
    await sender.stop();
    await outbox.close();
  });
});

describe('IdbOutbox summary (property)', () => {
  type Op = { op: 'enqueue'; kind: (typeof OUTBOX_KINDS)[number]; size: number } | { op: 'ack'; picks: number[] } | { op: 'reopen' };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('enqueue' as const), kind: fc.constantFrom(...OUTBOX_KINDS), size: fc.integer({ min: 0, max: 40 }) }),
    fc.record({ op: fc.constant('ack' as const), picks: fc.array(fc.nat(), { maxLength: 4 }) }),
    fc.constant({ op: 'reopen' as const }),
  );

  it('stats() agrees with what peek returns after any sequence of enqueue, ack and reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 25 }), async (ops) => {
        const db = freshDb({ maxBytes: 120 });
        let outbox = await db.open();
        try {
          for (const step of ops) {
            if (step.op === 'enqueue') await outbox.enqueue({ id: nextId(), kind: step.kind, body: body(step.size) });
            else if (step.op === 'reopen') {
              await outbox.close();
              outbox = await db.open();
            } else {
              const ids = await pendingIds(outbox);
              await outbox.ack(step.picks.map((i) => ids[i % Math.max(1, ids.length)] ?? nextId()));
            }
            const records = await outbox.peek(Number.MAX_SAFE_INTEGER);
            const stats = outbox.stats();
            expect(stats.pending).toBe(records.length);
            expect(stats.pendingAlerts).toBe(records.filter((r) => r.kind === 'alert').length);
            expect(stats.bytes).toBe(records.reduce((sum, r) => sum + r.body.length, 0));
            expect(stats.bytes).toBeLessThanOrEqual(120);
          }
        } finally {
          await outbox.close();
        }
      }),
      { numRuns: 40 },
    );
  });
});
