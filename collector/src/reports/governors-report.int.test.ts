import { governorsReportSchema, reportSitesResponseSchema, type GovernorsReport, type GovernorsReportRow, type ReportCell } from '@vigil/shared/console';
import { and, eq, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAudit } from '../audit/audit.repository.ts';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { alertEvents, alerts, auditLog, idleLockEvents, pupilAccounts, pupils } from '../db/schema/index.ts';
import { buildTriageTestApp, call, insertAlert, staff, type TriageTestApp } from '../triage/testing/triage-fixtures.ts';
import { suppressBreakdown } from './suppression.ts';
import { parseCsv, pdfPageTexts } from './testing/pdf-text.ts';

let t: TriageTestApp;
let viewer: SignedIn;

const from = new Date('2031-01-01T00:00:00Z');
const to = new Date('2031-02-01T00:00:00Z');
const before = new Date(from.getTime() - (to.getTime() - from.getTime()));
const range = `from=${from.toISOString()}&to=${to.toISOString()}`;
const minute = 60_000;

/** Every alert of this period, seeded with known figures (see the comments for the counts). */
async function seed(): Promise<void> {
  const { a1, b1, c1 } = t.estate.device;
  const db = t.database.db;
  // The directory: pupil01 is in Year 9, pupil02 in Year 10; "nobody" is unmatched.
  const [nine, ten] = await db
    .insert(pupils)
    .values([
      { siteId: t.estate.siteId, misId: 'M1', givenName: 'Alice', familyName: 'Secretname', yearGroup: 'Year 9' },
      { siteId: t.estate.siteId, misId: 'M2', givenName: 'Bob', familyName: 'Hiddenname', yearGroup: 'Year 10' },
    ])
    .returning();
  if (nine === undefined || ten === undefined) throw new Error('no pupils');
  await db.insert(pupilAccounts).values([
    { pupilId: nine.id, siteId: t.estate.siteId, kind: 'os', username: 'pupil01' },
    { pupilId: ten.id, siteId: t.estate.siteId, kind: 'os', username: 'pupil02' },
  ]);

  const at = (index: number): Date => new Date(from.getTime() + (index + 1) * 3_600_000);
  const statuses = [
    ...Array<string>(10).fill('resolved'),
    ...Array<string>(6).fill('dismissed'),
    ...Array<string>(2).fill('escalated'),
    ...Array<string>(3).fill('new'),
    'in-review',
    'in-review',
    'new',
  ];
  // 20 bullying (severity 2): 12 in ICT 1, 8 in ICT 2; 3 self-harm (severity 4) in ICT 1.
  // Users: 15 × pupil01 (Year 9), 6 × pupil02 (Year 10), 2 × nobody (Unknown).
  const ids: string[] = [];
  for (let index = 0; index < 23; index += 1) {
    const selfHarm = index >= 20;
    const alert = await insertAlert(t, {
      deviceId: selfHarm || index < 12 ? a1 : b1,
      ts: at(index),
      receivedAt: at(index),
      category: selfHarm ? 'self-harm' : 'bullying',
      severity: selfHarm ? 4 : 2,
      osUser: index < 15 ? 'Pupil01' : index < 21 ? 'pupil02' : 'nobody',
      status: statuses[index] as (typeof alerts.$inferInsert)['status'],
      context: 'never in a report',
    });
    ids.push(alert.id);
  }
  // First actions by a person: alerts 0–7 within a day (10, 20 … 80 minutes), 8 and 9 after two days.
  // Alert 10 only has a "system" event (not an action by a person).
  for (let index = 0; index < 10; index += 1) {
    const delay = index < 8 ? (index + 1) * 10 * minute : 2 * 86_400_000 + index * minute;
    await db.insert(alertEvents).values([
      {
        alertId: ids[index] as string,
        at: new Date(at(index).getTime() + delay),
        actorLabel: 'dsl1',
        kind: 'status',
        fromStatus: 'new',
        toStatus: 'in-review',
      },
      { alertId: ids[index] as string, at: new Date(at(index).getTime() + delay + 5 * minute), actorLabel: 'dsl1', kind: 'note', note: 'later' },
    ]);
  }
  await db.insert(alertEvents).values({
    alertId: ids[10] as string,
    at: new Date(at(10).getTime() + minute),
    actorLabel: 'system',
    kind: 'status',
    fromStatus: 'new',
    toStatus: 'dismissed',
  });

  // Previous period: 6 bullying, severity 3, in ICT 2.
  for (let index = 0; index < 6; index += 1)
    await insertAlert(t, { deviceId: b1, ts: new Date(before.getTime() + (index + 1) * 86_400_000), category: 'bullying', severity: 3 });
  // Outside both periods, and on the other site: never counted for this site.
  await insertAlert(t, { deviceId: a1, ts: to });
  await insertAlert(t, { deviceId: a1, ts: new Date(before.getTime() - 1) });
  for (let index = 0; index < 4; index += 1) await insertAlert(t, { deviceId: c1, ts: at(index) });

  // Locks: 7 idle locks and 2 teacher locks on the site; unlocks, an OS lock and the other site's do not count.
  const lock = (deviceId: string, kind: 'locked' | 'unlocked', cause: string, index: number) => ({ id: ulid(), deviceId, kind, cause, at: at(index) });
  await db
    .insert(idleLockEvents)
    .values([
      ...Array.from({ length: 7 }, (_, index) => lock(a1, 'locked', 'idle', index)),
      lock(b1, 'locked', 'teacher', 1),
      lock(a1, 'locked', 'teacher', 2),
      lock(a1, 'unlocked', 'teacher', 3),
      lock(a1, 'locked', 'os', 4),
      lock(c1, 'locked', 'idle', 5),
    ]);

  // Retention: two purge runs in the period, one before; two alerts put under legal hold.
  // Dated rows go straight into the (append-only) audit log, as the purge would have written them then.
  for (const [when, alertsDeleted] of [
    [at(2), 11],
    [at(30), 4],
    [new Date(before.getTime() + 1000), 99],
  ] as const) {
    await appendAudit(db, {
      at: when,
      actorUserId: null,
      actorLabel: 'system',
      action: 'retention.purge',
      targetType: 'retention',
      targetId: 'purge',
      detail: { deleted: { alerts: alertsDeleted, activitySpans: 100 } },
    });
  }
  for (const id of ids.slice(20, 22)) {
    await db.update(alerts).set({ legalHold: true }).where(eq(alerts.id, id));
    await appendAudit(db, {
      at: at(22),
      actorUserId: null,
      actorLabel: 'dsl1',
      action: 'alert.legal-hold',
      targetType: 'alert',
      targetId: id,
      detail: { hold: true },
    });
  }
}

