import { alertListResponseSchema, type AlertStatus, type AlertSummary } from '@vigil/shared/console';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { alerts } from '../db/schema/index.ts';
import { buildTriageTestApp, call, insertAlert, staff, type TriageTestApp } from './testing/triage-fixtures.ts';

// The queue over 60 seeded alerts on two sites: every filter, the order, keyset paging
// and the total, each checked against the same filter applied in plain JavaScript.

let t: TriageTestApp;
let dslA: SignedIn;
let techA: SignedIn;
let techB: SignedIn;
let admin: SignedIn;
let seeded: (typeof alerts.$inferSelect)[];
const statuses: readonly AlertStatus[] = ['new', 'in-review', 'escalated', 'dismissed', 'resolved'];
const base = Date.now() - 2 * 86_400_000;

beforeAll(async () => {
  t = await buildTriageTestApp();
  dslA = await staff(t, 'dsl');
  techA = await staff(t, 'technician');
  techB = await staff(t, 'technician', { siteId: t.estate.otherSiteId });
  admin = await staff(t, 'admin', { siteId: null });
  const { device } = t.estate;
  const devicesInTurn = [device.a1, device.a2, device.b1, device.loose, device.c1];
  const special: Record<number, Partial<typeof alerts.$inferInsert>> = {
    5: { context: 'scored 100% on the test' },
    6: { context: 'scored 1000 on the test' },
    7: { windowTitle: 'file_name.txt - Notepad' },
    8: { windowTitle: 'fileXname.txt - Notepad' },
    12: { url: 'https://example.org/Unblocked-Games', source: 'url', category: 'bullying' },
    10: { app: 'Discord' },
    11: { term: 'kms', category: 'self-harm', context: 'i want to kms' },
  };
  seeded = [];
  for (let i = 0; i < 60; i += 1) {
    seeded.push(
      await insertAlert(t, {
        deviceId: devicesInTurn[i % devicesInTurn.length] ?? device.a1,
        // Many (severity, ts) ties, so the id decides between them.
        severity: 1 + ((i * 7) % 5),
        ts: new Date(base + (i % 20) * 60_000),
        category: i % 3 === 0 ? 'self-harm' : 'bullying',
        status: statuses[i % statuses.length],
        osUser: i % 4 === 0 ? 'Pupil.Ten' : `pupil${i % 6}`,
        assigneeId: i % 7 === 0 ? techA.user.id : i % 7 === 1 ? dslA.user.id : null,
        ...special[i],
      }),
    );
  }
});
afterAll(async () => {
  await t?.close();
});

type Row = (typeof seeded)[number];

