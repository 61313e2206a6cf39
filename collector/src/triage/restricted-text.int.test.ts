import {
  alertActionResponseSchema,
  alertDetailResponseSchema,
  alertListResponseSchema,
  timelineResponseSchema,
  type AlertSummary,
} from '@vigil/shared/console';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { auditLog } from '../db/schema/index.ts';
import {
  auditEntriesFor,
  buildTriageTestApp,
  call,
  insertAlert,
  insertSpan,
  screenImage,
  staff,
  storeScreenshot,
  type TriageTestApp,
} from './testing/triage-fixtures.ts';

// "Restricted means restricted": a restricted alert's term, context, window title, app, URL
// and OS user — and the titles and URLs of the device's activity around it — reach only a
// DSL who revealed it. Every role, every route that carries alert content. Each stored text
// carries the marker "zqx", so one search of the raw response body proves it absent.

const MARK = 'zqx';
const minute = 60_000;

let t: TriageTestApp;
let restrictedId: string;
let unknownCategoryId: string;
let neighbourId: string;
let noCaptureId: string;
const at = Date.now() - 2 * 3_600_000;

/** A fresh user of each role (the DSL one per test that reveals, so a reveal never carries over). */
const roles = {
  teacher: () => staff(t, 'teacher', { rooms: [t.estate.roomA] }),
  viewer: () => staff(t, 'viewer'),
  technician: () => staff(t, 'technician'),
  admin: () => staff(t, 'admin', { siteId: null }),
  dsl: () => staff(t, 'dsl'),
};

beforeAll(async () => {
  t = await buildTriageTestApp();
  const { a1 } = t.estate.device;
  const image = await screenImage(64, 36);
  await storeScreenshot(t, image, a1);
  const secret = {
    term: `${MARK}term`,
    context: `i want to ${MARK}term tonight`,
    windowTitle: `${MARK}title - Notes`,
    app: `${MARK}app`,
    url: `https://${MARK}url.example/`,
    osUser: `${MARK}user`,
  };
  restrictedId = (await insertAlert(t, { deviceId: a1, ts: new Date(at), category: 'self-harm', severity: 5, screenshotSha256: image.sha256, ...secret })).id;
  // A category no longer in the word list is restricted too (fail closed).
  unknownCategoryId = (await insertAlert(t, { deviceId: t.estate.device.b1, ts: new Date(at), category: 'gone-category', severity: 3, ...secret })).id;
  // An open-category alert 10 minutes later on the same device: its own text is visible, its timeline is not.
  neighbourId = (await insertAlert(t, { deviceId: a1, ts: new Date(at + 10 * minute), category: 'bullying', term: 'loser', context: 'you loser', severity: 2 }))
    .id;
  noCaptureId = (await insertAlert(t, { deviceId: t.estate.device.a2, ts: new Date(at), category: 'self-harm', severity: 4, ...secret })).id;
  await insertSpan(t, {
    deviceId: a1,
    start: new Date(at - 2 * minute),
    end: new Date(at + minute),
    app: `${MARK}browser`,
    title: `${MARK} how to`,
    url: `https://${MARK}search.example/`,
  });
  // Far from the restricted alert (> 30 minutes), near the neighbour only: visible to all staff.
  await insertSpan(t, { deviceId: a1, start: new Date(at + 35 * minute), end: new Date(at + 36 * minute), app: 'word', title: 'Homework', url: null });
});
afterAll(async () => {
  await t?.close();
});

/** Every route that can answer with the restricted alert's content, as `who`. */
async function everyAnswer(who: SignedIn): Promise<{ name: string; status: number; body: string }[]> {
  const requests: [string, 'GET' | 'POST', string, object?][] = [
    ['list (open)', 'GET', '/api/alerts'],
    ['list (all)', 'GET', '/api/alerts?status=all&limit=200'],
    ['detail', 'GET', `/api/alerts/${restrictedId}`],
    ['detail (unknown category)', 'GET', `/api/alerts/${unknownCategoryId}`],
    ['timeline', 'GET', `/api/alerts/${restrictedId}/timeline`],
    ['neighbour timeline', 'GET', `/api/alerts/${neighbourId}/timeline`],
    ['note', 'POST', `/api/alerts/${restrictedId}/notes`, { note: 'Checked the room' }],
    ['assign', 'POST', `/api/alerts/${restrictedId}/assign`, { userId: null }],
    ['bulk', 'POST', '/api/alerts/bulk', { ids: [restrictedId], action: 'assign-me' }],
    ['reports', 'GET', '/api/reports/summary'],
  ];
  const answers = [];
  for (const [name, method, url, payload] of requests) {
    const response = await call(t, who, method, url, payload);
    answers.push({ name, status: response.statusCode, body: response.body });
  }
  return answers;
}