beforeAll(async () => {
  t = await buildTriageTestApp();
  viewer = await staff(t, 'viewer');
  await seed();
});
afterAll(async () => {
  await t?.close();
});

/** The same figures worked out independently: every alert of the site read row by row, counted in JS. */
async function independentFigures(): Promise<{
  now: Record<string, Map<string, number>>;
  previous: Record<string, Map<string, number>>;
  total: number;
  previousTotal: number;
  minutesToFirst: number[];
}> {
  const rows = await t.database.db.execute<{
    id: string;
    ts: Date;
    received_at: Date;
    category: string;
    severity: number;
    room: string | null;
    status: string;
    os_user: string | null;
  }>(sql`
    select a.id, a.ts, a.received_at, a.category, a.severity, r.name as room, a.status, a.os_user
      from alerts a left join rooms r on r.id = a.room_id
     where a.site_id = ${t.estate.siteId}`);
  const accounts = await t.database.db
    .select({ username: pupilAccounts.username, yearGroup: pupils.yearGroup })
    .from(pupilAccounts)
    .innerJoin(pupils, eq(pupils.id, pupilAccounts.pupilId));
  const events = await t.database.db.select().from(alertEvents);
  const empty = () => ({
    category: new Map<string, number>(),
    severity: new Map<string, number>(),
    room: new Map<string, number>(),
    yearGroup: new Map<string, number>(),
    outcome: new Map<string, number>(),
  });
  const now = empty();
  const previous = empty();
  const minutesToFirst: number[] = [];
  let total = 0;
  let previousTotal = 0;
  for (const row of rows.rows) {
    const ts = new Date(row.ts).getTime();
    const into = ts >= from.getTime() && ts < to.getTime() ? now : ts >= before.getTime() && ts < from.getTime() ? previous : undefined;
    if (into === undefined) continue;
    if (into === now) total += 1;
    else previousTotal += 1;
    const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
    bump(into.category, row.category === 'bullying' ? 'Bullying' : 'Self-harm');
    bump(into.severity, `Severity ${row.severity}`);
    bump(into.room, row.room ?? 'No room');
    bump(into.yearGroup, accounts.find((account) => account.username === row.os_user?.toLowerCase())?.yearGroup ?? 'Unknown');
    bump(
      into.outcome,
      { new: 'Open', 'in-review': 'Open', escalated: 'Escalated', dismissed: 'Dismissed (false positive)', resolved: 'Resolved' }[row.status] ?? row.status,
    );
    if (into === now) {
      const firsts = events.filter((event) => event.alertId === row.id && event.actorLabel !== 'system').map((event) => event.at.getTime());
      if (firsts.length > 0) minutesToFirst.push((Math.min(...firsts) - new Date(row.received_at).getTime()) / minute);
    }
  }
  return { now, previous, total, previousTotal, minutesToFirst };
}

