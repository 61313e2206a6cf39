// Real crashes: a child process enqueues, the parent SIGKILLs it, then reopens the outbox.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { withTempDir } from './outbox-test-kit.ts';
import type { OutboxRecord } from './outbox-types.ts';

const fixture = fileURLToPath(new URL('./fixtures/crash-enqueuer.ts', import.meta.url));

function startChild(
  dir: string,
  mode: 'once' | 'stream',
): { child: ChildProcess; lines: AsyncIterableIterator<string>; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [fixture, dir, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  if (!child.stdout) throw new Error('child has no stdout');
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator](), exited };
}

describe('Outbox under kill -9', () => {
  it(
    'holds an alert exactly once after the process is killed between send and ack',
    () =>
      withTempDir(async (dir) => {
        const { child, lines, exited } = startChild(dir, 'once');
        const first = await lines.next();
        expect(first.done).toBe(false);
        const line = String(first.value);
        expect(line.startsWith('enqueued ')).toBe(true);
        const sent = JSON.parse(line.slice('enqueued '.length)) as OutboxRecord;

        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');

        const outbox = await Outbox.open({ dir });
        expect(await outbox.peek(10)).toEqual([sent]);
        expect(outbox.stats()).toMatchObject({ pending: 1, pendingAlerts: 1 });
        await outbox.close();
      }),
    20_000,
  );

  it(
    'keeps every reported alert, without duplicates, when killed in the middle of a write storm',
    () =>
      withTempDir(async (dir) => {
        const { child, lines, exited } = startChild(dir, 'stream');
        const reported: string[] = [];
        while (reported.length < 150) {
          const next = await lines.next();
          if (next.done) throw new Error('child exited early');
          reported.push(String(next.value).slice('enqueued '.length));
        }
        child.kill('SIGKILL');
        expect(await exited).toBe('SIGKILL');
        // Whatever was still buffered in the pipe was also enqueued before it was written.
        for (let next = await lines.next(); !next.done; next = await lines.next()) {
          reported.push(String(next.value).slice('enqueued '.length));
        }

        const outbox = await Outbox.open({ dir, segmentBytes: 4096 });
        const records = await outbox.peek(1_000_000);
        const ids = records.map((r) => r.id);
        expect(new Set(ids).size).toBe(ids.length);
        const alertIds = records.filter((r) => r.kind === 'alert').map((r) => r.id);
        for (const id of reported) expect(alertIds).toContain(id);
        // Alerts come first and in the order they were made.
        expect(alertIds.slice(0, reported.length)).toEqual(reported);
        await outbox.close();
      }),
    20_000,
  );
});
