// Test helpers for the triage routes: the whole collector (buildApp) on a test database
// with the small word list (bullying: open, self-harm: RESTRICTED), an estate of two
// sites, and alerts / screenshots / activity seeded directly with drizzle.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import sharp from 'sharp';
import { ulid } from 'ulid';
import { seedEstate, smallWordlists, type Estate } from '../../agent-services/testing/agent-services-fixtures.ts';
import { buildApp } from '../../app.ts';
import { signInAs, type SignedIn, type TestUserOptions } from '../../auth/auth-test-kit.ts';
import { loadConfig } from '../../config/config.ts';
import { activitySpans, alerts, auditLog, screenshots } from '../../db/schema/index.ts';
import { sha256Hex, type BlobStore } from '../../evidence/blob-store.ts';
import { createBlobStore } from '../../evidence/disk-blob-store.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../../testing/test-database.ts';

export interface TriageTestApp {
  readonly app: FastifyInstance;
  readonly database: TestDatabase;
  readonly estate: Estate;
  readonly blobs: BlobStore;
  close(): Promise<void>;
}

export async function buildTriageTestApp(): Promise<TriageTestApp> {
  const database = await createTestDatabase();
  const lists = await smallWordlists();
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-triage-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, WORDLISTS_DIR: lists.dir });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: join(dataDir, 'no-console') });
  await app.ready();
  const estate = await seedEstate(database.db);
  return {
    app,
    database,
    estate,
    blobs: createBlobStore(dataDir),
    close: async () => {
      await app.close();
      await database.drop();
      await lists.remove();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export type NewAlert = Partial<typeof alerts.$inferInsert> & { readonly deviceId: string };

/** Inserts one alert; site and room are copied from the device as ingest does unless given. */
export async function insertAlert(t: TriageTestApp, alert: NewAlert): Promise<typeof alerts.$inferSelect> {
  const device = deviceHome(t.estate, alert.deviceId);
  const [row] = await t.database.db
    .insert(alerts)
    .values({
      id: ulid(),
      siteId: device.siteId,
      roomId: device.roomId,
      osUser: 'pupil01',
      ts: new Date(),
      source: 'typed',
      term: 'loser',
      category: 'bullying',
      severity: 2,
      context: 'you are a loser',
      windowTitle: 'Notes',
      app: 'notepad',
      url: null,
      ...alert,
    })
    .returning();
  if (row === undefined) throw new Error('no alert row');
  return row;
}

function deviceHome(estate: Estate, deviceId: string): { siteId: string; roomId: string | null } {
  const { device } = estate;
  if (deviceId === device.a1 || deviceId === device.a2) return { siteId: estate.siteId, roomId: estate.roomA };
  if (deviceId === device.b1) return { siteId: estate.siteId, roomId: estate.roomB };
  if (deviceId === device.c1) return { siteId: estate.otherSiteId, roomId: null };
  return { siteId: estate.siteId, roomId: null };
}

/**
 * A 640 × 360 PNG "screen": an 8-pixel black-and-white checkerboard (the finest detail a
 * blur must destroy) under a coloured band. Returns the bytes and their sha256.
 */
export async function screenImage(width = 640, height = 360): Promise<{ bytes: Buffer; sha256: string; width: number; height: number }> {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      const offset = (y * width + x) * 3;
      if (y < height / 6) {
        pixels[offset] = 30;
        pixels[offset + 1] = 90;
        pixels[offset + 2] = 200;
      } else {
        const white = (Math.floor(x / 8) + Math.floor(y / 8)) % 2 === 0 ? 255 : 0;
        pixels.fill(white, offset, offset + 3);
      }
    }
  }
  const bytes = await sharp(pixels, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return { bytes, sha256: sha256Hex(bytes), width, height };
}

/** Stores `image` as an arrived screenshot (blob + row), as evidence intake does. */
export async function storeScreenshot(
  t: TriageTestApp,
  image: { bytes: Buffer; sha256: string; width: number; height: number },
  deviceId: string,
): Promise<void> {
  await t.blobs.put(image.sha256, image.bytes);
  await t.database.db
    .insert(screenshots)
    .values({ sha256: image.sha256, bytes: image.bytes.byteLength, width: image.width, height: image.height, mime: 'image/png', deviceId })
    .onConflictDoNothing();
}

export async function insertSpan(
  t: TriageTestApp,
  span: { deviceId: string; start: Date; end: Date; app?: string; title?: string | null; url?: string | null },
): Promise<string> {
  const id = ulid();
  await t.database.db.insert(activitySpans).values({
    id,
    deviceId: span.deviceId,
    osUser: 'pupil01',
    app: span.app ?? 'firefox',
    title: span.title === undefined ? 'A page' : span.title,
    url: span.url ?? null,
    startedAt: span.start,
    endedAt: span.end,
  });
  return id;
}

/** Signs in a user of `role` on the estate's first site unless told otherwise. */
export function staff(t: TriageTestApp, role: TestUserOptions['role'], options: Partial<TestUserOptions> = {}): Promise<SignedIn> {
  return signInAs(t.app, { role, siteId: t.estate.siteId, ...options });
}

/** One request as `who` (anonymous when undefined); a POST without a payload sends `{}`. */
export function call(
  t: TriageTestApp,
  who: SignedIn | undefined,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: InjectOptions['payload'],
): Promise<LightMyRequestResponse> {
  const body = payload ?? (method === 'POST' || method === 'PUT' ? {} : undefined);
  return t.app.inject({ method, url, headers: who?.headers ?? {}, ...(body === undefined ? {} : { payload: body }) });
}

export async function auditEntriesFor(t: TriageTestApp, alertId: string, action?: string): Promise<(typeof auditLog.$inferSelect)[]> {
  return t.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'alert'), eq(auditLog.targetId, alertId), action === undefined ? undefined : eq(auditLog.action, action)))
    .orderBy(asc(auditLog.id));
}
