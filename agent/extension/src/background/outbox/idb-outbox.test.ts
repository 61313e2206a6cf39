import { OutboxError } from '@vigil/agent/outbox-types';
import { describe, expect, it } from 'vitest';
import { body, fill, freshDb, memoryLogger, nextId, pendingIds } from './idb-outbox-test-kit.js';

describe('IdbOutbox basics', () => {
  it('returns duplicate for an id it still holds, and stores nothing twice', async () => {
    const outbox = await freshDb().open();
    const id = nextId();
    expect(await outbox.enqueue({ id, kind: 'alert', body: '{"a":1}' })).toBe('enqueued');
    expect(await outbox.enqueue({ id, kind: 'alert', body: '{"a":2}' })).toBe('duplicate');
    expect(await outbox.peek(10)).toEqual([{ id, kind: 'alert', enqueuedAt: expect.any(Number), body: '{"a":1}' }]);
    expect(outbox.stats()).toMatchObject({ pending: 1, pendingAlerts: 1, bytes: 7 });
    await outbox.close();
  });

  it('peeks alerts, then state, then activity, oldest id first in each lane', async () => {
    const outbox = await freshDb().open();
    const [a1, s1, x1, a2, x2] = await fill(outbox, ['activity', 'state', 'alert', 'activity', 'alert']);
    // An older id enqueued late still goes first in its lane.
    const older = nextId();
    const newer = nextId();
    await outbox.enqueue({ id: newer, kind: 'state', body: '{}' });
    await outbox.enqueue({ id: older, kind: 'state', body: '{}' });
    expect(await pendingIds(outbox)).toEqual([x1, x2, s1, older, newer, a1, a2]);
    expect((await outbox.peek(2)).map((r) => r.id)).toEqual([x1, x2]);
    expect((await outbox.peek(3, new Set([x1, s1]))).map((r) => r.id)).toEqual([x2, older, newer]);
    expect(await outbox.peek(0)).toEqual([]);
    await outbox.close();
  });

  it('ack deletes the records and ignores unknown ids', async () => {
    const outbox = await freshDb().open();
    const [x1, a1, a2] = await fill(outbox, ['alert', 'activity', 'activity']);
    expect(await outbox.ack([x1, a1, x1, nextId()])).toBe(2);
    expect(await pendingIds(outbox)).toEqual([a2]);
    expect(outbox.stats()).toMatchObject({ pending: 1, pendingAlerts: 0, bytes: 10, droppedActivity: 0, droppedAlerts: 0 });
    expect(await outbox.ack([])).toBe(0);
    await outbox.close();
  });

  it('keeps binary frames as bytes, byte for byte, across a reopen', async () => {
    const db = freshDb();
    const outbox = await db.open();
    const frame = new Uint8Array(20_000).map((_, i) => (i * 7919) % 256);
    const id = nextId();
    // A view into a bigger buffer: only the view's bytes are stored and counted.
    const padded = new Uint8Array(frame.length + 20);
    padded.set(frame, 10);
    await outbox.enqueue({ id, kind: 'alert', body: '', bytes: padded.subarray(10, 10 + frame.length) });
    const json = nextId();
    await outbox.enqueue({ id: json, kind: 'alert', body: '{"t":"é"}' });
    expect(outbox.stats().bytes).toBe(frame.length + 10);
    await outbox.close();

    const again = await db.open();
    const [bin, text] = await again.peek(10);
    expect(bin?.id).toBe(id);
    expect(bin?.body).toBe('');
    expect(bin?.bytes).toBeInstanceOf(Uint8Array);
    expect(bin?.bytes).toEqual(frame);
    expect(text).toEqual({ id: json, kind: 'alert', enqueuedAt: expect.any(Number), body: '{"t":"é"}' });
    expect(again.stats()).toMatchObject({ pending: 2, pendingAlerts: 2, bytes: frame.length + 10 });
    await again.close();
  });

  it('uses the injected clock for enqueuedAt unless one is given', async () => {
    const outbox = await freshDb({ now: () => 1234 }).open();
    const [a, b] = [nextId(), nextId()];
    await outbox.enqueue({ id: a, kind: 'state', body: '{}' });
    await outbox.enqueue({ id: b, kind: 'state', body: '{}', enqueuedAt: 99 });
    expect((await outbox.peek(2)).map((r) => r.enqueuedAt)).toEqual([1234, 99]);
    await outbox.close();
  });

  it('rejects caller bugs with a clear OutboxError and stores nothing', async () => {
    const outbox = await freshDb({ maxBytes: 100 }).open();
    await expect(outbox.enqueue({ id: 'not-a-ulid', kind: 'alert', body: '{}' })).rejects.toThrow(/not a ULID/);
    await expect(outbox.enqueue({ id: nextId(), kind: 'bogus' as 'alert', body: '{}' })).rejects.toThrow(/unknown record kind/);
    await expect(outbox.enqueue({ id: nextId(), kind: 'alert', body: '', bytes: [1, 2] as unknown as Uint8Array })).rejects.toThrow(/Uint8Array/);
    await expect(outbox.enqueue({ id: nextId(), kind: 'alert', body: body(101) })).rejects.toMatchObject({ code: 'record-too-large' });
    expect(outbox.stats().pending).toBe(0);
    await outbox.close();
  });

  it('rejects with a closed OutboxError after close, and close is idempotent', async () => {
    const outbox = await freshDb().open();
    await Promise.all([outbox.close(), outbox.close()]);
    const err = await outbox.enqueue({ id: nextId(), kind: 'alert', body: '{}' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OutboxError);
    expect(err).toMatchObject({ code: 'closed' });
  });

  it('names the operation when IndexedDB fails', async () => {
    const db = freshDb();
    // A newer schema than this code knows: open must fail, not guess.
    await new Promise<void>((resolve) => {
      const req = db.factory.open('vigil-outbox', 7);
      req.onsuccess = () => {
        req.result.close();
        resolve();
      };
    });
    await expect(db.open()).rejects.toThrow(/^outbox open failed: VersionError/);
  });
});

describe('IdbOutbox across service-worker restarts', () => {
  it('keeps loss counters and totals across a reopen', async () => {
    const db = freshDb({ maxBytes: 30 });
    const outbox = await db.open();
    const [x1, , a1] = await fill(outbox, ['alert', 'alert', 'activity']);
    await fill(outbox, ['alert']); // evicts a1
    expect(await outbox.reject([x1], 'schema')).toBe(1);
    const before = outbox.stats();
    expect(before).toEqual({ pending: 2, pendingAlerts: 2, bytes: 20, droppedActivity: 1, droppedAlerts: 1, rejected: 1 });
    expect(await pendingIds(outbox)).not.toContain(a1);
    await outbox.close();
    const again = await db.open();
    expect(again.stats()).toEqual(before);
    await again.close();
  });

  it('recounts the totals if the summary record is gone', async () => {
    const db = freshDb();
    const outbox = await db.open();
    await fill(outbox, ['alert', 'state', 'activity'], 5);
    await outbox.close();
    await new Promise<void>((resolve) => {
      const req = db.factory.open('vigil-outbox');
      req.onsuccess = () => {
        const tx = req.result.transaction('meta', 'readwrite');
        tx.objectStore('meta').clear();
        tx.oncomplete = () => {
          req.result.close();
          resolve();
        };
      };
    });
    const logger = memoryLogger();
    const again = await db.open({ logger });
    expect(again.stats()).toMatchObject({ pending: 3, pendingAlerts: 1, bytes: 15 });
    expect(logger.lines.some((l) => l.msg.includes('recounted'))).toBe(true);
    await again.close();
  });

  it('steps aside when a newer connection asks for the database', async () => {
    const db = freshDb();
    const logger = memoryLogger();
    const outbox = await db.open({ logger });
    await fill(outbox, ['alert']);
    const upgraded = await new Promise<IDBDatabase>((resolve) => {
      const req = db.factory.open('vigil-outbox', 2);
      req.onsuccess = () => resolve(req.result);
    });
    upgraded.close();
    await expect(outbox.enqueue({ id: nextId(), kind: 'alert', body: '{}' })).rejects.toMatchObject({ code: 'closed' });
    expect(logger.lines.some((l) => l.msg.includes('newer connection'))).toBe(true);
  });

  it('opens while the previous instance is still closing, and sees its records', async () => {
    const db = freshDb();
    const first = await db.open();
    const ids = await fill(first, ['alert', 'activity']);
    const closing = first.close();
    const second = await db.open();
    await closing;
    expect(await pendingIds(second)).toEqual(ids);
    await second.close();
  });
});

describe('IdbOutbox byte bound', () => {
  it('drops activity first, then state, then the oldest alerts, never a more urgent record', async () => {
    const logger = memoryLogger();
    const outbox = await freshDb({ maxBytes: 60, logger }).open();
    const [x1, s1, s2, , a2, a3] = await fill(outbox, ['alert', 'state', 'state', 'activity', 'activity', 'activity']);
    // Full (60). A new state record evicts the oldest activity, not state or alerts.
    const [s3] = await fill(outbox, ['state']);
    expect(await pendingIds(outbox)).toEqual([x1, s1, s2, s3, a2, a3]);
    // An alert needs 20 bytes: the two remaining activity records go.
    const [x2] = await fill(outbox, ['alert'], 20);
    expect(await pendingIds(outbox)).toEqual([x1, x2, s1, s2, s3]);
    expect(outbox.stats().droppedActivity).toBe(3);
    // Activity cannot evict state: the newcomer is dropped and counted.
    expect(await outbox.enqueue({ id: nextId(), kind: 'activity', body: body(10) })).toBe('dropped');
    expect(outbox.stats().droppedActivity).toBe(4);
    // Alerts push out state, oldest first.
    const [x3, x4] = await fill(outbox, ['alert', 'alert'], 10);
    expect(await pendingIds(outbox)).toEqual([x1, x2, x3, x4, s3]);
    const [x5] = await fill(outbox, ['alert'], 10);
    expect(await pendingIds(outbox)).toEqual([x1, x2, x3, x4, x5]);
    expect(outbox.stats()).toMatchObject({ droppedActivity: 7, droppedAlerts: 0, bytes: 60 });
    // Nothing but alerts: new state and activity are dropped, a new alert evicts the oldest alert.
    expect(await outbox.enqueue({ id: nextId(), kind: 'state', body: body(1) })).toBe('dropped');
    expect(await outbox.enqueue({ id: nextId(), kind: 'activity', body: body(1) })).toBe('dropped');
    const [x6] = await fill(outbox, ['alert'], 10);
    expect(await pendingIds(outbox)).toEqual([x2, x3, x4, x5, x6]);
    expect(outbox.stats()).toEqual({ pending: 5, pendingAlerts: 5, bytes: 60, droppedActivity: 9, droppedAlerts: 1, rejected: 0 });
    expect(logger.lines.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual(['outbox full of alerts alone; dropped the oldest alerts']);
    await outbox.close();
  });

  it('applies a smaller bound at once on reopen', async () => {
    const db = freshDb({ maxBytes: 100 });
    const first = await db.open();
    const [x1, s1] = await fill(first, ['alert', 'state', 'activity', 'activity']);
    await first.close();
    const second = await db.open({ maxBytes: 20 });
    expect(await pendingIds(second)).toEqual([x1, s1]);
    expect(second.stats()).toMatchObject({ pending: 2, bytes: 20, droppedActivity: 2 });
    await second.close();
  });
});

describe('IdbOutbox reject', () => {
  it('removes refused records and counts them as rejected and dropped by kind', async () => {
    const logger = memoryLogger();
    const outbox = await freshDb({ logger }).open();
    const [x1, s1, a1, a2] = await fill(outbox, ['alert', 'state', 'activity', 'activity']);
    expect(await outbox.reject([x1, s1, a1, nextId()], 'unknown envelope type')).toBe(3);
    expect(await pendingIds(outbox)).toEqual([a2]);
    expect(outbox.stats()).toEqual({ pending: 1, pendingAlerts: 0, bytes: 10, droppedActivity: 2, droppedAlerts: 1, rejected: 3 });
    expect(logger.lines.at(-1)).toMatchObject({ level: 'error', obj: { reason: 'unknown envelope type', alerts: 1 } });
    expect(await outbox.reject([x1], 'again')).toBe(0);
    expect(outbox.stats().rejected).toBe(3);
    await outbox.close();
  });
});
