import { auditResponseSchema } from '@vigil/shared/console';
import { and, desc, eq } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { auditLog, userRoles, type UserRole } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { appendAudit } from './audit.repository.ts';
import { buildAuditTestApp, type AuditTestApp } from './testing/audit-test-app.ts';

let database: TestDatabase;
let harness: AuditTestApp;
let app: FastifyInstance;
let dsl: SignedIn;
let admin: SignedIn;

const base = Date.parse('2025-03-03T09:00:00Z');
const minutes = (n: number) => new Date(base + n * 60_000);

// The seeded log, oldest first; every test filters to its own slice of it.
const seeded = [
  { at: minutes(0), actorLabel: 'Ms Patel', action: 'alert.view', targetType: 'alert', targetId: 'A1' },
  { at: minutes(1), actorLabel: 'Ms Patel', action: 'screenshot.view', targetType: 'alert', targetId: 'A1' },
  { at: minutes(2), actorLabel: 'mr.jones', action: 'screenshot.reveal', targetType: 'alert', targetId: 'A2', detail: { reason: 'police referral' } },
  { at: minutes(3), actorLabel: 'MR.JONES', action: 'screenshotx.other', targetType: 'device', targetId: 'D1' },
  { at: minutes(4), actorLabel: 'system', action: 'device.lock', targetType: 'device', targetId: 'D1', ip: '192.0.2.44' },
  {
    at: minutes(5),
    actorLabel: '=HYPERLINK("http://evil.example","x")',
    action: 'auth.login-failed',
    targetType: 'user',
    targetId: null,
    detail: { note: 'line one\nline "two", three' },
  },
  { at: minutes(6), actorLabel: 'Ms Patel', action: 'ab%_.view', targetType: 'alert', targetId: 'A3' },
] as const;

beforeAll(async () => {
  database = await createTestDatabase();
  harness = await buildAuditTestApp(database);
  app = harness.app;
  for (const entry of seeded) await appendAudit(database.db, entry);
  dsl = await signInAs(app, { role: 'dsl' });
  admin = await signInAs(app, { role: 'admin' });
});
afterAll(async () => {
  await harness.close();
  await database.drop();
});

async function page(query: string, who: SignedIn = dsl) {
  const response = await app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: who.headers });
  expect(response.statusCode, response.body).toBe(200);
  return auditResponseSchema.parse(response.json());
}

const seededFrom = `from=${encodeURIComponent(minutes(0).toISOString())}&to=${encodeURIComponent(minutes(60).toISOString())}`;

describe('who may read and export the audit log', () => {
  const routes = ['/api/audit', '/api/audit/export'];
  const allowed: readonly UserRole[] = ['dsl', 'admin'];
  it.each(routes.flatMap((url) => userRoles.map((role) => [url, role] as const)))('GET %s as %s', async (url, role) => {
    const who = await signInAs(app, { role });
    const response = await app.inject({ method: 'GET', url, headers: who.headers });
    if (allowed.includes(role)) {
      expect(response.statusCode).toBe(200);
    } else {
      expect(response.statusCode).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
    }
  });

  it.each(routes)('GET %s signed out is 401', async (url) => {
    const response = await app.inject({ method: 'GET', url });
    expect(response.statusCode).toBe(401);
  });
});

