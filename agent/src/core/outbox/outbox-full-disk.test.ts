import { afterEach, describe, expect, it, vi } from 'vitest';
import { diskFault } from './failing-fs.ts';
import { Outbox } from './outbox.ts';
import { idFactory, listFiles, memoryLogger, withTempDir } from './outbox-test-kit.ts';

vi.mock('node:fs/promises', async (real) => (await import('./failing-fs.ts')).failingFs(await real()));

const nextId = idFactory();
const BODY = 'x'.repeat(54);

afterEach(() => {
  diskFault.code = undefined;
  diskFault.under = undefined;
  diskFault.failures = 0;
});

describe('Outbox on a disk that refuses writes', () => {
  it('holds records in memory, hands them to the sender alerts first, and stores them when space returns', () =>
    withTempDir(async (dir) => {
      const logger = memoryLogger();
      const outbox = await Outbox.open({ dir, logger, retryMs: 60_000 });
      const before = nextId();
      expect(await outbox.enqueue({ id: before, kind: 'activity', body: BODY })).toBe('enqueued');

      diskFault.code = 'ENOSPC';
      const activity = nextId();
      const alert = nextId();
      const state = nextId();
      expect(await outbox.enqueue({ id: activity, kind: 'activity', body: BODY })).toBe('enqueued');
      expect(await outbox.enqueue({ id: alert, kind: 'alert', body: BODY })).toBe('enqueued');
      expect(await outbox.enqueue({ id: state, kind: 'state', body: BODY })).toBe('enqueued');
      expect(await outbox.enqueue({ id: alert, kind: 'alert', body: BODY })).toBe('duplicate');
      expect(diskFault.failures).toBeGreaterThan(0);

      const stats = outbox.stats();
      expect(stats).toMatchObject({ pending: 4, pendingAlerts: 1, heldInMemory: 3, droppedAlerts: 0, droppedActivity: 0 });
      expect(stats.degraded?.reason).toBe('ENOSPC');
      expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('refuses writes'))).toBe(true);

      // The sender gets them like stored records: alert, state, then activity (stored first, then held).
      expect((await outbox.peek(10)).map((r) => r.id)).toEqual([alert, state, before, activity]);
      expect((await outbox.peek(10, new Set([alert]))).map((r) => r.id)).toEqual([state, before, activity]);

      // Delivered straight over the socket while degraded: the ack removes it from memory.
      expect(await outbox.ack([alert])).toBe(1);
      expect(outbox.stats()).toMatchObject({ pending: 3, heldInMemory: 2 });

      // Still full: the retry keeps them held.
      expect(await outbox.retryDisk()).toBe(false);
      expect(outbox.stats().degraded).toBeDefined();

      diskFault.code = undefined;
      expect(await outbox.retryDisk()).toBe(true);
      expect(outbox.stats()).toMatchObject({ pending: 3, heldInMemory: 0 });
      expect(outbox.stats().degraded).toBeUndefined();
      expect(logger.lines.some((l) => l.msg.includes('writable again'))).toBe(true);
      await outbox.close();

      // They are on disk now: a restart finds them.
      const reopened = await Outbox.open({ dir });
      expect((await reopened.peek(10)).map((r) => r.id)).toEqual([state, before, activity]);
      await reopened.close();
    }));

  it('bounds what it holds, evicting the least urgent first, and counts every drop', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxHeldRecords: 3, retryMs: 60_000 });
      diskFault.code = 'EDQUOT';
      const a1 = nextId();
      const act = nextId();
      const a2 = nextId();
      const a3 = nextId();
      const a4 = nextId();
      await outbox.enqueue({ id: a1, kind: 'alert', body: BODY });
      await outbox.enqueue({ id: act, kind: 'activity', body: BODY });
      await outbox.enqueue({ id: a2, kind: 'alert', body: BODY });
      // Full: the activity goes first.
      expect(await outbox.enqueue({ id: a3, kind: 'alert', body: BODY })).toBe('enqueued');
      expect(outbox.stats()).toMatchObject({ heldInMemory: 3, droppedActivity: 1, droppedAlerts: 0 });
      // Only alerts left: the oldest alert goes, counted.
      expect(await outbox.enqueue({ id: a4, kind: 'alert', body: BODY })).toBe('enqueued');
      expect(outbox.stats()).toMatchObject({ heldInMemory: 3, droppedActivity: 1, droppedAlerts: 1 });
      expect((await outbox.peek(10)).map((r) => r.id)).toEqual([a2, a3, a4]);
      // New activity never evicts an alert: it is dropped itself, counted.
      expect(await outbox.enqueue({ id: nextId(), kind: 'activity', body: BODY })).toBe('dropped');
      expect(outbox.stats()).toMatchObject({ heldInMemory: 3, droppedActivity: 2, droppedAlerts: 1 });
      expect(outbox.stats().degraded?.reason).toBe('EDQUOT');

      // The counts reach disk with the held records once it is writable.
      diskFault.code = undefined;
      expect(await outbox.retryDisk()).toBe(true);
      await outbox.close();
      const reopened = await Outbox.open({ dir });
      expect(reopened.stats()).toMatchObject({ pending: 3, droppedActivity: 2, droppedAlerts: 1 });
      await reopened.close();
    }));

  it('bounds held bytes too', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxHeldBytes: 250, retryMs: 60_000 });
      diskFault.code = 'ENOSPC';
      for (let i = 0; i < 4; i++) await outbox.enqueue({ id: nextId(), kind: 'alert', body: BODY });
      // 100-byte frames: two fit in 250 bytes.
      expect(outbox.stats()).toMatchObject({ heldInMemory: 2, droppedAlerts: 2 });
      await outbox.close();
    }));

  it('opens degraded when the folder cannot even be scanned, and recovers the last run’s records later', () =>
    withTempDir(async (dir) => {
      const first = await Outbox.open({ dir });
      const old = nextId();
      await first.enqueue({ id: old, kind: 'alert', body: BODY });
      await first.close();

      diskFault.code = 'EIO';
      const outbox = await Outbox.open({ dir, retryMs: 60_000 });
      expect(outbox.stats().degraded?.reason).toBe('EIO');
      const held = nextId();
      expect(await outbox.enqueue({ id: held, kind: 'alert', body: BODY })).toBe('enqueued');
      expect((await outbox.peek(10)).map((r) => r.id)).toEqual([held]);

      diskFault.code = undefined;
      expect(await outbox.retryDisk()).toBe(true);
      expect((await outbox.peek(10)).map((r) => r.id)).toEqual([old, held]);
      expect(outbox.stats()).toMatchObject({ pending: 2, heldInMemory: 0 });
      await outbox.close();
    }));

  it('retries the disk by itself and leaves no half-made segment behind', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, retryMs: 20 });
      diskFault.code = 'ENOSPC';
      diskFault.under = dir;
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: BODY });
      expect(outbox.stats().degraded).toBeDefined();
      diskFault.code = undefined;
      await vi.waitFor(() => expect(outbox.stats().degraded).toBeUndefined(), { timeout: 5_000, interval: 10 });
      expect(outbox.stats()).toMatchObject({ pending: 1, heldInMemory: 0 });
      expect(await listFiles(dir, '.seg')).toHaveLength(1);
      await outbox.close();
    }));

  it('enqueues a record with what it names in one step, or its fallback when that cannot be kept', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxHeldRecords: 2, retryMs: 60_000 });
      const woken: string[] = [];
      outbox.onEnqueue((kind) => woken.push(kind));
      const shot = nextId();
      const alert = nextId();
      expect(
        await outbox.enqueueWith(
          { id: shot, kind: 'state', body: 'shot' },
          { id: alert, kind: 'alert', body: 'with' },
          { id: alert, kind: 'alert', body: 'without' },
        ),
      ).toEqual({ dependency: 'enqueued', record: 'enqueued' });
      expect(woken).toEqual(['state', 'alert']);
      expect((await outbox.peek(10)).map((r) => r.body)).toEqual(['with', 'shot']);

      // Full disk, memory full of alerts: the screenshot cannot be kept, so the alert goes without naming it.
      diskFault.code = 'ENOSPC';
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: BODY });
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: BODY });
      const shot2 = nextId();
      const alert2 = nextId();
      const result = await outbox.enqueueWith(
        { id: shot2, kind: 'state', body: 'shot2' },
        { id: alert2, kind: 'alert', body: 'with2' },
        { id: alert2, kind: 'alert', body: 'without2' },
      );
      expect(result).toEqual({ dependency: 'dropped', record: 'enqueued' });
      const bodies = (await outbox.peek(10)).map((r) => r.body);
      expect(bodies).toContain('without2');
      expect(bodies).not.toContain('with2');
      expect(bodies).not.toContain('shot2');
      await outbox.close();
    }));

  it('counts a record a caller lost before it reached the outbox', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      outbox.countDropped('alert');
      outbox.countDropped('activity', 2);
      expect(outbox.stats()).toMatchObject({ droppedAlerts: 1, droppedActivity: 2 });
      await outbox.close();
    }));
});
