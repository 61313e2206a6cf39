import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { idFactory, listFiles, withTempDir } from './outbox-test-kit.ts';
import { OutboxError } from './outbox-types.ts';

const nextId = idFactory();

describe('Outbox', () => {
  it('does not re-deliver acked records after a reopen', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const a = nextId();
      const b = nextId();
      await outbox.enqueue({ id: a, kind: 'alert', body: '{"n":1}' });
      await outbox.enqueue({ id: b, kind: 'activity', body: '{"n":2}' });
      const batch = await outbox.peek(10);
      expect(batch.map((r) => r.id)).toEqual([a, b]);
      expect(await outbox.ack(batch.map((r) => r.id))).toBe(2);
      expect(outbox.stats()).toMatchObject({ pending: 0, bytes: 0 });
      await outbox.close();

      const reopened = await Outbox.open({ dir });
      expect(await reopened.peek(10)).toEqual([]);
      expect(reopened.stats().pending).toBe(0);
      await reopened.close();
    }));

  it('re-delivers un-acked records after a reopen exactly once, with identical id and body', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, now: () => 1_700_000_000_123 });
      const id = nextId();
      const body = JSON.stringify({ v: 1, id, type: 'alert', payload: { term: 'é ünïcode ✓' } });
      await outbox.enqueue({ id, kind: 'alert', body });
      await outbox.close();

      const reopened = await Outbox.open({ dir });
      const records = await reopened.peek(10);
      expect(records).toEqual([{ id, kind: 'alert', body, enqueuedAt: 1_700_000_000_123 }]);
      await reopened.close();
    }));

  it('treats a second enqueue of the same id as a no-op', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const id = nextId();
      expect(await outbox.enqueue({ id, kind: 'alert', body: 'first' })).toBe('enqueued');
      expect(await outbox.enqueue({ id, kind: 'activity', body: 'second' })).toBe('duplicate');
      expect((await outbox.peek(10)).map((r) => r.body)).toEqual(['first']);
      await outbox.close();
      const reopened = await Outbox.open({ dir });
      expect(await reopened.enqueue({ id, kind: 'alert', body: 'third' })).toBe('duplicate');
      expect(reopened.stats().pending).toBe(1);
      await reopened.close();
    }));

  it('delivers alerts before older state and activity, each oldest first', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const order: Array<[string, 'alert' | 'state' | 'activity']> = [
        [nextId(), 'activity'],
        [nextId(), 'state'],
        [nextId(), 'alert'],
        [nextId(), 'activity'],
        [nextId(), 'alert'],
      ];
      for (const [id, kind] of order) await outbox.enqueue({ id, kind, body: kind });
      const ids = (await outbox.peek(10)).map((r) => r.id);
      const pick = (i: number) => order[i]?.[0];
      expect(ids).toEqual([pick(2), pick(4), pick(1), pick(0), pick(3)]);
      expect((await outbox.peek(2, new Set([pick(2) ?? '']))).map((r) => r.id)).toEqual([pick(4), pick(1)]);
      await outbox.close();
    }));

  it('keeps order across segment rotation and deletes a segment once all its records are acked', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, segmentBytes: 400 });
      const ids = Array.from({ length: 30 }, () => nextId());
      for (const id of ids) await outbox.enqueue({ id, kind: 'activity', body: 'x'.repeat(50) });
      const segments = await listFiles(dir, '.seg');
      expect(segments.length).toBeGreaterThan(3);
      expect((await outbox.peek(100)).map((r) => r.id)).toEqual(ids);

      await outbox.ack(ids.slice(0, 15));
      const after = await listFiles(dir, '.seg');
      expect(after.length).toBeLessThan(segments.length);
      expect(await listFiles(dir, '.ack')).toHaveLength(1);
      await outbox.close();

      const reopened = await Outbox.open({ dir, segmentBytes: 400 });
      expect((await reopened.peek(100)).map((r) => r.id)).toEqual(ids.slice(15));
      await reopened.ack(ids.slice(15));
      await reopened.close();
      expect(await listFiles(dir, '.seg')).toEqual([]);
      expect(await listFiles(dir, '.ack')).toEqual([]);
    }));

  it('writes segments with a versioned header', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: '{}' });
      const [name] = await listFiles(dir, '.seg');
      const bytes = await readFile(join(dir, name ?? ''));
      expect(bytes.subarray(0, 4).toString('latin1')).toBe('VGOS');
      expect(bytes.readUInt16LE(4)).toBe(1);
      await outbox.close();
    }));

  it('refuses records that are not ULIDs, of unknown kinds or too large', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxBytes: 1000 });
      await expect(outbox.enqueue({ id: 'not-a-ulid', kind: 'alert', body: '' })).rejects.toMatchObject({ code: 'invalid-record' });
      await expect(outbox.enqueue({ id: nextId(), kind: 'bogus' as 'alert', body: '' })).rejects.toMatchObject({ code: 'invalid-record' });
      await expect(outbox.enqueue({ id: nextId(), kind: 'alert', body: 'x'.repeat(2000) })).rejects.toMatchObject({ code: 'record-too-large' });
      await expect(outbox.enqueue({ id: nextId(), kind: 'alert', body: 'half \ud83d pair' })).rejects.toMatchObject({ code: 'invalid-record' });
      expect(await outbox.enqueue({ id: nextId(), kind: 'alert', body: 'whole \ud83d\ude00 pair' })).toBe('enqueued');
      expect(outbox.stats().pending).toBe(1);
      await outbox.close();
      await expect(outbox.peek(1)).rejects.toBeInstanceOf(OutboxError);
    }));

  it('counts pending records and bytes in stats', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const alert = nextId();
      await outbox.enqueue({ id: alert, kind: 'alert', body: 'a' });
      await outbox.enqueue({ id: nextId(), kind: 'activity', body: 'b' });
      const stats = outbox.stats();
      expect(stats).toMatchObject({ pending: 2, pendingAlerts: 1, droppedActivity: 0, droppedAlerts: 0, corruptRecordsSkipped: 0 });
      expect(stats.bytes).toBe(2 * (12 + 26 + 8 + 1));
      expect(stats.diskBytes).toBeGreaterThan(stats.bytes);
      await outbox.ack([alert, alert, 'unknown']);
      expect(outbox.stats()).toMatchObject({ pending: 1, pendingAlerts: 0 });
      await outbox.close();
    }));

  it('survives concurrent enqueues, peeks and acks without losing or duplicating records', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, segmentBytes: 2000 });
      const ids = Array.from({ length: 200 }, () => nextId());
      const acked = new Set<string>();
      await Promise.all([
        ...ids.map((id, i) => outbox.enqueue({ id, kind: i % 7 === 0 ? 'alert' : 'activity', body: `r${i}` })),
        ...Array.from({ length: 20 }, async () => {
          const batch = await outbox.peek(5);
          for (const r of batch) acked.add(r.id);
          await outbox.ack(batch.map((r) => r.id));
        }),
      ]);
      const rest = await outbox.peek(1000);
      expect(rest.length + acked.size).toBe(ids.length);
      expect(new Set([...rest.map((r) => r.id), ...acked]).size).toBe(ids.length);
      await outbox.close();
    }));

  it('stores the record even when an enqueue listener throws, and closes idempotently', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const heard: string[] = [];
      outbox.onEnqueue(() => {
        throw new Error('listener bug');
      });
      const stop = outbox.onEnqueue((kind) => heard.push(kind));
      expect(await outbox.enqueue({ id: nextId(), kind: 'state', body: '{}' })).toBe('enqueued');
      stop();
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: '{}' });
      expect(heard).toEqual(['state']);
      await Promise.all([outbox.close(), outbox.close()]);
      await outbox.close();
      const reopened = await Outbox.open({ dir });
      expect(reopened.stats().pending).toBe(2);
      await reopened.close();
    }));
});
