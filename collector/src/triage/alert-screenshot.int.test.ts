import { alertDetailResponseSchema } from '@vigil/shared/console';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedIn } from '../auth/auth-test-kit.ts';
import { auditLog } from '../db/schema/index.ts';
import { sha256Hex } from '../evidence/blob-store.ts';
import { auditEntriesFor, buildTriageTestApp, call, insertAlert, screenImage, staff, storeScreenshot, type TriageTestApp } from './testing/triage-fixtures.ts';

// Restricted captures (self-harm in the test word list) are blurred on the server for
// everyone until a DSL reveals them with a reason; then that DSL, and only they, get the
// original bytes for 30 minutes. Every look is in the audit log.

let t: TriageTestApp;
let technician: SignedIn;
let dsl: SignedIn;
let otherDsl: SignedIn;
let image: Awaited<ReturnType<typeof screenImage>>;

beforeAll(async () => {
  t = await buildTriageTestApp();
  technician = await staff(t, 'technician');
  dsl = await staff(t, 'dsl');
  otherDsl = await staff(t, 'dsl');
  image = await screenImage();
  await storeScreenshot(t, image, t.estate.device.a1);
});
afterAll(async () => {
  await t?.close();
});

async function restrictedAlert(): Promise<string> {
  return (await insertAlert(t, { deviceId: t.estate.device.a1, term: 'kms', category: 'self-harm', severity: 4, screenshotSha256: image.sha256 })).id;
}

async function screenshotOf(who: SignedIn, alertId: string) {
  const response = await call(t, who, 'GET', `/api/alerts/${alertId}/screenshot`);
  expect(response.statusCode, response.body.slice(0, 200)).toBe(200);
  return { response, bytes: response.rawPayload };
}

/** RGB pixels of `bytes` at `width` × `height`. */
async function pixelsOf(bytes: Buffer, width: number, height: number): Promise<Buffer> {
  return sharp(bytes).removeAlpha().resize({ width, height, fit: 'fill' }).raw().toBuffer();
}

function meanAbsoluteDifference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) sum += Math.abs((a[i] ?? 0) - (b[i] ?? 0));
  return sum / a.length;
}

/** Mean difference between horizontally adjacent pixels: how much fine detail is left. */
function detail(pixels: Buffer, width: number): number {
  let sum = 0;
  let n = 0;
  for (let i = 3; i < pixels.length; i += 1) {
    if (Math.floor(i / 3) % width === 0) continue;
    sum += Math.abs((pixels[i] ?? 0) - (pixels[i - 3] ?? 0));
    n += 1;
  }
  return sum / n;
}

async function expectStronglyBlurred(bytes: Buffer): Promise<void> {
  expect(bytes.equals(image.bytes)).toBe(false);
  const meta = await sharp(bytes).metadata();
  expect(meta.format).toBe('jpeg');
  const width = meta.width;
  const height = meta.height;
  // The same aspect ratio (to a pixel of rounding), at most 320 px across.
  expect(width).toBeLessThanOrEqual(320);
  expect(Math.abs(height - (width * image.height) / image.width)).toBeLessThanOrEqual(1);
  const served = await pixelsOf(bytes, width, height);
  const original = await pixelsOf(image.bytes, width, height);
  // The checkerboard at this size still alternates black and white (detail ≈ 50);
  // blurred, neighbours are all but equal (≈ 0.1) and every square is a mid grey, ~97
  // away from its black or white. (A light blur, sigma 2 at 320 px, leaves detail ≈ 9
  // and a difference ≈ 84: both limits below refuse it.)
  expect(detail(original, width)).toBeGreaterThan(40);
  expect(detail(served, width)).toBeLessThan(2);
  expect(meanAbsoluteDifference(served, original)).toBeGreaterThan(90);
}

