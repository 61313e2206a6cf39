// The first-run checklist, computed from real tables (PostgreSQL): each step ticks when its
// row appears, and only within the caller's site; the test phrase really raises an alert.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gettingStartedResponseSchema } from '@vigil/shared/console';
import { compile, scanText } from '@vigil/shared/matcher';
import type { WordlistPayload } from '@vigil/shared/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices } from '../db/schema/index.ts';
import { insertAlert } from '../retention/testing/retention-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { loadWordlists } from '../wordlists/wordlist-files.ts';
import { createEnrolmentToken } from './enrolment-tokens.repository.ts';
import { gettingStartedProgress, preferredTestPhrase, testPhraseFor } from './getting-started.ts';
import { createRoom, createSite } from './sites-rooms.repository.ts';
import { useAdminTestApp } from './testing/use-admin-test-app.ts';

const repoWordlists = resolve(dirname(fileURLToPath(import.meta.url)), '../../../wordlists');

describe('gettingStartedProgress', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  const done = async (siteId: string | null = null) => {
    const progress = await gettingStartedProgress(database.db, siteId, { phrase: 'unblocked games', categoryLabel: 'Filter circumvention' });
    return Object.fromEntries(progress.steps.map((step) => [step.id, step.done]));
  };

  it('ticks each step as its row appears, in order, and is complete only at the end', async () => {
    const db = database.db;
    const empty = await gettingStartedProgress(db, null, null);
    expect(empty).toEqual({
      steps: ['site', 'room', 'token', 'device', 'alert'].map((id) => ({ id, done: false })),
      complete: false,
      testPhrase: null,
      testCategory: null,
      liveRoomId: null,
    });

    const site = await createSite(db, 'Hillside Academy');
    expect(await done()).toEqual({ site: true, room: false, token: false, device: false, alert: false });
    const room = await createRoom(db, site.id, 'Room 12');
    expect(await done()).toMatchObject({ room: true, token: false });
    await createEnrolmentToken(db, { siteId: site.id, roomId: room.id, expiresAt: new Date(Date.now() + 86_400_000), uses: 1 });
    expect(await done()).toMatchObject({ token: true, device: false });
    const [device] = await db
      .insert(devices)
      .values({ siteId: site.id, roomId: room.id, hostname: 'ICT-01', os: 'linux', secretHash: 'x'.repeat(64) })
      .returning();
    if (device === undefined) throw new Error('no device row');
    const withDevice = await gettingStartedProgress(db, null, null);
    expect(withDevice.liveRoomId).toBe(room.id);
    expect(withDevice.complete).toBe(false);
    expect(await done()).toMatchObject({ device: true, alert: false });

    await insertAlert(db, { siteId: site.id, roomId: room.id, deviceId: device.id }, { status: 'new', receivedAt: new Date() });
    const finished = await gettingStartedProgress(db, null, { phrase: 'unblocked games', categoryLabel: 'Filter circumvention' });
    expect(finished.complete).toBe(true);
    expect(finished.steps.every((step) => step.done)).toBe(true);
    expect(finished).toMatchObject({ testPhrase: 'unblocked games', testCategory: 'Filter circumvention' });
  });

  it('counts only the caller’s site when limited to one', async () => {
    const other = await createSite(database.db, 'Eastfield Primary');
    expect(await done(other.id)).toEqual({ site: true, room: false, token: false, device: false, alert: false });
  });
});

describe('testPhraseFor', () => {
  let wordlist: WordlistPayload;
  beforeAll(async () => {
    const loaded = await loadWordlists(repoWordlists);
    if (!loaded.ok) throw new Error('the repository word lists do not load');
    wordlist = loaded.value;
  });

  it('offers the documented harmless phrase, and the matcher raises an unrestricted alert for it', () => {
    const phrase = testPhraseFor(wordlist);
    expect(phrase).toEqual({ phrase: preferredTestPhrase, categoryLabel: 'Filter circumvention' });
    const hits = scanText(compile(wordlist), preferredTestPhrase, 'typed');
    const restricted = new Set(wordlist.categories.filter((category) => category.restricted).map((category) => category.id));
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.some((hit) => restricted.has(hit.category))).toBe(false);
  });

  it('falls back to another unrestricted term when the preferred one no longer hits, and to null when none does', () => {
    const withoutUnblocked: WordlistPayload = {
      ...wordlist,
      version: 'a'.repeat(64),
      terms: wordlist.terms.filter((entry) => !entry.term.includes('unblocked')),
    };
    const fallback = testPhraseFor(withoutUnblocked);
    expect(fallback).not.toBeNull();
    expect(fallback?.phrase).not.toBe(preferredTestPhrase);
    const hits = scanText(compile(withoutUnblocked), fallback?.phrase ?? '', 'typed');
    expect(hits.length).toBeGreaterThan(0);

    const onlyRestricted: WordlistPayload = {
      ...wordlist,
      version: 'b'.repeat(64),
      terms: wordlist.terms.filter((entry) => wordlist.categories.find((category) => category.id === entry.category)?.restricted === true),
    };
    expect(testPhraseFor(onlyRestricted)).toBeNull();
  });
});

describe('GET /api/admin/getting-started', () => {
  const t = useAdminTestApp();

  it('answers the checklist from the estate, with the test phrase of the word list in force', async () => {
    const admin = await t.as('admin');
    const response = await t.call(admin, 'GET', '/api/admin/getting-started');
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    const body = gettingStartedResponseSchema.parse(response.json());
    // The seeded estate has sites, rooms and devices; no alert yet.
    expect(Object.fromEntries(body.steps.map((step) => [step.id, step.done]))).toMatchObject({ site: true, room: true, device: true, alert: false });
    expect(body.complete).toBe(false);
    expect(body.liveRoomId).not.toBeNull();
  });
});