describe('GET /api/audit', () => {
  it('lists entries newest first with the contract shape', async () => {
    const body = await page(seededFrom);
    expect(body.entries.map((entry) => entry.action)).toEqual([...seeded].reverse().map((entry) => entry.action));
    expect(body.nextBefore).toBeNull();
    const reveal = body.entries.find((entry) => entry.action === 'screenshot.reveal');
    expect(reveal).toMatchObject({
      actor: 'mr.jones',
      targetType: 'alert',
      targetId: 'A2',
      detail: { reason: 'police referral' },
      ip: null,
      at: minutes(2).toISOString(),
    });
    expect(body.entries.find((entry) => entry.action === 'device.lock')?.ip).toBe('192.0.2.44');
  });

  it('matches an action exactly', async () => {
    const body = await page(`${seededFrom}&action=screenshot.view`);
    expect(body.entries.map((entry) => entry.action)).toEqual(['screenshot.view']);
  });

  it.each(['screenshot.*', 'screenshot.'])('matches an action family with %s (not screenshotx.)', async (action) => {
    const body = await page(`${seededFrom}&action=${encodeURIComponent(action)}`);
    expect(body.entries.map((entry) => entry.action)).toEqual(['screenshot.reveal', 'screenshot.view']);
  });

  it('treats % and _ in an action prefix as plain characters', async () => {
    expect((await page(`${seededFrom}&action=${encodeURIComponent('ab%_.*')}`)).entries.map((entry) => entry.action)).toEqual(['ab%_.view']);
    expect((await page(`${seededFrom}&action=${encodeURIComponent('%.*')}`)).entries).toEqual([]);
  });

  it('matches the actor case-insensitively and exactly', async () => {
    const body = await page(`${seededFrom}&actor=MR.Jones`);
    expect(body.entries.map((entry) => entry.action)).toEqual(['screenshotx.other', 'screenshot.reveal']);
    expect((await page(`${seededFrom}&actor=jones`)).entries).toEqual([]);
  });

  it('filters by target type and id', async () => {
    const body = await page(`${seededFrom}&targetType=alert&targetId=A1`);
    expect(body.entries.map((entry) => entry.action)).toEqual(['screenshot.view', 'alert.view']);
    expect((await page(`${seededFrom}&targetType=device`)).entries.map((entry) => entry.targetId)).toEqual(['D1', 'D1']);
  });

  it('takes from inclusive and to exclusive', async () => {
    const body = await page(`from=${encodeURIComponent(minutes(2).toISOString())}&to=${encodeURIComponent(minutes(4).toISOString())}`);
    expect(body.entries.map((entry) => entry.at)).toEqual([minutes(3).toISOString(), minutes(2).toISOString()]);
  });

  it('pages by id with before / nextBefore, never repeating or skipping an entry', async () => {
    const seen: string[] = [];
    let before: number | null = null;
    let pages = 0;
    do {
      const body = await page(`${seededFrom}&limit=3${before === null ? '' : `&before=${before}`}`);
      expect(body.entries.length).toBeLessThanOrEqual(3);
      seen.push(...body.entries.map((entry) => entry.action));
      if (body.nextBefore !== null) expect(body.nextBefore).toBe(body.entries.at(-1)?.id);
      before = body.nextBefore;
      pages += 1;
    } while (before !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual([...seeded].reverse().map((entry) => entry.action));
  });

  it('does not page past the last entry when it ends exactly on a page boundary', async () => {
    const body = await page(`${seededFrom}&action=screenshot.*&limit=2`);
    expect(body.entries).toHaveLength(2);
    expect(body.nextBefore).toBeNull();
  });

  it('is not itself audited', async () => {
    const count = async () => (await database.db.select().from(auditLog)).length;
    const before = await count();
    await page(seededFrom);
    await page(`${seededFrom}&action=alert.view`, admin);
    expect(await count()).toBe(before);
  });

  it.each([
    ['an unknown parameter', 'colour=red'],
    ['a limit over 500', 'limit=501'],
    ['a zero before', 'before=0'],
    ['a date that is not ISO-8601', 'from=yesterday'],
  ])('refuses %s with 400 validation-failed', async (_what, query) => {
    const response = await app.inject({ method: 'GET', url: `/api/audit?${query}`, headers: dsl.headers });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('validation-failed');
  });
});

/** RFC 4180 with every cell quoted, as the export writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const character = text[i];
    if (quoted) {
      if (character === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (character === '"') quoted = false;
      else cell += character;
    } else if (character === '"') quoted = true;
    else if (character === ',') {
      row.push(cell);
      cell = '';
    } else if (character === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i += 1;
    } else throw new Error(`unexpected ${JSON.stringify(character)} outside quotes at ${i}`);
  }
  if (cell !== '' || row.length > 0) throw new Error('the CSV does not end with CRLF');
  return rows;
}

describe('GET /api/audit/export', () => {
  it('downloads the matching entries as a CSV attachment, formula-safe', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/audit/export?${seededFrom}&limit=1`, headers: admin.headers });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="vigil-audit-\d{8}-\d{6}Z\.csv"$/);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(response.body.slice(1));
    expect(header).toEqual(['id', 'at', 'actor', 'action', 'target_type', 'target_id', 'ip', 'detail', 'actor_name', 'target_name']);
    // `limit` does not apply to an export: all seven.
    expect(rows.map((row) => row[3])).toEqual([...seeded].reverse().map((entry) => entry.action));
    const injected = rows.find((row) => row[3] === 'auth.login-failed');
    expect(injected?.[2]).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(JSON.parse(injected?.[7] ?? '')).toEqual({ note: 'line one\nline "two", three' });
    expect(rows.find((row) => row[3] === 'device.lock')?.[6]).toBe('192.0.2.44');
  });

  it('applies the same filters as the page', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/audit/export?${seededFrom}&action=screenshot.*`, headers: dsl.headers });
    const [, ...rows] = parseCsv(response.body.slice(1));
    expect(rows.map((row) => row[3])).toEqual(['screenshot.reveal', 'screenshot.view']);
  });

  it('is audited as audit.export with the filters and the row count, and its own entry is not in it', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/audit/export?action=${encodeURIComponent('alert.*')}`, headers: dsl.headers });
    const [, ...rows] = parseCsv(response.body.slice(1));
    expect(rows.map((row) => row[3])).toEqual(['alert.view']);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'audit.export'), eq(auditLog.actorLabel, dsl.user.username)))
      .orderBy(desc(auditLog.id))
      .limit(1);
    expect(entry).toMatchObject({ actorUserId: dsl.user.id, targetType: 'audit', detail: { filters: { action: 'alert.*' }, rows: 1 } });
    expect(entry?.ip).not.toBeNull();
  });

  it('exports a log larger than one fetch page in full', async () => {
    const action = 'bulk.entry';
    const at = minutes(-600);
    await database.db.insert(auditLog).values(Array.from({ length: 2_345 }, (_, i) => ({ at, actorLabel: `user-${i}`, action })));
    const response = await app.inject({ method: 'GET', url: `/api/audit/export?action=${action}`, headers: admin.headers });
    const [, ...rows] = parseCsv(response.body.slice(1));
    expect(rows).toHaveLength(2_345);
    expect(new Set(rows.map((row) => row[0])).size).toBe(2_345);
  });
});
