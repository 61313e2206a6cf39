import { eq } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedSchool } from '../agents/testing/agent-fixtures.ts';
import { activityMessage, alertMessage } from '../agents/testing/test-agent.ts';
import { alerts, devices } from '../db/schema/index.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import type { IngestDevice } from './ingest-rows.ts';
import { AlertFeed, type AlertFeedEvent } from '../alert-feed/alert-feed.ts';
import { IngestError, IngestService } from './ingest.service.ts';

let database: TestDatabase;
let device: IngestDevice;
beforeAll(async () => {
  database = await createTestDatabase();
  const school = await seedSchool(database.db);
  const [row] = await database.db
    .insert(devices)
    .values({ siteId: school.siteId, roomId: school.roomId, hostname: 'svc-01', os: 'linux', secretHash: '0'.repeat(64) })
    .returning();
  if (row === undefined) throw new Error('no device');
  device = { id: row.id, siteId: row.siteId, roomId: row.roomId, osUser: 'pupil.jones' };
});
afterAll(() => database.drop());

describe('IngestService', () => {
  it('writes a batch when it is full, without waiting for the delay', async () => {
    const ingest = new IngestService({ pool: database.pool, ownerPool: database.ownerPool, log: testLogger(), maxBatchRows: 3, maxBatchDelayMs: 60_000 });
    const messages = [alertMessage(), alertMessage(), activityMessage()];
    await Promise.all(messages.map((message) => ingest.submit(device, message)));
    expect(ingest.stats()).toMatchObject({ batches: 1, committedMessages: 3, insertedRows: 3 });
  });

  it('stores every folded term, files the alert under a restricted term if any is, and tells the feed once after COMMIT', async () => {
    const feed = new AlertFeed();
    const told: AlertFeedEvent[] = [];
    feed.on((event) => told.push(event));
    const restricted = new Set(['self-harm']);
    const ingest = new IngestService({
      pool: database.pool,
      ownerPool: database.ownerPool,
      log: testLogger(),
      alertFeed: feed,
      isRestricted: (category) => restricted.has(category),
    });
    // An agent that put the open-category term first (the new agent never does).
    const folded = alertMessage({
      term: 'suicide squad',
      category: 'bullying',
      severity: 3,
      terms: [
        { term: 'suicide squad', category: 'bullying', severity: 3 },
        { term: 'suicide', category: 'self-harm', severity: 5 },
      ],
    });
    await ingest.submit(device, folded);
    await ingest.submit(device, folded);
    const [row] = await database.db.select().from(alerts).where(eq(alerts.id, folded.payload.id));
    expect(row).toMatchObject({ term: 'suicide', category: 'self-harm', severity: 5, terms: folded.payload.terms });
    expect(told).toEqual([{ kind: 'created', alerts: [expect.objectContaining({ id: folded.payload.id, category: 'self-harm', severity: 5 })] }]);
  });

  it('counts a replayed id as committed but inserts nothing', async () => {
    const ingest = new IngestService({ pool: database.pool, ownerPool: database.ownerPool, log: testLogger() });
    const alert = alertMessage();
    await ingest.submit(device, alert);
    await ingest.submit(device, alert);
    expect(ingest.stats()).toMatchObject({ committedMessages: 2, insertedRows: 1 });
    expect(await database.db.$count(alerts, eq(alerts.id, alert.payload.id))).toBe(1);
  });

  it('a row the database refuses does not hold back the rest of its batch', async () => {
    const ingest = new IngestService({ pool: database.pool, ownerPool: database.ownerPool, log: testLogger(), maxBatchDelayMs: 50 });
    const ghost: IngestDevice = { ...device, id: '01KDXS0000GH0STDEV1CE00000' };
    const good = alertMessage();
    const bad = alertMessage();
    const results = await Promise.allSettled([ingest.submit(device, good), ingest.submit(ghost, bad), ingest.submit(device, activityMessage())]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const failure = results[1];
    expect(failure?.status === 'rejected' && failure.reason instanceof IngestError && failure.reason.code).toBe('ingest-rejected');
    expect(await database.db.$count(alerts, eq(alerts.id, good.payload.id))).toBe(1);
    expect(await database.db.$count(alerts, eq(alerts.id, bad.payload.id))).toBe(0);
  });

  it('rejects with ingest-unavailable (nothing acked) when the database cannot be reached', async () => {
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await pool.end();
    const ingest = new IngestService({ pool, ownerPool: pool, log: testLogger() });
    const outcome = await ingest.submit(device, alertMessage()).then(
      () => 'committed',
      (error: unknown) => (error instanceof IngestError ? error.code : 'other'),
    );
    expect(outcome).toBe('ingest-unavailable');
    expect(ingest.stats().failingSince).toBeTypeOf('number');
  });

  it('drain waits for everything submitted', async () => {
    const ingest = new IngestService({ pool: database.pool, ownerPool: database.ownerPool, log: testLogger(), maxBatchDelayMs: 60_000 });
    const pending = Array.from({ length: 10 }, () => ingest.submit(device, alertMessage()));
    await ingest.drain();
    expect(ingest.stats().committedMessages).toBe(10);
    await Promise.all(pending);
  });
});