/** A published cell agrees with the true count: equal, or "<5" for 1–4, or "*" (withheld) for anything. */
function agrees(cell: ReportCell, truth: number): boolean {
  if (typeof cell === 'number') return cell === truth;
  if (cell === '<5') return truth >= 1 && truth <= 4;
  return cell === '*';
}

/** Brute force: can a reader who knows the total and the published cells name a hidden cell's exact value? */
function recoverable(rows: readonly GovernorsReportRow[], field: 'count' | 'previousCount', total: number): boolean {
  const hidden = rows.map((row) => row[field]).filter((cell): cell is string => typeof cell === 'string');
  const rest = total - rows.reduce((sum, row) => sum + (typeof row[field] === 'number' ? (row[field] as number) : 0), 0);
  if (hidden.length === 0) return false;
  const solutions: number[][] = [];
  const walk = (index: number, left: number, chosen: number[]): void => {
    if (index === hidden.length) {
      if (left === 0) solutions.push(chosen);
      return;
    }
    const [low, high] = hidden[index] === '<5' ? [1, 4] : [5, left];
    for (let value = low; value <= Math.min(high, left); value += 1) walk(index + 1, left - value, [...chosen, value]);
  };
  walk(0, rest, []);
  return hidden.some((_, index) => new Set(solutions.map((solution) => solution[index])).size === 1);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (position - low);
}

