import { categoriesResponseSchema, reportSummaryResponseSchema, timelineResponseSchema } from '@vigil/shared/console';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { auditEntriesFor, buildTriageTestApp, call, insertAlert, insertSpan, staff, type TriageTestApp } from './testing/triage-fixtures.ts';

let t: TriageTestApp;
let technician: SignedIn;

beforeAll(async () => {
  t = await buildTriageTestApp();
  technician = await staff(t, 'technician');
});
afterAll(async () => {
  await t?.close();
});

const minute = 60_000;

describe('GET /api/alerts/:alertId/timeline', () => {
  it("lists the same device's windows and alerts within 30 minutes either side, in time order (audited)", async () => {
    const { a1, a2 } = t.estate.device;
    const at = Date.now() - 3 * 3_600_000;
    const alert = await insertAlert(t, { deviceId: a1, ts: new Date(at), term: 'loser', category: 'bullying', severity: 4 });
    const earlier = await insertAlert(t, { deviceId: a1, ts: new Date(at - 10 * minute) });
    await insertAlert(t, { deviceId: a1, ts: new Date(at - 31 * minute) });
    await insertAlert(t, { deviceId: a2, ts: new Date(at - 5 * minute) });
    // Overlaps the window's start though it began before it.
    const longSpan = await insertSpan(t, { deviceId: a1, start: new Date(at - 45 * minute), end: new Date(at - 20 * minute), app: 'word', title: null });
    const before = await insertSpan(t, {
      deviceId: a1,
      start: new Date(at - 2 * minute),
      end: new Date(at + minute),
      title: 'Search <script>',
      url: 'https://search.example/?q=x',
    });
    await insertSpan(t, { deviceId: a1, start: new Date(at - 50 * minute), end: new Date(at - 40 * minute) });
    await insertSpan(t, { deviceId: a1, start: new Date(at + 31 * minute), end: new Date(at + 40 * minute) });
    await insertSpan(t, { deviceId: a2, start: new Date(at - minute), end: new Date(at + minute) });

    const response = await call(t, technician, 'GET', `/api/alerts/${alert.id}/timeline`);
    expect(response.statusCode, response.body).toBe(200);
    const timeline = timelineResponseSchema.parse(response.json());
    expect(timeline.from).toBe(new Date(at - 30 * minute).toISOString());
    expect(timeline.to).toBe(new Date(at + 30 * minute).toISOString());
    expect(timeline.items.map((item) => item.id)).toEqual([longSpan, earlier.id, before, alert.id]);
    expect(timeline.items[0]).toMatchObject({ kind: 'activity', title: '', app: 'word', withheld: false });
    expect(timeline.items[2]).toMatchObject({ kind: 'activity', title: 'Search <script>', url: 'https://search.example/?q=x' });
    expect(timeline.items[3]).toMatchObject({ kind: 'alert', term: 'loser', severity: 4, status: 'new', withheld: false });
    expect((await auditEntriesFor(t, alert.id, 'alert.timeline')).length).toBe(1);
  });

  it('is out of reach for another site (404)', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1 });
    const outsider = await staff(t, 'technician', { siteId: t.estate.otherSiteId });
    expect((await call(t, outsider, 'GET', `/api/alerts/${alert.id}/timeline`)).statusCode).toBe(404);
  });
});

describe('GET /api/categories', () => {
  it('lists the categories in force, restricted ones marked', async () => {
    const viewer = await staff(t, 'viewer');
    const body = categoriesResponseSchema.parse((await call(t, viewer, 'GET', '/api/categories')).json());
    expect(body.categories).toEqual([
      { id: 'bullying', label: 'Bullying', severity: 3, restricted: false },
      { id: 'self-harm', label: 'Self-harm', severity: 4, restricted: true },
    ]);
  });
});

describe('GET /api/reports/summary', () => {
  it("counts the site's alerts by category, status and day, zeros included, and nothing else", async () => {
    const day = Date.UTC(2030, 0, 10);
    const { a1, b1, c1 } = t.estate.device;
    await insertAlert(t, { deviceId: a1, ts: new Date(day + 3_600_000), category: 'self-harm', status: 'escalated', context: 'secret words' });
    await insertAlert(t, { deviceId: b1, ts: new Date(day + 2 * 3_600_000), category: 'bullying' });
    await insertAlert(t, { deviceId: a1, ts: new Date(day + 86_400_000 + 60_000), category: 'bullying', status: 'dismissed' });
    await insertAlert(t, { deviceId: c1, ts: new Date(day + 3_600_000), category: 'bullying' });
    await insertAlert(t, { deviceId: a1, ts: new Date(day + 3 * 86_400_000), category: 'bullying' });

    const viewer = await staff(t, 'viewer');
    const query = `from=${new Date(day).toISOString()}&to=${new Date(day + 3 * 86_400_000).toISOString()}`;
    const response = await call(t, viewer, 'GET', `/api/reports/summary?${query}`);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.body).not.toContain('secret words');
    const report = reportSummaryResponseSchema.parse(response.json());
    expect(report.byCategory).toEqual([
      { category: 'bullying', label: 'Bullying', count: 2 },
      { category: 'self-harm', label: 'Self-harm', count: 1 },
    ]);
    expect(report.byStatus).toEqual([
      { status: 'new', count: 1 },
      { status: 'in-review', count: 0 },
      { status: 'escalated', count: 1 },
      { status: 'dismissed', count: 1 },
      { status: 'resolved', count: 0 },
    ]);
    expect(report.byDay).toEqual([
      { day: '2030-01-10', count: 2 },
      { day: '2030-01-11', count: 1 },
      { day: '2030-01-12', count: 0 },
    ]);
    // A trust-wide viewer counts both sites.
    const trustViewer = await staff(t, 'viewer', { siteId: null });
    const all = reportSummaryResponseSchema.parse((await call(t, trustViewer, 'GET', `/api/reports/summary?${query}`)).json());
    expect(all.byDay[0]).toEqual({ day: '2030-01-10', count: 3 });
  });

  it('defaults to the last 30 days and refuses a backwards or over-long range', async () => {
    const report = reportSummaryResponseSchema.parse((await call(t, technician, 'GET', '/api/reports/summary')).json());
    expect(Date.parse(report.to) - Date.parse(report.from)).toBe(30 * 86_400_000);
    for (const query of ['from=2030-01-02T00:00:00Z&to=2030-01-01T00:00:00Z', 'from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z']) {
      const response = await call(t, technician, 'GET', `/api/reports/summary?${query}`);
      expect(response.statusCode, query).toBe(400);
      expect(response.json().error.code).toBe('range-invalid');
    }
    expect((await call(t, technician, 'GET', '/api/reports/summary?from=soon')).json().error.code).toBe('validation-failed');
  });
});
