import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { ensureMonthlyPartitions } from './partitions.ts';
import { activitySpans, devices, sites } from './schema/index.ts';

function monthSuffix(date: Date): string {
  return `${date.getUTCFullYear()}${String(date.getUTCMonth() + 1).padStart(2, '0')}`;
}

describe('activity_spans is partitioned by month', () => {
  let database: TestDatabase;
  let deviceId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const [site] = await database.db.insert(sites).values({ name: 'Partition Academy' }).returning();
    const [device] = await database.db
      .insert(devices)
      .values({ siteId: site!.id, hostname: 'ICT-01', os: 'linux', secretHash: 'x'.repeat(64) })
      .returning();
    deviceId = device!.id;
  });
  afterAll(() => database.drop());

  async function partitionOf(id: string): Promise<string | undefined> {
    const result = await database.pool.query<{ part: string }>(`select tableoid::regclass::text as part from activity_spans where id = $1`, [id]);
    return result.rows[0]?.part;
  }

  const span = (id: string, startedAt: Date) => ({
    id,
    deviceId,
    app: 'firefox',
    title: 'BBC Bitesize',
    startedAt,
    endedAt: new Date(startedAt.getTime() + 60_000),
  });

  it('start-up leaves partitions for last month to two months ahead', async () => {
    const now = new Date();
    const names = await ensureMonthlyPartitions(database.ownerPool, now);
    expect(names).toHaveLength(4);
    expect(names).toContain(`activity_spans_p${monthSuffix(now)}`);
    expect(await ensureMonthlyPartitions(database.ownerPool, now)).toEqual(names);
  });

  it("routes a span into its month's partition, keyed by (id, started_at) so a replay is ignored", async () => {
    const now = new Date();
    await database.db.insert(activitySpans).values(span('01SPANNOW0000000000000000', now));
    const replay = await database.db.insert(activitySpans).values(span('01SPANNOW0000000000000000', now)).onConflictDoNothing();
    expect(replay.rowCount).toBe(0);
    expect(await partitionOf('01SPANNOW0000000000000000')).toBe(`activity_spans_p${monthSuffix(now)}`);
  });

  it('keeps a span from a wildly wrong clock in the default partition, and moves it out when its month is created', async () => {
    const future = new Date(Date.UTC(2099, 4, 17, 10, 0));
    await database.db.insert(activitySpans).values(span('01SPANFUTURE00000000000000', future));
    expect(await partitionOf('01SPANFUTURE00000000000000')).toBe('activity_spans_default');

    await ensureMonthlyPartitions(database.ownerPool, future, 0, 0);
    expect(await partitionOf('01SPANFUTURE00000000000000')).toBe('activity_spans_p209905');
    const total = await database.db.execute(sql`select count(*)::int as n from activity_spans`);
    expect(total.rows[0]).toEqual({ n: 2 });
  });

  it('uses UTC month boundaries', async () => {
    const lastInstantOfMay = new Date(Date.UTC(2099, 4, 31, 23, 59, 59, 999));
    const firstInstantOfJune = new Date(Date.UTC(2099, 5, 1, 0, 0, 0, 0));
    await ensureMonthlyPartitions(database.ownerPool, firstInstantOfJune, 0, 0);
    await database.db.insert(activitySpans).values([span('01SPANMAYEND0000000000000', lastInstantOfMay), span('01SPANJUNE00000000000000', firstInstantOfJune)]);
    expect(await partitionOf('01SPANMAYEND0000000000000')).toBe('activity_spans_p209905');
    expect(await partitionOf('01SPANJUNE00000000000000')).toBe('activity_spans_p209906');
  });
});
