// Nothing lost: the real agent and collector as processes, taken down the hard way.
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@vigil/agent/testing';
import type { SystemDatabase } from './support/database.ts';
import type { AgentProcess, CollectorProcess, LogLine } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

let db: SystemDatabase;
let collector: CollectorProcess;
let agent: AgentProcess;

async function countAlerts(term: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: string }>('select count(*) as n from alerts where term = $1', [term]);
  return Number(rows[0]?.n ?? 0);
}

const untilAlert = (term: string, timeoutMs = 20_000) =>
  waitFor(async () => (await countAlerts(term)) > 0, { timeoutMs, intervalMs: 100, message: `an alert for "${term}"` });

const queued = (line: LogLine) => line.msg === 'alert queued';

/** Types `text` and waits until the agent has put its alert in the outbox (fsynced). */
async function typeAndQueue(text: string): Promise<string> {
  const before = agent.logs().filter(queued).length;
  await typeLine(text);
  await agent.waitForLog(() => agent.logs().filter(queued).length > before, 10_000, `"${text}" queued`);
  const id = agent.logs().filter(queued).at(-1)?.alertId;
  if (typeof id !== 'string') throw new Error('alert queued without an id');
  return id;
}

/** A phrase typed last; once its alert is in the database, everything typed before it has been delivered too. */
async function barrier(text: string, term: string): Promise<void> {
  await typeLine(text);
  await untilAlert(term);
}

let system: WholeSystem;
let typeLine: WholeSystem['typeLine'];

beforeAll(async () => {
  system = await startWholeSystem('Chat');
  ({ db, collector, agent, typeLine } = system);
});

afterAll(async () => {
  await system?.dispose();
});

describe('nothing lost between the real agent and the real collector', () => {
  it('alerts made while the collector is down arrive exactly once when it returns', async () => {
    await collector.stop();
    const phrases = {
      'no reason to live': 'i have no reason to live',
      'nothing to live for': 'there is nothing to live for',
      'better off dead': 'i am better off dead',
    };
    for (const text of Object.values(phrases)) await typeAndQueue(text);
    for (const term of Object.keys(phrases)) expect(await countAlerts(term)).toBe(0);
    await collector.start();
    await barrier('nobody would miss me', 'nobody would miss me');
    for (const term of Object.keys(phrases)) expect(await countAlerts(term), term).toBe(1);
  });

  it('an alert queued but not acked when the agent is killed with SIGKILL arrives exactly once after restart', async () => {
    await collector.stop();
    const alertId = await typeAndQueue('i wish i was dead');
    await agent.kill9();
    await collector.start();
    await agent.start();
    expect(agent.logs().find((l) => l.msg === 'agent starting')?.previousExit).toBe('unclean');
    await untilAlert('wish i was dead');
    await barrier('i want to be dead', 'want to be dead');
    const { rows } = await db.pool.query<{ id: string }>("select id from alerts where term = 'wish i was dead'");
    expect(rows.map((r) => r.id)).toEqual([alertId]);
  });

  it('an outbox segment with a damaged tail: the agent starts, keeps every intact record and reports the damage', async () => {
    await collector.stop();
    await typeAndQueue('i want to take my own life');
    await typeAndQueue('i want to end my life');
    await agent.stop();
    // Damage the last record of the newest alert segment: the "end my life" alert.
    const outboxDir = join(agent.stateDir, 'outbox');
    const segments = (await readdir(outboxDir)).filter((f) => f.startsWith('alert-') && f.endsWith('.seg')).sort();
    const newest = join(outboxDir, segments.at(-1) ?? 'missing');
    const { size } = await stat(newest);
    const file = await open(newest, 'r+');
    await file.write(Buffer.alloc(12, 0xee), 0, 12, size - 12);
    await file.close();

    await collector.start();
    await agent.start();
    const damage = await agent.waitForLog(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('outbox segment had damaged records'),
      10_000,
      'the damage report',
    );
    expect(damage.corruptRegions).toBe(1);
    await untilAlert('take my own life');
    await barrier('nothing matters, i want to die', 'want to die');
    expect(await countAlerts('take my own life')).toBe(1);
    expect(await countAlerts('end my life')).toBe(0);
  });
});