describe('GET /api/reports/governors', () => {
  let report: GovernorsReport;

  beforeAll(async () => {
    const response = await call(t, viewer, 'GET', `/api/reports/governors?${range}`);
    expect(response.statusCode, response.body).toBe(200);
    report = governorsReportSchema.parse(response.json());
  });

  it('gives figures that equal independent counts of the database, suppressed below 5', async () => {
    const truth = await independentFigures();
    expect(truth.total).toBe(23);
    expect(report.summary.alerts).toBe(23);
    expect(report.summary.previousAlerts).toBe(6);
    expect(report.site).toEqual({ id: t.estate.siteId, name: 'Northfield' });
    const dimensions = [
      ['category', report.byCategory],
      ['severity', report.bySeverity],
      ['room', report.byRoom],
      ['yearGroup', report.byYearGroup],
      ['outcome', report.byOutcome],
    ] as const;
    for (const [dimension, rows] of dimensions) {
      for (const row of rows) {
        expect(agrees(row.count, truth.now[dimension]?.get(row.label) ?? 0), `${dimension} ${row.label} now ${row.count}`).toBe(true);
        expect(agrees(row.previousCount, truth.previous[dimension]?.get(row.label) ?? 0), `${dimension} ${row.label} before ${row.previousCount}`).toBe(true);
      }
      // Nothing the database holds is missing from the report.
      for (const label of truth.now[dimension]?.keys() ?? []) expect(rows.map((row) => row.label)).toContain(label);
      expect(recoverable(rows, 'count', 23), dimension).toBe(false);
      expect(recoverable(rows, 'previousCount', 6), dimension).toBe(false);
    }
    // The known pattern: self-harm 3 is small, so bullying (20) is withheld with it.
    expect(report.byCategory.map((row) => [row.label, row.count, row.previousCount, row.change])).toEqual([
      ['Bullying', '*', 6, null],
      ['Self-harm', '<5', 0, null],
    ]);
    expect(report.byRoom.map((row) => [row.label, row.count, row.previousCount])).toEqual([
      ['ICT 1', 15, 0],
      ['ICT 2', 8, 6],
    ]);
    expect(report.byYearGroup.map((row) => [row.label, row.count])).toEqual([
      ['Year 9', 15],
      ['Year 10', '*'],
      ['Unknown', '<5'],
    ]);
    expect(report.byOutcome.map((row) => [row.key, row.count])).toEqual([
      ['open', '*'],
      ['escalated', '<5'],
      ['dismissed', 6],
      ['resolved', 10],
    ]);
    expect(report.bySeverity.find((row) => row.key === '3')).toMatchObject({ count: 0, previousCount: 6, change: -6 });

    // Time to first action: 10 alerts acted on by a person (the "system" one is not).
    expect(truth.minutesToFirst).toHaveLength(10);
    expect(report.summary.actioned).toBe(10);
    expect(report.summary.medianMinutesToFirstAction).toBeCloseTo(percentile(truth.minutesToFirst, 0.5), 1);
    expect(report.summary.p90MinutesToFirstAction).toBeCloseTo(percentile(truth.minutesToFirst, 0.9), 1);
    expect(report.summary.triagedWithinDay).toBe(8);
    expect(report.summary.triagedWithinDayPercent).toBeCloseTo((100 * 8) / 23, 1);

    const locks = await t.database.db.execute<{ cause: string; n: number }>(sql`
      select l.cause, count(*)::int as n from idle_lock_events l, devices d
       where d.id = l.device_id and d.site_id = ${t.estate.siteId} and l.kind = 'locked' and l.at >= ${from.toISOString()}::timestamptz and l.at < ${to.toISOString()}::timestamptz
       group by l.cause`);
    const lockCount = (cause: string) => locks.rows.find((row) => row.cause === cause)?.n ?? 0;
    expect(lockCount('idle')).toBe(7);
    expect(report.summary.idleLocks).toBe(7);
    expect(lockCount('teacher')).toBe(2);
    expect(report.summary.teacherLocks).toBe('<5');

    expect(report.retention.purgeRuns).toBe(2);
    expect(report.retention.rowsPurged).toEqual({ alerts: 15, activitySpans: 200 });
    expect(report.retention.legalHoldsPlaced).toBe('<5');
    expect(report.retention.legalHoldsNow).toBe('<5');
  });

  it('names no pupil and prints no captured text', async () => {
    const body = JSON.stringify(report);
    for (const secret of ['Alice', 'Secretname', 'Hiddenname', 'pupil01', 'never in a report', 'loser']) expect(body).not.toContain(secret);
  });

  it('writes the same figures as CSV in long format', async () => {
    const response = await call(t, viewer, 'GET', `/api/reports/governors.csv?${range}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/csv');
    expect(response.headers['content-disposition']).toBe('attachment; filename="governors-report-2031-01-01-to-2031-02-01.csv"');
    const [header, ...rows] = parseCsv(response.body);
    expect(header).toEqual(['section', 'dimension', 'value', 'count', 'previous_count']);
    const find = (section: string, dimension: string, value = '') => rows.find((row) => row[0] === section && row[1] === dimension && row[2] === value);
    expect(find('summary', 'alerts')?.slice(3)).toEqual(['23', '6']);
    expect(find('summary', 'teacher_locks')?.[3]).toBe('<5');
    const sections: [string, readonly GovernorsReportRow[]][] = [
      ['category', report.byCategory],
      ['severity', report.bySeverity],
      ['room', report.byRoom],
      ['year_group', report.byYearGroup],
      ['outcome', report.byOutcome],
    ];
    for (const [dimension, list] of sections) {
      expect(rows.filter((row) => row[0] === 'alerts' && row[1] === dimension).map((row) => row.slice(2))).toEqual(
        list.map((row) => [row.label, String(row.count), String(row.previousCount)]),
      );
    }
    expect(find('retention', 'rows_purged', 'alerts')?.[3]).toBe('15');
    expect(rows.every((row) => row.length === 5)).toBe(true);
  });

  it("prints a PDF with the figures, charts' labels and page numbers", async () => {
    const response = await call(t, viewer, 'GET', `/api/reports/governors.pdf?${range}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const pages = await pdfPageTexts(response.rawPayload);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    const all = pages.join('\n');
    expect(pages[0]).toContain("Governors' safeguarding report");
    expect(pages[0]).toContain('Northfield');
    expect(pages[0]).toContain('Period: 2031-01-01 to 2031-01-31');
    expect(pages[0]).toMatch(/Alerts this period 23/);
    expect(pages[0]).toMatch(/Screens locked by a teacher <5/);
    expect(pages[0]).toMatch(/Triaged within a day 8 \(34\.8%\)/);
    expect(pages[0]).toContain('Alerts by category: this period against the previous one');
    expect(pages[1]).toContain('Alerts by severity (5 is the most serious)');
    expect(all).toMatch(/ICT 1 15 0/);
    expect(all).toMatch(/Self-harm <5 0 –/);
    pages.forEach((page, index) => expect(page).toContain(`Page ${index + 1} of ${pages.length}`));
    for (const secret of ['Alice', 'Secretname', 'pupil01', 'never in a report']) expect(all).not.toContain(secret);
  });

  it('audits every download as report.export', async () => {
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'report.export'), eq(auditLog.actorUserId, viewer.user.id)));
    expect(rows.map((row) => (row.detail as { format: string }).format).sort()).toEqual(['csv', 'json', 'pdf']);
    expect(rows[0]?.detail).toMatchObject({ from: from.toISOString(), to: to.toISOString(), siteId: t.estate.siteId, threshold: 5 });
  });

  it('raises the threshold on request but never lowers it', async () => {
    const strict = governorsReportSchema.parse((await call(t, viewer, 'GET', `/api/reports/governors?${range}&threshold=10`)).json());
    // ICT 2's 8 is now small, so ICT 1's 15 goes too (23 − 15 would give it away).
    expect(strict.byRoom.map((row) => row.count)).toEqual(['*', '<10']);
    expect(strict.summary.idleLocks).toBe('<10');
    expect((await call(t, viewer, 'GET', `/api/reports/governors?${range}&threshold=2`)).statusCode).toBe(400);
  });
});