/** The triage order: severity desc, then ts desc, then id desc. */
function triageOrder(a: Row, b: Row): number {
  return b.severity - a.severity || b.ts.getTime() - a.ts.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

const open = (row: Row) => ['new', 'in-review'].includes(row.status);
/** Whether the caller (who revealed nothing) may read the row's text: free text and user filters never match a restricted alert for them. */
const readable = (row: Row) => row.category !== 'self-harm';

/** Every page of the query, following nextCursor; checks total on each page. */
async function allPages(who: SignedIn, query: string, limit = 200): Promise<{ alerts: AlertSummary[]; total: number; pages: number }> {
  const found: AlertSummary[] = [];
  let cursor: string | null = null;
  let total: number | undefined;
  let pages = 0;
  do {
    const url: string = `/api/alerts?${query}${query === '' ? '' : '&'}limit=${limit}${cursor === null ? '' : `&cursor=${cursor}`}`;
    const response = await call(t, who, 'GET', url);
    expect(response.statusCode, response.body).toBe(200);
    const page = alertListResponseSchema.parse(response.json());
    if (total !== undefined) expect(page.total, 'total is the same on every page').toBe(total);
    total = page.total;
    found.push(...page.alerts);
    cursor = page.nextCursor;
    pages += 1;
    expect(pages).toBeLessThan(100);
  } while (cursor !== null);
  return { alerts: found, total: total ?? 0, pages };
}

function expectedIds(predicate: (row: Row) => boolean, site = t.estate.siteId): string[] {
  return seeded
    .filter((row) => row.siteId === site && predicate(row))
    .sort(triageOrder)
    .map((row) => row.id);
}

describe('GET /api/alerts', () => {
  it('lists open alerts by default, most severe then newest first, with the total', async () => {
    const { alerts: listed, total } = await allPages(dslA, '');
    const want = expectedIds(open);
    expect(want.length).toBeGreaterThan(15);
    expect(listed.map((alert) => alert.id)).toEqual(want);
    expect(total).toBe(want.length);
    const first = listed[0];
    expect(first?.hostname).toMatch(/^ict|library/);
    expect(listed.find((alert) => alert.category === 'self-harm')?.restricted).toBe(true);
    expect(listed.find((alert) => alert.category === 'bullying')?.categoryLabel).toBe('Bullying');
  });

  it('pages 7 at a time through the same rows, none twice, none missed', async () => {
    const { alerts: listed, pages, total } = await allPages(dslA, 'status=all', 7);
    const want = expectedIds(() => true);
    expect(listed.map((alert) => alert.id)).toEqual(want);
    expect(new Set(listed.map((alert) => alert.id)).size).toBe(listed.length);
    expect(pages).toBe(Math.ceil(want.length / 7));
    expect(total).toBe(want.length);
  });

  const filters: readonly [string, string, (row: Row) => boolean][] = [
    ['status=all', 'status=all', () => true],
    ['status=new', 'status=new', (row) => row.status === 'new'],
    ['status=escalated', 'status=escalated', (row) => row.status === 'escalated'],
    ['status=dismissed', 'status=dismissed', (row) => row.status === 'dismissed'],
    ['category', 'status=all&category=self-harm', (row) => row.category === 'self-harm'],
    ['minimum severity', 'status=all&severity=4', (row) => row.severity >= 4],
    ['room', 'status=all&roomId=ROOM_A', (row) => row.roomId === t.estate.roomA],
    ['device', 'status=all&deviceId=DEVICE_B1', (row) => row.deviceId === t.estate.device.b1],
    ['user, any case', 'status=all&user=pupil.ten', (row) => row.osUser === 'Pupil.Ten' && readable(row)],
    [
      'from/to',
      `status=all&from=${new Date(base + 5 * 60_000).toISOString()}&to=${new Date(base + 9 * 60_000).toISOString()}`,
      (row) => row.ts.getTime() >= base + 5 * 60_000 && row.ts.getTime() < base + 9 * 60_000,
    ],
    ['assignee=none', 'status=all&assignee=none', (row) => row.assigneeId === null],
    ['assignee=<id>', 'status=all&assignee=DSL_A', (row) => row.assigneeId === dslA.user.id],
    ['q in the term', 'status=all&q=LOSER', (row) => row.term === 'loser' && readable(row)],
    ['q: % is literal', 'status=all&q=100%25', (row) => row.context?.includes('100%') === true && readable(row)],
    ['q: _ is literal', 'status=all&q=file_name', (row) => row.windowTitle?.includes('file_name') === true && readable(row)],
    ['q in the URL', 'status=all&q=unblocked', (row) => row.url?.includes('Unblocked') === true && readable(row)],
    ['q in the app', 'status=all&q=discord', (row) => row.app === 'Discord' && readable(row)],
    ['q in the user name', 'status=all&q=ten', (row) => row.osUser === 'Pupil.Ten' && readable(row)],
    ['open + severity + category', 'severity=3&category=bullying', (row) => open(row) && row.severity >= 3 && row.category === 'bullying'],
  ];

  it.each(filters)('filters by %s', async (_name, query, predicate) => {
    const concrete = query.replace('ROOM_A', t.estate.roomA).replace('DEVICE_B1', t.estate.device.b1).replace('DSL_A', dslA.user.id);
    const { alerts: listed, total } = await allPages(dslA, concrete, 5);
    const want = expectedIds(predicate);
    expect(want.length, 'the seed has rows for this filter').toBeGreaterThan(0);
    expect(listed.map((alert) => alert.id)).toEqual(want);
    expect(total).toBe(want.length);
  });

  it('assignee=me is the caller', async () => {
    const { alerts: listed } = await allPages(techA, 'status=all&assignee=me');
    expect(listed.map((alert) => alert.id)).toEqual(expectedIds((row) => row.assigneeId === techA.user.id));
    expect(listed[0]?.assignee?.id).toBe(techA.user.id);
  });

  it('shows each site its own alerts; a trust-wide admin sees both', async () => {
    const siteB = await allPages(techB, 'status=all');
    expect(siteB.alerts.map((alert) => alert.id)).toEqual(expectedIds(() => true, t.estate.otherSiteId));
    expect(siteB.alerts.length).toBeGreaterThan(0);
    const everyone = await allPages(admin, 'status=all');
    expect(everyone.total).toBe(seeded.length);
    // Asking for the other site's room or device explicitly changes nothing.
    const sneaky = await allPages(techB, `status=all&deviceId=${t.estate.device.a1}`);
    expect(sneaky.total).toBe(0);
  });

  it('keeps the cursor exact to the microsecond (a millisecond cursor would skip a row here)', async () => {
    const ts = new Date(base + 3_600_000);
    // Same severity; the newer one (by 1 µs) has the SMALLER id.
    const newer = await insertAlert(t, { id: '01AAAAAAAAAAAAAAAAAAAAAAA1', deviceId: t.estate.device.a1, osUser: 'micro.user', severity: 3, ts });
    const older = await insertAlert(t, { id: '01AAAAAAAAAAAAAAAAAAAAAAA2', deviceId: t.estate.device.a1, osUser: 'micro.user', severity: 3, ts });
    await t.database.db
      .update(alerts)
      .set({ ts: sql`${alerts.ts} + interval '1 microsecond'` })
      .where(eq(alerts.id, newer.id));
    const { alerts: listed } = await allPages(dslA, 'user=micro.user', 1);
    expect(listed.map((alert) => alert.id)).toEqual([newer.id, older.id]);
  });

  it('refuses a cursor it did not make and parameters it does not know', async () => {
    const badCursor = await call(t, dslA, 'GET', '/api/alerts?cursor=bm90LWEtY3Vyc29y');
    expect(badCursor.statusCode).toBe(400);
    expect(badCursor.json().error.code).toBe('cursor-invalid');
    for (const query of ['severity=9', 'status=maybe', 'limit=0', 'colour=red', 'from=yesterday']) {
      const response = await call(t, dslA, 'GET', `/api/alerts?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code, query).toBe('validation-failed');
    }
  });
});
