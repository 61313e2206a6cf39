import fc from 'fast-check';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { idFactory, listFiles, memoryLogger, withTempDir } from './outbox-test-kit.ts';
import type { OutboxKind, OutboxRecord } from './outbox-types.ts';

const nextId = idFactory();

interface Layout {
  bytes: Buffer;
  name: string;
  records: Array<{ id: string; body: string; start: number; end: number }>;
}

/** One alert segment with records of varied sizes, plus where each frame sits. */
async function buildSegment(count: number): Promise<Layout> {
  return withTempDir(async (dir) => {
    const outbox = await Outbox.open({ dir });
    const records: Layout['records'] = [];
    let pos = 16;
    for (let i = 0; i < count; i++) {
      const id = nextId();
      const body = JSON.stringify({ i, text: 'ü'.repeat(i * 3) });
      await outbox.enqueue({ id, kind: 'alert', body });
      const end = pos + 12 + 26 + 8 + Buffer.byteLength(body);
      records.push({ id, body, start: pos, end });
      pos = end;
    }
    await outbox.close();
    const [name] = await listFiles(dir, '.seg');
    if (!name) throw new Error('no segment written');
    return { bytes: await readFile(join(dir, name)), name, records };
  });
}

async function openWith(dir: string, name: string, bytes: Buffer) {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, name), bytes);
  const logger = memoryLogger();
  const outbox = await Outbox.open({ dir, logger });
  const records = await outbox.peek(1000);
  return { outbox, records, logger };
}

