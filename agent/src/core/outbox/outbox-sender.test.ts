import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { backoffCeiling } from './backoff.ts';
import { Outbox } from './outbox.ts';
import { OutboxSender, PermanentSendError, type OutboxSenderOptions } from './outbox-sender.ts';
import { ManualClock, idFactory, withTempDir } from './outbox-test-kit.ts';
import type { OutboxKind, OutboxRecord } from './outbox-types.ts';

const nextId = idFactory();
const ACK_TIMEOUT = 30_000;

interface Rig {
  outbox: Outbox;
  clock: ManualClock;
  sender: OutboxSender;
  sent: string[][];
  /** Resolves once every outbox operation queued so far (including the sender's peeks) has run. */
  barrier: () => Promise<void>;
}

async function withRig(
  send: (records: readonly OutboxRecord[], call: number) => Promise<void>,
  options: Partial<OutboxSenderOptions>,
  test: (rig: Rig) => Promise<void>,
): Promise<void> {
  await withTempDir(async (dir) => {
    const outbox = await Outbox.open({ dir });
    const clock = new ManualClock();
    const sent: string[][] = [];
    const sender = new OutboxSender({
      outbox,
      clock,
      random: () => 0.5,
      ackTimeoutMs: ACK_TIMEOUT,
      send: (records) => {
        sent.push(records.map((r) => r.id));
        return send(records, sent.length);
      },
      ...options,
    });
    const barrier = async () => {
      await outbox.peek(0);
    };
    try {
      await test({ outbox, clock, sender, sent, barrier });
    } finally {
      await sender.stop();
      await outbox.close();
    }
  });
}

async function enqueue(outbox: Outbox, kinds: OutboxKind[]): Promise<string[]> {
  const ids: string[] = [];
  for (const kind of kinds) {
    const id = nextId();
    await outbox.enqueue({ id, kind, body: `{"kind":"${kind}"}` });
    ids.push(id);
  }
  return ids;
}

const never = () => new Promise<void>(() => {});
/** Polls briskly: the sender reacts within a few fs round trips. */
const until = (check: () => void) => vi.waitFor(check, { interval: 2, timeout: 5000 });

