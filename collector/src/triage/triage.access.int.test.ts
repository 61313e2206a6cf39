import {
  alertActionResponseSchema,
  alertDetailResponseSchema,
  alertListResponseSchema,
  bulkResponseSchema,
  categoriesResponseSchema,
  reportSummaryResponseSchema,
  timelineResponseSchema,
} from '@vigil/shared/console';
import type { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { userRoles, type UserRole } from '../db/schema/index.ts';
import { buildTriageTestApp, call, insertAlert, screenImage, staff, storeScreenshot, type TriageTestApp } from './testing/triage-fixtures.ts';
import { triageAccessRules } from './triage.access.ts';

// Every triage route × every role, with a real, valid request each time: the roles the
// route is for get a 2xx answer in the contract's shape, the others 403 `forbidden`,
// and nobody signed in 401.

let t: TriageTestApp;
beforeAll(async () => {
  t = await buildTriageTestApp();
});
afterAll(async () => {
  await t?.close();
});

const staffRoles: readonly UserRole[] = ['technician', 'dsl', 'admin'];

interface RouteCase {
  readonly route: string;
  readonly allowed: readonly UserRole[];
  /** Makes a fresh request (its own alert where it changes one) for `who`. */
  readonly request: (who: SignedIn) => Promise<{ method: 'GET' | 'POST'; url: string; payload?: object }>;
  /** The contract's schema for the answer; the screenshot answers with image bytes instead. */
  readonly answer: z.ZodType | 'image';
}

async function freshAlert(category = 'bullying'): Promise<string> {
  const image = await screenImage(64, 36);
  await storeScreenshot(t, image, t.estate.device.a1);
  const alert = await insertAlert(t, { deviceId: t.estate.device.a1, screenshotSha256: image.sha256, category });
  return alert.id;
}

const cases: readonly RouteCase[] = [
  { route: 'GET /api/alerts', allowed: staffRoles, request: async () => ({ method: 'GET', url: '/api/alerts?status=all' }), answer: alertListResponseSchema },
  {
    route: 'GET /api/alerts/:alertId',
    allowed: staffRoles,
    request: async () => ({ method: 'GET', url: `/api/alerts/${await freshAlert()}` }),
    answer: alertDetailResponseSchema,
  },
  {
    route: 'GET /api/alerts/:alertId/timeline',
    allowed: staffRoles,
    request: async () => ({ method: 'GET', url: `/api/alerts/${await freshAlert()}/timeline` }),
    answer: timelineResponseSchema,
  },
  {
    route: 'GET /api/alerts/:alertId/screenshot',
    allowed: staffRoles,
    request: async () => ({ method: 'GET', url: `/api/alerts/${await freshAlert()}/screenshot` }),
    answer: 'image',
  },
  {
    route: 'POST /api/alerts/:alertId/reveal',
    allowed: ['dsl'],
    request: async () => ({
      method: 'POST',
      url: `/api/alerts/${await freshAlert('self-harm')}/reveal`,
      payload: { reason: 'Pupil disclosed harm to form tutor' },
    }),
    answer: alertDetailResponseSchema,
  },
  {
    route: 'POST /api/alerts/:alertId/status',
    allowed: staffRoles,
    request: async () => ({ method: 'POST', url: `/api/alerts/${await freshAlert()}/status`, payload: { status: 'in-review' } }),
    answer: alertActionResponseSchema,
  },
  {
    route: 'POST /api/alerts/:alertId/notes',
    allowed: staffRoles,
    request: async () => ({ method: 'POST', url: `/api/alerts/${await freshAlert()}/notes`, payload: { note: 'Spoke to the pupil' } }),
    answer: alertActionResponseSchema,
  },
  {
    route: 'POST /api/alerts/:alertId/assign',
    allowed: staffRoles,
    request: async (who) => ({ method: 'POST', url: `/api/alerts/${await freshAlert()}/assign`, payload: { userId: who.user.id } }),
    answer: alertActionResponseSchema,
  },
  {
    route: 'POST /api/alerts/:alertId/dismiss',
    allowed: staffRoles,
    request: async () => ({ method: 'POST', url: `/api/alerts/${await freshAlert()}/dismiss`, payload: { note: 'Song lyrics' } }),
    answer: alertActionResponseSchema,
  },
  {
    route: 'POST /api/alerts/:alertId/escalate',
    allowed: staffRoles,
    request: async () => ({ method: 'POST', url: `/api/alerts/${await freshAlert()}/escalate`, payload: {} }),
    answer: alertActionResponseSchema,
  },
  {
    route: 'POST /api/alerts/bulk',
    allowed: staffRoles,
    request: async () => ({ method: 'POST', url: '/api/alerts/bulk', payload: { ids: [await freshAlert()], action: 'assign-me' } }),
    answer: bulkResponseSchema,
  },
  {
    route: 'GET /api/categories',
    allowed: [...staffRoles, 'viewer'],
    request: async () => ({ method: 'GET', url: '/api/categories' }),
    answer: categoriesResponseSchema,
  },
  {
    route: 'GET /api/reports/summary',
    allowed: [...staffRoles, 'viewer'],
    request: async () => ({ method: 'GET', url: '/api/reports/summary' }),
    answer: reportSummaryResponseSchema,
  },
];

describe('triage access, role by route', () => {
  it('covers exactly the routes in triage.access.ts', () => {
    expect(cases.map((one) => one.route).sort()).toEqual(Object.keys(triageAccessRules).sort());
    for (const one of cases) {
      const rule = triageAccessRules[one.route];
      expect(Array.isArray(rule) ? [...rule].sort() : rule, one.route).toEqual([...one.allowed].sort());
    }
  });

  it.each(cases.map((one) => [one.route, one] as const))('%s: its roles get an answer, every other role 403, nobody 401', async (_name, one) => {
    const outcomes: string[] = [];
    for (const role of userRoles) {
      const who = await staff(t, role, role === 'teacher' ? { rooms: [t.estate.roomA] } : {});
      const request = await one.request(who);
      const response = await call(t, who, request.method, request.url, request.payload);
      if (one.allowed.includes(role)) {
        const ok =
          response.statusCode === 200 &&
          (one.answer === 'image' ? String(response.headers['content-type']).startsWith('image/') : one.answer.safeParse(response.json()).success);
        outcomes.push(`${role}: ${ok ? 'ok' : `FAILED ${response.statusCode} ${response.body.slice(0, 200)}`}`);
      } else {
        const code = response.statusCode === 403 ? response.json().error.code : undefined;
        outcomes.push(`${role}: ${code === 'forbidden' ? 'refused' : `NOT REFUSED ${response.statusCode} ${response.body.slice(0, 200)}`}`);
      }
    }
    expect(outcomes).toEqual(userRoles.map((role) => `${role}: ${one.allowed.includes(role) ? 'ok' : 'refused'}`));
    const anonymous = await one.request(await staff(t, 'admin'));
    const response = await call(t, undefined, anonymous.method, anonymous.url, anonymous.payload);
    expect(response.statusCode).toBe(401);
  });
});
