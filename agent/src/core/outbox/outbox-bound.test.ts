import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { idFactory, memoryLogger, withTempDir } from './outbox-test-kit.ts';
import type { OutboxKind } from './outbox-types.ts';

const nextId = idFactory();
/** 12 frame + 34 record header + 54 body = 100 bytes per record. */
const BODY = 'x'.repeat(54);

async function fill(outbox: Outbox, kind: OutboxKind, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = nextId();
    ids.push(id);
    expect(await outbox.enqueue({ id, kind, body: BODY })).toBe('enqueued');
  }
  return ids;
}

describe('Outbox byte bound', () => {
  it('drops the oldest activity before any alert, and alerts only when nothing else is left', () =>
    withTempDir(async (dir) => {
      const logger = memoryLogger();
      const outbox = await Outbox.open({ dir, maxBytes: 1000, segmentBytes: 350, logger });
      const activity = await fill(outbox, 'activity', 10);
      expect(outbox.stats()).toMatchObject({ bytes: 1000, droppedActivity: 0 });

      const alerts = await fill(outbox, 'alert', 3);
      let pending = (await outbox.peek(100)).map((r) => r.id);
      expect(pending).toEqual([...alerts, ...activity.slice(3)]);
      expect(outbox.stats()).toMatchObject({ bytes: 1000, droppedActivity: 3, droppedAlerts: 0 });

      alerts.push(...(await fill(outbox, 'alert', 7)));
      pending = (await outbox.peek(100)).map((r) => r.id);
      expect(pending).toEqual(alerts);
      expect(outbox.stats().droppedActivity).toBe(10);

      // Full of alerts alone: new activity is what gets dropped.
      expect(await outbox.enqueue({ id: nextId(), kind: 'activity', body: BODY })).toBe('dropped');
      expect(await outbox.enqueue({ id: nextId(), kind: 'state', body: BODY })).toBe('dropped');
      expect(outbox.stats()).toMatchObject({ droppedActivity: 12, droppedAlerts: 0, pending: 10 });

      // Only now does an alert go: the oldest, and it is counted and logged as an error.
      const newest = await fill(outbox, 'alert', 1);
      pending = (await outbox.peek(100)).map((r) => r.id);
      expect(pending).toEqual([...alerts.slice(1), ...newest]);
      expect(outbox.stats()).toMatchObject({ droppedActivity: 12, droppedAlerts: 1 });
      expect(logger.lines.filter((l) => l.level === 'error').length).toBe(1);
      await outbox.close();

      const reopened = await Outbox.open({ dir, maxBytes: 1000, segmentBytes: 350 });
      expect(reopened.stats()).toMatchObject({ droppedActivity: 12, droppedAlerts: 1, pending: 10, bytes: 1000 });
      expect((await reopened.peek(100)).map((r) => r.id)).toEqual(pending);
      await reopened.close();
    }));

  it('drops activity before state records', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxBytes: 500 });
      const state = await fill(outbox, 'state', 2);
      const activity = await fill(outbox, 'activity', 3);
      await fill(outbox, 'alert', 4);
      const left = (await outbox.peek(100)).map((r) => r.id);
      expect(left).not.toContain(activity[0]);
      expect(left).not.toContain(activity[2]);
      expect(left).toContain(state[1]);
      expect(left).not.toContain(state[0]);
      expect(outbox.stats().droppedActivity).toBe(4);
      await outbox.close();
    }));

  it('applies a smaller bound at open', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir });
      const activity = await fill(outbox, 'activity', 5);
      await outbox.close();
      const smaller = await Outbox.open({ dir, maxBytes: 300 });
      expect((await smaller.peek(100)).map((r) => r.id)).toEqual(activity.slice(2));
      expect(smaller.stats().droppedActivity).toBe(2);
      await smaller.close();
    }));

  it('reclaims disk once dropped and acked records fill whole segments', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxBytes: 2000, segmentBytes: 250 });
      await fill(outbox, 'activity', 100);
      const { bytes, diskBytes } = outbox.stats();
      expect(bytes).toBe(2000);
      // Partly dropped head segment plus segment headers and ack logs, never the 10 kB written.
      expect(diskBytes).toBeLessThan(bytes + 1000);
      await outbox.close();
    }));

  it('starts from zero when the counters file is damaged, and says so', () =>
    withTempDir(async (dir) => {
      const outbox = await Outbox.open({ dir, maxBytes: 200 });
      await fill(outbox, 'activity', 3);
      await outbox.close();
      expect(JSON.parse(await readFile(join(dir, 'counters.json'), 'utf8'))).toMatchObject({ version: 1, droppedActivity: 1 });
      await writeFile(join(dir, 'counters.json'), '{"version":1,"droppedAct');
      const logger = memoryLogger();
      const reopened = await Outbox.open({ dir, maxBytes: 200, logger });
      expect(reopened.stats().droppedActivity).toBe(0);
      expect(logger.lines.some((l) => l.level === 'warn' && l.msg.includes('counters'))).toBe(true);
      await reopened.close();
    }));
});
