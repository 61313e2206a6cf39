// The headless agent with its real adapters under Xvfb, the real collector as a process,
// real PostgreSQL: what a pupil types and looks at becomes rows, and sign-in windows stay private.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isBlank, waitFor, type Xvfb } from '@vigil/agent/testing';
import type { SystemDatabase } from './support/database.ts';
import type { AgentProcess, CollectorProcess } from './support/system.ts';
import { startWholeSystem, type WholeSystem } from './support/whole-system.ts';

let db: SystemDatabase;
let x: Xvfb;
let collector: CollectorProcess;
let agent: AgentProcess;

interface AlertRow {
  id: string;
  term: string;
  window_title: string;
  app: string;
  context: string;
  screenshot_sha256: string | null;
}

async function alertsFor(term: string): Promise<AlertRow[]> {
  const { rows } = await db.pool.query<AlertRow>('select id, term, window_title, app, context, screenshot_sha256 from alerts where term = $1', [term]);
  return rows;
}

const untilRows = <T>(query: () => Promise<T[]>, what: string, timeoutMs = 15_000) =>
  waitFor(
    async () => {
      const rows = await query();
      return rows.length > 0 ? rows : undefined;
    },
    { timeoutMs, intervalMs: 100, message: what },
  );

let system: WholeSystem;
let typeLine: WholeSystem['typeLine'];

beforeAll(async () => {
  system = await startWholeSystem('History homework');
  ({ db, x, collector, agent, typeLine } = system);
});

afterAll(async () => {
  await system?.dispose();
});

describe('the headless agent under X with the real collector', () => {
  it('enrols through the real gateway and is online', async () => {
    const [device] = await untilRows(
      async () => (await db.pool.query<{ status: string; hostname: string }>("select status, hostname from devices where status = 'online'")).rows,
      'an online device',
    );
    expect(device?.hostname).not.toBe('');
    expect((await readFile(join(agent.stateDir, 'device.json'), 'utf8')).length).toBeGreaterThan(0);
  });

  it('a phrase typed into xterm becomes an alert with the term, window title and a non-blank screenshot', async () => {
    await typeLine('i want to kill myself');
    const [alert] = await untilRows(() => alertsFor('kill myself'), 'the kill myself alert');
    expect(alert).toMatchObject({ window_title: 'History homework', context: 'i want to kill myself' });
    expect(alert?.app.toLowerCase()).toContain('xterm');
    const sha = alert?.screenshot_sha256 ?? '';
    expect(sha).toMatch(/^[0-9a-f]{64}$/);
    const [shot] = await untilRows(
      async () => (await db.pool.query<{ width: number; bytes: number }>('select width, bytes from screenshots where sha256 = $1', [sha])).rows,
      'the screenshot row',
    );
    expect(shot?.width).toBe(1280);
    const blob = await readFile(join(collector.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4), sha));
    expect(blob.byteLength).toBe(shot?.bytes);
    expect(await isBlank(new Uint8Array(blob), 5)).toBe(false);
  });

  it('the same phrase in leet-speak, with a typo fixed by Backspace, also alerts', async () => {
    await x.xdotoolType('i w4nt t0 dj');
    await x.xdotool('key', 'BackSpace');
    await typeLine('1e');
    const [alert] = await untilRows(() => alertsFor('want to die'), 'the leet-speak alert');
    expect(alert?.window_title).toBe('History homework');
    expect(alert?.context).toContain('w4nt t0 d1e');
  });

  it('nothing typed in a sign-in window alerts, and the span of the window before it is recorded', async () => {
    await x.openXterm('Sign in - Google Accounts');
    await agent.focused('Sign in - Google Accounts');
    await typeLine('i want to end my life');
    const span = await untilRows(
      async () =>
        (
          await db.pool.query<{ app: string; started_at: Date; ended_at: Date }>(
            "select app, started_at, ended_at from activity_spans where title = 'History homework'",
          )
        ).rows,
      'the History homework activity span',
    );
    expect(span[0]?.ended_at.getTime()).toBeGreaterThan(span[0]?.started_at.getTime() ?? Infinity);
    // A phrase typed afterwards in an ordinary window: once it is in, anything typed before it would be too.
    await x.openXterm('Notes');
    await agent.focused('Notes');
    await typeLine('nobody would miss me');
    await untilRows(() => alertsFor('nobody would miss me'), 'the alert typed after the sign-in window');
    expect(await alertsFor('end my life')).toEqual([]);
  });
});