describe('Outbox recovery', () => {
  it('keeps every intact record when the tail of a segment is cut off, for any cut', async () => {
    const layout = await buildSegment(12);
    const boundaries = new Set([16, ...layout.records.map((r) => r.end)]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: layout.bytes.length - 16 }), (cut) =>
        withTempDir(async (dir) => {
          const kept = layout.bytes.length - cut;
          const { outbox, records, logger } = await openWith(dir, layout.name, layout.bytes.subarray(0, kept));
          const expected = layout.records.filter((r) => r.end <= kept);
          expect(records.map((r) => [r.id, r.body])).toEqual(expected.map((r) => [r.id, r.body]));
          const torn = !boundaries.has(kept);
          expect(outbox.stats().corruptRecordsSkipped).toBe(torn ? 1 : 0);
          if (torn) expect(logger.lines.some((l) => l.level === 'warn' && 'corruptRegions' in l.obj)).toBe(true);
          await outbox.close();
        }),
      ),
      { numRuns: 60 },
    );
  });

  it('loses only the damaged record when any byte after the header is flipped, and counts it once', async () => {
    const layout = await buildSegment(8);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 16, max: layout.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (pos, mask) =>
        withTempDir(async (dir) => {
          const damaged = Buffer.from(layout.bytes);
          damaged[pos] = (damaged[pos] ?? 0) ^ mask;
          const { outbox, records } = await openWith(dir, layout.name, damaged);
          const expected = layout.records.filter((r) => pos < r.start || pos >= r.end);
          expect(records.map((r) => r.id)).toEqual(expected.map((r) => r.id));
          expect(outbox.stats().corruptRecordsSkipped).toBe(1);
          await outbox.close();

          const again = await Outbox.open({ dir });
          expect((await again.peek(100)).map((r) => r.id)).toEqual(expected.map((r) => r.id));
          expect(again.stats().corruptRecordsSkipped).toBe(1);
          await again.close();
        }),
      ),
      { numRuns: 60 },
    );
  });

  it('survives garbage appended after the last record', async () => {
    const layout = await buildSegment(3);
    await withTempDir(async (dir) => {
      const garbage = Buffer.from([0xfe, 0xff, 0x56, 0x52, 0xff, 0xff, 0xff, 0x7f, 1, 2, 3, 0, 0, 0]);
      const { outbox, records } = await openWith(dir, layout.name, Buffer.concat([layout.bytes, garbage]));
      expect(records.map((r) => r.id)).toEqual(layout.records.map((r) => r.id));
      expect(outbox.stats().corruptRecordsSkipped).toBe(1);
      await outbox.close();
    });
  });

  it('keeps records before and after a damaged record, in its segment and in the others', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, segmentBytes: 300 });
      const enqueued: Array<[string, OutboxKind]> = [];
      for (let i = 0; i < 12; i++) {
        const id = nextId();
        const kind: OutboxKind = i % 4 === 3 ? 'activity' : 'alert';
        await outbox.enqueue({ id, kind, body: `{"i":${i},"pad":"${'p'.repeat(40)}"}` });
        enqueued.push([id, kind]);
      }
      await outbox.close();
      const alertSegments = (await listFiles(dir, '.seg')).filter((n) => n.startsWith('alert-'));
      expect(alertSegments.length).toBeGreaterThanOrEqual(3);
      // Damage the body of the second record of the middle alert segment.
      const middle = join(dir, alertSegments[1] ?? '');
      const bytes = await readFile(middle);
      const frame = 12 + 26 + 8 + `{"i":0,"pad":"${'p'.repeat(40)}"}`.length;
      bytes[16 + frame + 50] = (bytes[16 + frame + 50] ?? 0) ^ 0x20;
      await writeFile(middle, bytes);

      const reopened = await Outbox.open({ dir, segmentBytes: 300 });
      const ids = (await reopened.peek(100)).map((r) => r.id);
      expect(ids).toHaveLength(enqueued.length - 1);
      const lost = enqueued.map(([id]) => id).filter((id) => !ids.includes(id));
      expect(lost).toHaveLength(1);
      expect(reopened.stats().corruptRecordsSkipped).toBe(1);
      await reopened.close();
    }));

  it('quarantines a segment with a garbage header and keeps every other segment', () =>
    withTempDir(async (dir) => {
      // 106-byte frames: two per 300-byte segment.
      const outbox = await Outbox.open({ dir, segmentBytes: 300 });
      const ids = Array.from({ length: 9 }, () => nextId());
      for (const id of ids) await outbox.enqueue({ id, kind: 'alert', body: 'y'.repeat(60) });
      const activity = nextId();
      await outbox.enqueue({ id: activity, kind: 'activity', body: 'z' });
      await outbox.close();
      const segments = (await listFiles(dir, '.seg')).filter((n) => n.startsWith('alert-'));
      expect(segments).toHaveLength(5);
      const victim = segments[0] ?? '';
      const bytes = await readFile(join(dir, victim));
      bytes.fill(0x3f, 0, 16);
      await writeFile(join(dir, victim), bytes);

      const logger = memoryLogger();
      const reopened = await Outbox.open({ dir, segmentBytes: 300, logger });
      expect((await reopened.peek(100)).map((r) => r.id)).toEqual([...ids.slice(2), activity]);
      expect(reopened.stats()).toMatchObject({ segmentsQuarantined: 1, corruptRecordsSkipped: 1 });
      expect(await listFiles(dir, '.corrupt')).toEqual([`${victim}.corrupt`]);
      expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('quarantined'))).toBe(true);
      await reopened.close();
      // The quarantined file is not counted again.
      const third = await Outbox.open({ dir });
      expect(third.stats().segmentsQuarantined).toBe(1);
      await third.close();
    }));

  it('re-delivers acked records whose ack log tail was torn, and loses nothing', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const ids = Array.from({ length: 6 }, () => nextId());
      for (const id of ids) await outbox.enqueue({ id, kind: 'activity', body: 'a' });
      await outbox.ack(ids.slice(0, 2));
      await outbox.ack(ids.slice(2, 4));
      await outbox.close();
      const [ackLog] = await listFiles(dir, '.ack');
      const bytes = await readFile(join(dir, ackLog ?? ''));
      await writeFile(join(dir, ackLog ?? ''), bytes.subarray(0, bytes.length - 5));

      const reopened = await Outbox.open({ dir });
      const pending: OutboxRecord[] = await reopened.peek(100);
      expect(pending.map((r) => r.id)).toEqual(ids.slice(2));
      await reopened.close();
    }));

  it('deletes a segment file that a crash left without a complete header, without counting damage', () =>
    withTempDir(async (dir) => {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'alert-0000000007.seg'), Buffer.from('VGO'));
      const outbox = await Outbox.open({ dir });
      expect(outbox.stats()).toMatchObject({ pending: 0, corruptRecordsSkipped: 0, segmentsQuarantined: 0 });
      expect(await listFiles(dir, '.seg')).toEqual([]);
      await outbox.enqueue({ id: nextId(), kind: 'alert', body: 'after' });
      expect(await listFiles(dir, '.seg')).toEqual(['alert-0000000008.seg']);
      await outbox.close();
    }));
});