function expectWithheld(alert: AlertSummary | undefined): void {
  expect(alert).toMatchObject({ withheld: true, restricted: true, term: null, context: null, windowTitle: null, app: null, url: null, osUser: null });
}

describe('restricted alert text, role by role', () => {
  it.each(['teacher', 'viewer'] as const)('%s: no alert route answers at all (403), the report is counts only', async (role) => {
    const who = await roles[role]();
    for (const answer of await everyAnswer(who)) {
      expect(answer.body, answer.name).not.toContain(MARK);
      if (answer.name !== 'reports') expect(answer.status, answer.name).toBe(403);
    }
  });

  it.each(['technician', 'admin', 'dsl'] as const)('%s (no reveal): every route answers, none carries the text', async (role) => {
    const who = await roles[role]();
    const answers = await everyAnswer(who);
    for (const answer of answers) {
      expect(answer.status, `${answer.name}: ${answer.body.slice(0, 200)}`).toBe(200);
      expect(answer.body, answer.name).not.toContain(MARK);
    }
    const list = alertListResponseSchema.parse(JSON.parse(answers[1]?.body ?? '{}'));
    expectWithheld(list.alerts.find((alert) => alert.id === restrictedId));
    expectWithheld(list.alerts.find((alert) => alert.id === unknownCategoryId));
    // An open category stays in clear.
    expect(list.alerts.find((alert) => alert.id === neighbourId)).toMatchObject({ withheld: false, term: 'loser', context: 'you loser', osUser: 'pupil01' });
    const detail = alertDetailResponseSchema.parse(JSON.parse(answers[2]?.body ?? '{}'));
    expectWithheld(detail.alert);
    expect(detail.screenshot?.blurred).toBe(true);
    expect(detail.canReveal).toBe(role === 'dsl');
    const timeline = timelineResponseSchema.parse(JSON.parse(answers[4]?.body ?? '{}'));
    expect(timeline.items.find((item) => item.id === restrictedId)).toMatchObject({ kind: 'alert', term: null, withheld: true });
    const spans = timeline.items.filter((item) => item.kind === 'activity');
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(span).toMatchObject({ app: null, title: null, url: null, osUser: null, withheld: true });
    // Around the open-category neighbour: its own term shows; the span near the restricted alert does not, the later one does.
    const neighbour = timelineResponseSchema.parse(JSON.parse(answers[5]?.body ?? '{}'));
    expect(neighbour.items.find((item) => item.id === neighbourId)).toMatchObject({ term: 'loser', withheld: false });
    expect(neighbour.items.filter((item) => item.kind === 'activity').map((item) => [item.title, item.withheld])).toEqual([
      [null, true],
      ['Homework', false],
    ]);
    const action = alertActionResponseSchema.parse(JSON.parse(answers[6]?.body ?? '{}'));
    expectWithheld(action.alert);
  });

  it('dsl after a reveal: the text in clear, for that DSL and that alert only; the reveal is audited with its reason', async () => {
    const dsl = await roles.dsl();
    const otherDsl = await roles.dsl();
    const reason = 'Pupil disclosed to form tutor this morning';
    const revealed = await call(t, dsl, 'POST', `/api/alerts/${restrictedId}/reveal`, { reason });
    expect(revealed.statusCode, revealed.body).toBe(200);
    const detail = alertDetailResponseSchema.parse(revealed.json());
    expect(detail.alert).toMatchObject({
      withheld: false,
      term: `${MARK}term`,
      context: `i want to ${MARK}term tonight`,
      windowTitle: `${MARK}title - Notes`,
      app: `${MARK}app`,
      url: `https://${MARK}url.example/`,
      osUser: `${MARK}user`,
    });
    expect(detail.canReveal).toBe(false);
    expect(detail.screenshot?.blurred).toBe(false);
    const reveals = await auditEntriesFor(t, restrictedId, 'screenshot.reveal');
    expect(reveals.at(-1)).toMatchObject({ actorUserId: dsl.user.id, detail: { reason, minutes: 30 } });

    const list = alertListResponseSchema.parse((await call(t, dsl, 'GET', '/api/alerts?status=all&limit=200')).json());
    expect(list.alerts.find((alert) => alert.id === restrictedId)).toMatchObject({ withheld: false, term: `${MARK}term` });
    // Revealing one alert reveals no other.
    expectWithheld(list.alerts.find((alert) => alert.id === noCaptureId));
    const timeline = timelineResponseSchema.parse((await call(t, dsl, 'GET', `/api/alerts/${restrictedId}/timeline`)).json());
    expect(timeline.items.find((item) => item.id === restrictedId)).toMatchObject({ term: `${MARK}term`, withheld: false });
    expect(timeline.items.find((item) => item.kind === 'activity')).toMatchObject({ title: `${MARK} how to`, withheld: false });

    // Another DSL, a technician and an admin still get nothing.
    for (const who of [otherDsl, await roles.technician(), await roles.admin()]) {
      for (const answer of await everyAnswer(who)) expect(answer.body, `${who.user.role} ${answer.name}`).not.toContain(MARK);
    }
  });

  it('lets a DSL reveal an alert with no capture (its text), and ends the reveal after 30 minutes', async () => {
    const dsl = await roles.dsl();
    const before = alertDetailResponseSchema.parse((await call(t, dsl, 'GET', `/api/alerts/${noCaptureId}`)).json());
    expect(before.screenshot).toBeNull();
    expect(before.canReveal).toBe(true);
    expectWithheld(before.alert);
    const revealed = await call(t, dsl, 'POST', `/api/alerts/${noCaptureId}/reveal`, { reason: 'Following up the disclosure' });
    expect(revealed.statusCode, revealed.body).toBe(200);
    expect(alertDetailResponseSchema.parse(revealed.json()).alert.term).toBe(`${MARK}term`);

    const lateDsl = await roles.dsl();
    await t.database.db.insert(auditLog).values({
      at: new Date(Date.now() - 31 * minute),
      actorUserId: lateDsl.user.id,
      actorLabel: lateDsl.user.username,
      action: 'screenshot.reveal',
      targetType: 'alert',
      targetId: noCaptureId,
      detail: { reason: 'an old reveal, long expired' },
    });
    expectWithheld(alertDetailResponseSchema.parse((await call(t, lateDsl, 'GET', `/api/alerts/${noCaptureId}`)).json()).alert);
  });

  it('refuses a reveal reason of invisible characters, and a reveal of an open-category alert', async () => {
    const dsl = await roles.dsl();
    for (const reason of ['\u200B'.repeat(11), ' \u200B\u200C\u200D\u2060\uFEFF x \u00AD\u0301\u0301\u0301\u0301 ', 'too short']) {
      const refused = await call(t, dsl, 'POST', `/api/alerts/${restrictedId}/reveal`, { reason });
      expect(refused.statusCode, JSON.stringify(reason)).toBe(400);
      expect(refused.json().error).toMatchObject({ code: 'validation-failed', details: { fields: [{ path: 'reason' }] } });
    }
    expect((await auditEntriesFor(t, restrictedId, 'screenshot.reveal')).filter((entry) => entry.actorUserId === dsl.user.id)).toHaveLength(0);
    const open = await call(t, dsl, 'POST', `/api/alerts/${neighbourId}/reveal`, { reason: 'Nothing is hidden here' });
    expect(open.statusCode).toBe(409);
    expect(open.json().error.code).toBe('reveal-not-needed');
  });
});