describe("who may have the governors' report", () => {
  it('refuses a teacher (403) and keeps a site-bound user to their site', async () => {
    const teacher = await staff(t, 'teacher');
    for (const format of ['', '.csv', '.pdf']) expect((await call(t, teacher, 'GET', `/api/reports/governors${format}?${range}`)).statusCode).toBe(403);
    const outside = await call(t, viewer, 'GET', `/api/reports/governors?${range}&siteId=${t.estate.otherSiteId}`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().error.code).toBe('site-forbidden');
    for (const role of ['dsl', 'admin', 'technician'] as const)
      expect((await call(t, await staff(t, role), 'GET', `/api/reports/governors?${range}`)).statusCode).toBe(200);
  });

  it('lets a trust-wide viewer pick a site, or report on all sites', async () => {
    const trust = await staff(t, 'viewer', { siteId: null });
    const other = governorsReportSchema.parse((await call(t, trust, 'GET', `/api/reports/governors?${range}&siteId=${t.estate.otherSiteId}`)).json());
    expect(other.site.name).toBe('Southfield');
    expect(other.summary.alerts).toBe('<5');
    const all = governorsReportSchema.parse((await call(t, trust, 'GET', `/api/reports/governors?${range}`)).json());
    expect(all.site).toEqual({ id: null, name: 'All sites' });
    const sites = reportSitesResponseSchema.parse((await call(t, trust, 'GET', '/api/reports/sites')).json());
    expect(sites.sites.map((site) => site.name)).toEqual(['Northfield', 'Southfield']);
    const own = reportSitesResponseSchema.parse((await call(t, viewer, 'GET', '/api/reports/sites')).json());
    expect(own.sites).toEqual([{ id: t.estate.siteId, name: 'Northfield' }]);
    expect(all.summary.alerts).toBe(27);
    expect((await call(t, trust, 'GET', `/api/reports/governors?${range}&siteId=nope`)).statusCode).toBe(404);
  });

  it('refuses a missing, backwards or over-long range', async () => {
    for (const query of ['', 'from=2031-01-02T00:00:00Z&to=2031-01-01T00:00:00Z', 'from=2020-01-01T00:00:00Z&to=2031-01-01T00:00:00Z', `${range}&colour=red`]) {
      const response = await call(t, viewer, 'GET', `/api/reports/governors?${query}`);
      expect(response.statusCode, query).toBe(400);
    }
  });
});

describe('suppressBreakdown', () => {
  it('suppresses 1–4, withholds a second cell so the first cannot be subtracted out, and gives up the total when nothing else can protect it', () => {
    expect(suppressBreakdown([20, 3, 0], 5, true).cells).toEqual(['*', '<5', 0]);
    expect(suppressBreakdown([20, 9, 3], 5, true).cells).toEqual([20, '*', '<5']);
    // Two small cells whose sum (2) pins both to 1: a third is withheld.
    expect(suppressBreakdown([1, 1, 7, 30], 5, true).cells).toEqual(['<5', '<5', '*', 30]);
    // A small cell next to a withheld 5 whose sum pins it (1 + 5 = 6, small ≥ 1, withheld ≥ 5): one more goes.
    expect(suppressBreakdown([1, 5, 6, 30], 5, true).cells).toEqual(['<5', '*', '*', 30]);
    expect(suppressBreakdown([4, 4], 5, true)).toEqual({ cells: ['<5', '<5'], totalMustGo: true });
    expect(suppressBreakdown([12, 6], 5, false).cells).toEqual([12, '*']);
    expect(suppressBreakdown([0, 0], 5, true).cells).toEqual([0, 0]);
  });
});