describe('OutboxSender', () => {
  it('retries transient failures with jittered exponential backoff, then acks and removes the records', () =>
    withRig(
      async (_records, call) => {
        if (call <= 2) throw new Error('ECONNRESET');
      },
      { ackMode: 'resolve' },
      async ({ outbox, clock, sender, sent }) => {
        const ids = await enqueue(outbox, ['activity', 'alert', 'alert']);
        sender.start();
        sender.notifyConnected();
        await until(() => expect(sender.state().backingOff).toBe(true));
        expect(sent).toEqual([[ids[1], ids[2], ids[0]]]);
        expect(clock.pendingDelays()).toEqual([250]); // 0.5 · 500 ms

        clock.advance(249);
        expect(sender.state().backingOff).toBe(true);
        clock.advance(1);
        await until(() => expect(sent).toHaveLength(2));
        await until(() => expect(clock.pendingDelays()).toEqual([500])); // 0.5 · 1000 ms

        clock.advance(500);
        await until(() => expect(outbox.stats().pending).toBe(0));
        await until(() => expect(sender.state()).toMatchObject({ attempt: 0, inFlightRecords: 0, backingOff: false }));
        expect(sent).toHaveLength(3);
      },
    ));

  it('keeps records in flight until the collector acks them and re-sends them after the ack timeout', () =>
    withRig(
      async () => {},
      {},
      async ({ outbox, clock, sender, sent }) => {
        const ids = await enqueue(outbox, ['alert', 'alert']);
        sender.start();
        sender.notifyConnected();
        await until(() => expect(sender.state().inFlightRecords).toBe(2));
        expect(outbox.stats().pending).toBe(2);

        clock.advance(ACK_TIMEOUT);
        await until(() => expect(sender.state()).toMatchObject({ backingOff: true, inFlightRecords: 0 }));
        clock.advance(250);
        await until(() => expect(sent).toHaveLength(2));
        expect(sent[1]).toEqual(ids);

        await sender.ack(ids);
        expect(outbox.stats().pending).toBe(0);
        expect(sender.state().inFlightRecords).toBe(0);
      },
    ));

  it('sends nothing while disconnected and resumes at once on notifyConnected', () =>
    withRig(
      async () => {},
      {},
      async ({ outbox, clock, sender, sent, barrier }) => {
        sender.start();
        const [first] = await enqueue(outbox, ['alert']);
        await barrier();
        expect(sent).toEqual([]);

        sender.notifyConnected();
        await until(() => expect(sent).toEqual([[first]]));

        // The link drops before the ack: the record is released, not re-sent until reconnected.
        sender.notifyDisconnected();
        expect(sender.state().inFlightRecords).toBe(0);
        clock.advance(10 * ACK_TIMEOUT);
        await enqueue(outbox, ['activity']);
        await barrier();
        expect(sent).toHaveLength(1);

        sender.notifyConnected();
        await until(() => expect(sent).toHaveLength(2));
        expect(sent[1]?.[0]).toBe(first);
      },
    ));

  it('never has more than maxInFlight batches awaiting acks, and never the same record twice', () =>
    withRig(
      async () => {},
      { batchSize: 2, maxInFlight: 3 },
      async ({ outbox, sender, sent, barrier }) => {
        const ids = await enqueue(
          outbox,
          Array.from({ length: 10 }, () => 'activity' as const),
        );
        sender.start();
        sender.notifyConnected();
        await until(() => expect(sent).toHaveLength(3));
        await barrier();
        expect(sent).toEqual([ids.slice(0, 2), ids.slice(2, 4), ids.slice(4, 6)]);

        await sender.ack(ids.slice(0, 2));
        await until(() => expect(sent).toHaveLength(4));
        await barrier();
        expect(sent[3]).toEqual(ids.slice(6, 8));
        expect(sender.state().inFlightBatches).toBe(3);
      },
    ));

  it('gives up on a batch the collector permanently refuses, counts it, and carries on', () =>
    withRig(
      async (records) => {
        if (records[0]?.kind === 'alert') throw new PermanentSendError('schema rejected');
      },
      { ackMode: 'resolve', batchSize: 1 },
      async ({ outbox, sender, sent }) => {
        await enqueue(outbox, ['activity', 'alert']);
        sender.start();
        sender.notifyConnected();
        await until(() => expect(outbox.stats().pending).toBe(0));
        await until(() => expect(sender.state()).toMatchObject({ attempt: 0, inFlightRecords: 0 }));
        expect(sent).toHaveLength(2);
        expect(outbox.stats()).toMatchObject({ rejected: 1, droppedAlerts: 1, droppedActivity: 0 });
      },
    ));

  it('acks a batch whose send succeeded only after the ack timeout', () => {
    let finish: () => void = () => {};
    return withRig(
      (_records, call) => (call === 1 ? new Promise<void>((resolve) => (finish = resolve)) : never()),
      { ackMode: 'resolve' },
      async ({ outbox, clock, sender, sent }) => {
        await enqueue(outbox, ['alert']);
        sender.start();
        sender.notifyConnected();
        await until(() => expect(sent).toHaveLength(1));
        clock.advance(ACK_TIMEOUT);
        await until(() => expect(sender.state().backingOff).toBe(true));
        finish();
        await until(() => expect(outbox.stats().pending).toBe(0));
      },
    );
  });

  it('keeps every scheduled retry delay within the jitter bounds, whatever the random draws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { minLength: 1, maxLength: 6 }), async (draws) => {
        let i = 0;
        const delays: number[] = [];
        await withRig(
          async () => {
            throw new Error('ETIMEDOUT');
          },
          { ackMode: 'resolve', random: () => draws[i++ % draws.length] ?? 0 },
          async ({ outbox, clock, sender, sent }) => {
            await enqueue(outbox, ['alert']);
            sender.start();
            sender.notifyConnected();
            for (let attempt = 0; attempt < draws.length; attempt++) {
              await until(() => expect(sent).toHaveLength(attempt + 1));
              await until(() => expect(sender.state().backingOff).toBe(true));
              const [delay = -1] = clock.pendingDelays();
              delays.push(delay);
              clock.advance(delay);
            }
          },
        );
        delays.forEach((delay, attempt) => {
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(backoffCeiling(attempt));
          expect(delay).toBe(Math.floor((draws[attempt] ?? 0) * backoffCeiling(attempt)));
        });
      }),
      { numRuns: 15 },
    );
  });
});
