// Outbox benchmark: enqueue rate for alerts (fsync each) and activity (periodic fsync),
// open/scan time for 100k pending records, and peek+ack drain rate.
//   node bench/src/outbox.bench.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Loaded by URL: tsc refuses a relative import across workspace projects (TS2878) and
// @vigil/agent has no export for the outbox yet, so the bench states the API it uses.
interface Outbox {
  enqueue(record: { id: string; kind: 'alert' | 'activity'; body: string }): Promise<string>;
  peek(limit: number): Promise<Array<{ id: string }>>;
  ack(ids: string[]): Promise<number>;
  stats(): { pending: number; bytes: number; diskBytes: number };
  close(): Promise<void>;
}
const outboxModule: { Outbox: { open(options: { dir: string; maxBytes?: number }): Promise<Outbox> } } = await import(
  new URL('../../agent/src/core/outbox/outbox.ts', import.meta.url).href
);
const { Outbox } = outboxModule;

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let counter = 0;
/** Monotonic ULID-shaped ids: the time part is fixed, the rest counts up. */
function nextId(): string {
  let n = counter++;
  let tail = '';
  for (let i = 0; i < 16; i++) {
    tail = (CROCKFORD[n % 32] ?? '0') + tail;
    n = Math.floor(n / 32);
  }
  return `01K${'0'.repeat(7)}${tail}`;
}
/** Roughly an activity envelope: app, window title, times. */
const BODY = JSON.stringify({
  v: 1,
  type: 'activity',
  payload: { app: 'firefox', title: 'History homework — The Tudors — Mozilla Firefox', start: 1_760_000_000_000, end: 1_760_000_030_000, osUser: 'pupil.0042' },
});

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function enqueueMany(outbox: Outbox, kind: 'alert' | 'activity', n: number): Promise<void> {
  for (let i = 0; i < n; i++) await outbox.enqueue({ id: nextId(), kind, body: BODY });
}

export default async function run(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'vigil-outbox-bench-'));
  try {
    const dir = join(root, 'outbox');
    const outbox = await Outbox.open({ dir, maxBytes: 200 * 1024 * 1024 });

    const alerts = 300;
    const a = await timed(() => enqueueMany(outbox, 'alert', alerts));
    console.log(`outbox enqueue alert (fsync each): ${(alerts / (a.ms / 1000)).toFixed(0)} /s, ${(a.ms / alerts).toFixed(2)} ms each`);

    const activity = 20_000;
    const b = await timed(() => enqueueMany(outbox, 'activity', activity));
    console.log(`outbox enqueue activity (periodic fsync): ${(activity / (b.ms / 1000)).toFixed(0)} /s, ${((b.ms * 1000) / activity).toFixed(1)} µs each`);

    const concurrent = await timed(() => Promise.all(Array.from({ length: activity }, () => outbox.enqueue({ id: nextId(), kind: 'activity', body: BODY }))));
    console.log(`outbox enqueue activity, ${activity} concurrent calls: ${(activity / (concurrent.ms / 1000)).toFixed(0)} /s`);

    // Top up to 100k pending records, then measure a cold open of them all.
    await enqueueMany(outbox, 'activity', 100_000 - alerts - 2 * activity);
    const { pending, bytes, diskBytes } = outbox.stats();
    await outbox.close();
    // With --expose-gc the heap figure is the index alone, not leftover garbage.
    const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const open = await timed(() => Outbox.open({ dir, maxBytes: 200 * 1024 * 1024 }));
    const reopened = open.value;
    gc();
    const heapAfter = process.memoryUsage().heapUsed;
    console.log(
      `outbox open/scan: ${pending} records, ${(bytes / 1024 / 1024).toFixed(1)} MiB pending, ${(diskBytes / 1024 / 1024).toFixed(1)} MiB on disk: ${open.ms.toFixed(0)} ms, index ≈ ${((heapAfter - heapBefore) / 1024 / 1024).toFixed(1)} MiB heap`,
    );

    const drain = await timed(async () => {
      let drained = 0;
      for (;;) {
        const batch = await reopened.peek(100);
        if (batch.length === 0) return drained;
        await reopened.ack(batch.map((r) => r.id));
        drained += batch.length;
      }
    });
    console.log(`outbox drain (peek 100 + ack): ${(drain.value / (drain.ms / 1000)).toFixed(0)} records/s`);
    await reopened.close();
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
