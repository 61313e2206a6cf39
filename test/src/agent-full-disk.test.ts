// A full disk does not stop the agent: the real headless agent under Xvfb, its state folder on
// a real tmpfs filled to the last byte, the real collector. It keeps locking and matching, sends
// alerts straight over the socket, says so in its heartbeat, never stores an alert naming a
// screenshot that will not arrive, and goes back to its on-disk outbox when space returns.
import { execFile } from 'node:child_process';
import { cp, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTools, waitFor, X11_TEST_TOOLS } from '@vigil/agent/testing';
import type { SystemDatabase } from './support/database.ts';
import type { AgentProcess, CollectorProcess } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

const run = promisify(execFile);
const DEGRADED = 'agent state folder refuses writes (disk full?): running degraded';
const count = (lines: readonly { msg?: unknown }[], msg: string) => lines.filter((l) => l.msg === msg).length;

let system: WholeSystem;
let db: SystemDatabase;
let collector: CollectorProcess;
let agent: AgentProcess;
let mounted = false;
let filler: string;

/** Mounts a small tmpfs over the agent's state folder, keeping what enrolment put there. */
async function mountSmallTmpfs(dir: string): Promise<void> {
  const saved = await mkdtemp(join(tmpdir(), 'vigil-full-disk-'));
  await cp(dir, saved, { recursive: true });
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m,mode=0700', 'vigil-full-disk', dir]);
  } catch (err) {
    throw new Error(
      `this test needs a real full disk: mounting a tmpfs at ${dir} failed (run it as root, as CI does): ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  mounted = true;
  await cp(saved, dir, { recursive: true });
  await rm(saved, { recursive: true, force: true });
}

/** Writes a filler file until the file system refuses (ENOSPC): the folder is then really full. */
async function fillDisk(path: string): Promise<void> {
  const fh = await open(path, 'a');
  const chunk = Buffer.alloc(4096, 0x5a);
  try {
    for (;;) await fh.write(chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    await fh.close();
  }
}

const alertRow = async (term: string) =>
  (
    await db.pool.query<{ id: string; screenshot_sha256: string | null }>('select id, screenshot_sha256 from alerts where term = $1 order by ts desc limit 1', [
      term,
    ])
  ).rows[0];

/** Alerts naming a screenshot the collector never received. */
const dangling = async () =>
  Number(
    (
      await db.pool.query<{ n: string }>(
        'select count(*) as n from alerts a where a.screenshot_sha256 is not null and not exists (select 1 from screenshots s where s.sha256 = a.screenshot_sha256)',
      )
    ).rows[0]?.n ?? -1,
  );

const untilAlert = (term: string, timeoutMs = 30_000) => waitFor(async () => alertRow(term), { timeoutMs, intervalMs: 200, message: `an alert for "${term}"` });

beforeAll(async () => {
  await ensureTools([X11_TEST_TOOLS.i3lock]);
  system = await startWholeSystem('Chat', { lockCommand: ['i3lock', '-n'], lockPollMs: 500 });
  ({ db, collector, agent } = system);
  await agent.stop();
  await mountSmallTmpfs(agent.stateDir);
  filler = join(agent.stateDir, 'filler');
}, 120_000);

afterAll(async () => {
  try {
    await agent?.stop();
    if (mounted) await run('umount', [agent.stateDir]);
  } finally {
    await system?.dispose();
  }
});

describe('the agent on a full disk', () => {
  it(
    'starts on a full state folder: locks, alerts arrive straight, the heartbeat says degraded; then recovers when space returns',
    { timeout: 240_000 },
    async () => {
      await fillDisk(filler);
      await agent.start();
      await agent.waitForLog((l) => l.msg === 'connected to the collector', 20_000, 'the connection on a full disk');
      await agent.waitForLog(
        (l) => l.msg === 'state folder refuses writes: running degraded (records held in memory, sent straight)',
        5_000,
        'the degraded start',
      );
      const degraded = await collector.waitForLog((l) => l.msg === DEGRADED, 20_000, 'the degraded heartbeat');
      expect(degraded.degraded).toMatchObject({ reason: 'ENOSPC' });
      await agent.focused('Chat');

      // A teacher lock still locks (and its lock-state reaches the database from memory).
      await collector.admin(['lock', '--room', 'ICT Suite', '--message', 'Eyes on the board']);
      await agent.waitForLog((l) => l.msg === 'screen locked by a teacher', 15_000, 'the teacher lock');
      await waitFor(async () => (await db.pool.query("select 1 from idle_lock_events where cause = 'teacher' and kind = 'locked'")).rowCount === 1, {
        timeoutMs: 20_000,
        message: 'the lock row',
      });
      await collector.admin(['unlock', '--room', 'ICT Suite']);
      await agent.waitForLog((l) => l.msg === 'teacher lock lifted', 15_000, 'the unlock');
      await waitFor(async () => (await db.pool.query("select 1 from idle_lock_events where cause = 'teacher' and kind = 'unlocked'")).rowCount === 1, {
        timeoutMs: 20_000,
        message: 'the unlock row',
      });
      await agent.focused('Chat');

      // Matching still works: the alert goes straight over the socket, without a screenshot reference.
      await system.typeLine('i have no reason to live');
      const straight = await untilAlert('no reason to live');
      expect(straight.screenshot_sha256).toBeNull();

      // Space returns: the outbox takes over again and the heartbeat stops saying degraded.
      await rm(filler);
      await collector.waitForLog((l) => l.msg === 'agent state folder writable again', 60_000, 'the recovery heartbeat');
      expect(agent.logs().some((l) => l.msg === 'outbox folder writable again; held records stored')).toBe(true);

      await system.typeLine('there is nothing to live for');
      const stored = await untilAlert('nothing to live for');
      expect(stored.screenshot_sha256).not.toBeNull();
      await waitFor(async () => (await dangling()) === 0, { timeoutMs: 20_000, message: 'the screenshot to arrive' });
    },
  );

  it('keeps running when the disk fills while it runs; no alert names a screenshot that never arrives', { timeout: 180_000 }, async () => {
    await fillDisk(filler);
    await system.typeLine('i am better off dead');
    const row = await untilAlert('better off dead');
    // Captured before the disk was seen full: the screenshot is held in memory and sent with the alert, or the alert goes without it.
    await waitFor(async () => (await dangling()) === 0, { timeoutMs: 20_000, message: 'no dangling screenshot reference' });
    expect(row.id).toBeTruthy();
    const lost = agent.logs().filter((l) => l.msg === 'could not queue an alert');
    expect(lost).toEqual([]);
    await waitFor(() => count(collector.logs(), DEGRADED) === 2, { timeoutMs: 60_000, message: 'the second degraded heartbeat' });

    await rm(filler);
    await waitFor(() => count(agent.logs(), 'outbox folder writable again; held records stored') === 2, { timeoutMs: 30_000, message: 'the second recovery' });
    await system.typeLine('nobody would miss me');
    await untilAlert('nobody would miss me');
    await waitFor(async () => (await dangling()) === 0, { timeoutMs: 20_000, message: 'every screenshot arrived' });
    expect(await dangling()).toBe(0);
  });
});