describe('GET /api/alerts/:alertId/screenshot', () => {
  it('serves a restricted capture blurred to a technician, with no-store and nosniff, and audits it', async () => {
    const alertId = await restrictedAlert();
    const { response, bytes } = await screenshotOf(technician, alertId);
    expect(response.headers['content-type']).toBe('image/jpeg');
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    await expectStronglyBlurred(bytes);
    const views = await auditEntriesFor(t, alertId, 'screenshot.view');
    expect(views).toHaveLength(1);
    expect(views[0]).toMatchObject({ actorUserId: technician.user.id, detail: { blurred: true, sha256: image.sha256 } });
  });

  it('blurs for a DSL too until they reveal; the reveal needs a reason; then the DSL gets the original bytes exactly', async () => {
    const alertId = await restrictedAlert();
    const before = await screenshotOf(dsl, alertId);
    await expectStronglyBlurred(before.bytes);
    const detailBefore = alertDetailResponseSchema.parse((await call(t, dsl, 'GET', `/api/alerts/${alertId}`)).json());
    expect(detailBefore.screenshot).toMatchObject({ blurred: true, available: true, width: 640, height: 360, url: `/api/alerts/${alertId}/screenshot` });
    expect(detailBefore.canReveal).toBe(true);

    for (const reason of [undefined, '', 'too short', '   short   ']) {
      const refused = await call(t, dsl, 'POST', `/api/alerts/${alertId}/reveal`, reason === undefined ? {} : { reason });
      expect(refused.statusCode, String(reason)).toBe(400);
      expect(refused.json().error.code).toBe('validation-failed');
    }
    expect(await auditEntriesFor(t, alertId, 'screenshot.reveal')).toHaveLength(0);

    const reason = 'Disclosure reported by form tutor; checking context';
    const revealed = await call(t, dsl, 'POST', `/api/alerts/${alertId}/reveal`, { reason });
    expect(revealed.statusCode, revealed.body).toBe(200);
    const detailAfter = alertDetailResponseSchema.parse(revealed.json());
    expect(detailAfter.screenshot?.blurred).toBe(false);
    expect(detailAfter.canReveal).toBe(false);

    const after = await screenshotOf(dsl, alertId);
    expect(after.response.headers['content-type']).toBe('image/png');
    expect(after.bytes.equals(image.bytes)).toBe(true);

    // Only for that DSL: another DSL and the technician still get the blurred image.
    await expectStronglyBlurred((await screenshotOf(otherDsl, alertId)).bytes);
    await expectStronglyBlurred((await screenshotOf(technician, alertId)).bytes);

    const reveals = await auditEntriesFor(t, alertId, 'screenshot.reveal');
    expect(reveals).toHaveLength(1);
    expect(reveals[0]).toMatchObject({ actorUserId: dsl.user.id, detail: { reason, minutes: 30 } });
    const views = (await auditEntriesFor(t, alertId, 'screenshot.view')).map((entry) => [entry.actorUserId, entry.detail?.blurred]);
    expect(views).toEqual([
      [dsl.user.id, true],
      [dsl.user.id, false],
      [otherDsl.user.id, true],
      [technician.user.id, true],
    ]);
    expect(await auditEntriesFor(t, alertId, 'alert.view')).toHaveLength(1);
  });

  it('ends a reveal after 30 minutes', async () => {
    const alertId = await restrictedAlert();
    await t.database.db.insert(auditLog).values({
      at: new Date(Date.now() - 31 * 60_000),
      actorUserId: dsl.user.id,
      actorLabel: dsl.user.username,
      action: 'screenshot.reveal',
      targetType: 'alert',
      targetId: alertId,
      detail: { reason: 'an old reveal, long expired' },
    });
    await expectStronglyBlurred((await screenshotOf(dsl, alertId)).bytes);
  });

  it('lets only a DSL reveal (technician and admin get 403)', async () => {
    const alertId = await restrictedAlert();
    for (const who of [technician, await staff(t, 'admin')]) {
      const response = await call(t, who, 'POST', `/api/alerts/${alertId}/reveal`, { reason: 'I would like to see this please' });
      expect(response.statusCode).toBe(403);
    }
    const detail = alertDetailResponseSchema.parse((await call(t, technician, 'GET', `/api/alerts/${alertId}`)).json());
    expect(detail.canReveal).toBe(false);
    expect(detail.screenshot?.blurred).toBe(true);
  });

  it('serves an unrestricted capture as stored, to a technician', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1, category: 'bullying', screenshotSha256: image.sha256 });
    const { response, bytes } = await screenshotOf(technician, alert.id);
    expect(response.headers['content-type']).toBe('image/png');
    expect(bytes.equals(image.bytes)).toBe(true);
    expect((await auditEntriesFor(t, alert.id, 'screenshot.view'))[0]?.detail).toMatchObject({ blurred: false });
  });

  it('treats a category no longer in the word list as restricted', async () => {
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1, category: 'gone-category', screenshotSha256: image.sha256 });
    await expectStronglyBlurred((await screenshotOf(technician, alert.id)).bytes);
  });

  it('answers 404 screenshot-pending before the bytes arrive and screenshot-none without one', async () => {
    const pendingSha = 'ab'.repeat(32);
    const pending = await insertAlert(t, { deviceId: t.estate.device.a1, screenshotSha256: pendingSha });
    const response = await call(t, technician, 'GET', `/api/alerts/${pending.id}/screenshot`);
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('screenshot-pending');
    const detail = alertDetailResponseSchema.parse((await call(t, technician, 'GET', `/api/alerts/${pending.id}`)).json());
    expect(detail.screenshot).toMatchObject({ available: false, width: 0, height: 0 });

    const none = await insertAlert(t, { deviceId: t.estate.device.a1 });
    const noShot = await call(t, technician, 'GET', `/api/alerts/${none.id}/screenshot`);
    expect(noShot.statusCode).toBe(404);
    expect(noShot.json().error.code).toBe('screenshot-none');
    expect(alertDetailResponseSchema.parse((await call(t, technician, 'GET', `/api/alerts/${none.id}`)).json()).screenshot).toBeNull();
  });

  it("keeps another site's capture out of reach (404, nothing audited as seen)", async () => {
    const alertId = await restrictedAlert();
    const outsider = await staff(t, 'dsl', { siteId: t.estate.otherSiteId });
    for (const [method, url, payload] of [
      ['GET', `/api/alerts/${alertId}/screenshot`, undefined],
      ['GET', `/api/alerts/${alertId}`, undefined],
      ['POST', `/api/alerts/${alertId}/reveal`, { reason: 'Not my school but curious' }],
    ] as const) {
      const response = await call(t, outsider, method, url, payload);
      expect(response.statusCode, url).toBe(404);
      expect(response.json().error.code).toBe('alert-not-found');
    }
    expect(await auditEntriesFor(t, alertId)).toHaveLength(0);
  });

  it('serves nothing (422) when a restricted capture cannot be decoded to blur it', async () => {
    const bytes = Buffer.from('definitely not a PNG, whatever the row says');
    const broken = { bytes, sha256: sha256Hex(bytes), width: 640, height: 360 };
    await storeScreenshot(t, broken, t.estate.device.a1);
    const alert = await insertAlert(t, { deviceId: t.estate.device.a1, category: 'self-harm', screenshotSha256: broken.sha256 });
    const response = await call(t, technician, 'GET', `/api/alerts/${alert.id}/screenshot`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('screenshot-unreadable');
    expect(response.body).not.toContain('definitely not');
  });

  it('blurs tiny and odd-shaped captures without failing', async () => {
    for (const [width, height] of [
      [1, 1],
      [3, 200],
      [2000, 7],
    ] as const) {
      const small = await screenImage(width, height);
      await storeScreenshot(t, small, t.estate.device.a1);
      const alert = await insertAlert(t, { deviceId: t.estate.device.a1, category: 'self-harm', screenshotSha256: small.sha256 });
      const { bytes } = await screenshotOf(technician, alert.id);
      const meta = await sharp(bytes).metadata();
      expect(meta.width).toBe(Math.min(width, 320));
      expect(Math.abs(meta.height - Math.max(1, Math.round((height * meta.width) / width)))).toBeLessThanOrEqual(1);
    }
  });
});