describe('filters over withheld text', () => {
  const queries = [`q=${MARK}term`, `q=${MARK}title`, `q=${MARK}url`, `q=${MARK}app`, `q=${MARK}user`, `user=${MARK}user`];

  it.each(['technician', 'admin', 'dsl'] as const)('%s without a reveal: free text and user never match a restricted alert', async (role) => {
    const who = await roles[role]();
    for (const query of queries) {
      const body = alertListResponseSchema.parse((await call(t, who, 'GET', `/api/alerts?status=all&${query}`)).json());
      expect(body.total, query).toBe(0);
      expect(body.alerts, query).toEqual([]);
    }
    // The same filters still work over open categories.
    const open = alertListResponseSchema.parse((await call(t, who, 'GET', '/api/alerts?status=all&q=you%20loser')).json());
    expect(open.alerts.map((alert) => alert.id)).toEqual([neighbourId]);
  });

  it('a DSL who revealed the alert finds it (and only it) by its text', async () => {
    const dsl = await roles.dsl();
    expect((await call(t, dsl, 'POST', `/api/alerts/${restrictedId}/reveal`, { reason: 'Searching for related alerts' })).statusCode).toBe(200);
    for (const query of queries) {
      const body = alertListResponseSchema.parse((await call(t, dsl, 'GET', `/api/alerts?status=all&${query}`)).json());
      expect(
        body.alerts.map((alert) => alert.id),
        query,
      ).toEqual([restrictedId]);
    }
  });
});
