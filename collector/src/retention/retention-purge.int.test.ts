import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { desc, eq, inArray } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../audit/actor.ts';
import { appendAudit } from '../audit/audit.repository.ts';
import { ensureMonthlyPartitions } from '../db/partitions.ts';
import { activitySpans, alertEvents, alerts, auditLog, idleLockEvents, retentionSettings, screenshots, sessions, users } from '../db/schema/index.ts';
import { DiskBlobStore } from '../evidence/disk-blob-store.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { purgeLockKey, RetentionPurge, type PurgeCounts, type PurgeReport } from './retention-purge.service.ts';
import { saveRetentionDays } from './retention-settings.repository.ts';
import { blobPath, dayMs, insertAlert, insertScreenshot, seedDevice, type SeededDevice } from './testing/retention-fixtures.ts';

// A fixed clock well away from today, so which monthly partitions are "entirely old"
// does not depend on the day the test runs. Defaults apply: activity 30 days, alerts
// 365, false positives 30, screenshots 365, idle/lock 30, sessions 30.
const now = new Date('2031-03-20T12:00:00Z');
const ago = (days: number, extraMs = 0) => new Date(now.getTime() - days * dayMs - extraMs);
const at = (iso: string) => new Date(iso);

let database: TestDatabase;
let dataDir: string;
let blobs: DiskBlobStore;
let device: SeededDevice;
let purge: RetentionPurge;

/** What the seed expects the first run to delete, and what must survive it. */
const gone = { alerts: [] as string[], shots: [] as string[], spans: [] as string[] };
const kept = { alerts: [] as string[], shots: [] as string[], spans: [] as string[] };
let keptSessionIds: string[] = [];

function newPurge(batchSize = 2): RetentionPurge {
  return new RetentionPurge({ database: database.database, blobs, log: testLogger(), now: () => now, batchSize });
}

async function span(startedAt: Date): Promise<string> {
  const id = ulid();
  await database.db
    .insert(activitySpans)
    .values({ id, deviceId: device.deviceId, app: 'firefox', title: 'BBC Bitesize', startedAt, endedAt: new Date(startedAt.getTime() + 60_000) });
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-purge-'));
  blobs = new DiskBlobStore(join(dataDir, 'blobs'));
  device = await seedDevice(database.db);
  const db = database.db;

  // ── activity: a whole old month, rows on both sides of the cutoff, a stray in the default partition
  await ensureMonthlyPartitions(database.ownerPool, at('2030-11-15T00:00:00Z'), 0, 0);
  await ensureMonthlyPartitions(database.ownerPool, now, 1, 0);
  for (const day of ['2030-11-01T00:00:00Z', '2030-11-15T10:00:00Z', '2030-11-30T23:59:59Z']) gone.spans.push(await span(at(day)));
  gone.spans.push(await span(ago(31)), await span(ago(40)), await span(at('1999-01-01T00:00:00Z')));
  kept.spans.push(await span(ago(29)), await span(ago(1)));

  // ── screenshots (blobs on disk) and the alerts that refer to them
  const shot = (storedAt: Date, legalHold = false) => insertScreenshot(db, blobs, device, storedAt, legalHold);
  const onlyOfPurgedAlert = await shot(ago(400));
  const ofHeldAlert = await shot(ago(400));
  const sharedWithKeptAlert = await shot(ago(400));
  const ofFalsePositive = await shot(ago(40));
  const ofRecentlyClosed = await shot(ago(400));
  const oldOrphan = await shot(ago(2));
  const freshOrphan = await shot(ago(0, 60 * 60_000));
  const heldOrphan = await shot(ago(900), true);
  gone.shots.push(onlyOfPurgedAlert, ofFalsePositive, oldOrphan);
  kept.shots.push(ofHeldAlert, sharedWithKeptAlert, ofRecentlyClosed, freshOrphan, heldOrphan);

  const alert = (seed: Parameters<typeof insertAlert>[2]) => insertAlert(db, device, seed);
  gone.alerts.push(
    await alert({ status: 'resolved', receivedAt: ago(400), screenshotSha256: onlyOfPurgedAlert, events: 2 }),
    await alert({ status: 'resolved', receivedAt: ago(366), screenshotSha256: sharedWithKeptAlert, events: 1 }),
    await alert({ status: 'resolved', receivedAt: ago(500) }),
    await alert({ status: 'dismissed', receivedAt: ago(40), screenshotSha256: ofFalsePositive, events: 1 }),
    await alert({ status: 'dismissed', receivedAt: ago(31) }),
  );
  kept.alerts.push(
    await alert({ status: 'resolved', receivedAt: ago(400), legalHold: true, screenshotSha256: ofHeldAlert, events: 1 }),
    await alert({ status: 'dismissed', receivedAt: ago(400), legalHold: true }),
    await alert({ status: 'resolved', receivedAt: ago(100), screenshotSha256: sharedWithKeptAlert }),
    // Received long ago, but only closed recently: the period runs from the closing.
    await alert({ status: 'resolved', receivedAt: ago(400), statusChangedAt: ago(20), screenshotSha256: ofRecentlyClosed }),
    // Open alerts are never purged, however old.
    await alert({ status: 'new', receivedAt: ago(2_000) }),
    await alert({ status: 'in-review', receivedAt: ago(800) }),
    await alert({ status: 'escalated', receivedAt: ago(800) }),
    await alert({ status: 'dismissed', receivedAt: ago(29) }),
  );

  // ── idle / lock transitions
  await db.insert(idleLockEvents).values([
    { id: ulid(), deviceId: device.deviceId, kind: 'idle', at: ago(31) },
    { id: ulid(), deviceId: device.deviceId, kind: 'locked', cause: 'idle-policy', at: ago(45) },
    { id: ulid(), deviceId: device.deviceId, kind: 'active', at: ago(29) },
  ]);

  // ── console sessions: ran out long ago (expired or idle) vs recently vs still live
  const [user] = await db.insert(users).values({ username: 'ms.retention', displayName: 'Ms Retention', role: 'admin' }).returning();
  const session = (id: string, createdAt: Date, expiresAt: Date, lastSeenAt: Date) => ({
    idHash: id,
    userId: user!.id,
    createdAt,
    expiresAt,
    lastSeenAt,
    csrfToken: 'csrf',
  });
  await db
    .insert(sessions)
    .values([
      session('expired-long-ago', ago(45), ago(44.5), ago(44.9)),
      session('idle-long-ago', ago(31, 60 * 60_000), ago(30), ago(31, 60 * 60_000)),
      session('expired-recently', ago(10), ago(9.5), ago(9.9)),
      session('live', ago(0, 60 * 60_000), ago(-0.4), ago(0, 60_000)),
    ]);
  keptSessionIds = ['expired-recently', 'live'];

  // ── an ancient audit entry: the audit log is never purged
  await appendAudit(db, { at: at('2001-01-01T00:00:00Z'), actorLabel: 'old', action: 'auth.login' });

  purge = newPurge();
});
afterAll(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

const ids = (rows: Array<{ id: string }>) => rows.map((row) => row.id).sort();
const partitionNames = async () =>
  (
    await database.pool.query<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'activity_spans'::regclass`,
    )
  ).rows.map((row) => row.name);

describe('the retention purge', () => {
  let first: PurgeReport;
  let auditCountBefore: number;
  beforeAll(async () => {
    auditCountBefore = (await database.db.select().from(auditLog)).length;
    const outcome = await purge.run('manual', systemActor);
    if (!outcome.ran) throw new Error('the purge did not run');
    first = outcome.report;
  });

  it('finishes every class without errors', () => {
    expect(first.errors).toEqual([]);
    expect(first.held).toEqual([]);
    expect(first.purged).toEqual(['activity', 'alerts', 'false-positives', 'screenshots', 'idle-lock-events', 'sessions', 'pupil-leavers']);
    expect(first.cutoffs.activity).toBe(ago(30).toISOString());
    expect(first.cutoffs.alerts).toBe(ago(365).toISOString());
  });

  it('drops a month of activity that is entirely past the period, and deletes older rows from the rest', async () => {
    const names = await partitionNames();
    expect(names).not.toContain('activity_spans_p203011');
    // …and makes the coming months' partitions, so ingest never lands in the default one.
    expect(names).toEqual(
      expect.arrayContaining([
        'activity_spans_p203102',
        'activity_spans_p203103',
        'activity_spans_p203104',
        'activity_spans_p203105',
        'activity_spans_default',
      ]),
    );
    expect(first.deleted.activityPartitions).toBeGreaterThanOrEqual(1);
    const left = await database.db.select({ id: activitySpans.id }).from(activitySpans);
    expect(ids(left)).toEqual([...kept.spans].sort());
    expect(first.deleted.activitySpans).toBe(gone.spans.length);
  });

  it('deletes resolved and dismissed alerts past their periods, with their history, and nothing else', async () => {
    const left = await database.db.select({ id: alerts.id }).from(alerts);
    expect(ids(left)).toEqual([...kept.alerts].sort());
    expect(first.deleted.alerts).toBe(3);
    expect(first.deleted.falsePositives).toBe(2);
    expect(first.deleted.alertEvents).toBe(4);
    const orphanEvents = await database.db.select().from(alertEvents).where(inArray(alertEvents.alertId, gone.alerts));
    expect(orphanEvents).toEqual([]);
    const keptEvents = await database.db.select().from(alertEvents);
    expect(keptEvents).toHaveLength(1);
  });

  it('never deletes an alert under legal hold', async () => {
    const held = await database.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.legalHold, true));
    expect(held).toHaveLength(2);
  });

  it('deletes screenshots no alert needs any more, row and file, and keeps shared, held and fresh ones', async () => {
    const left = await database.db.select({ sha256: screenshots.sha256 }).from(screenshots);
    expect(left.map((row) => row.sha256).sort()).toEqual([...kept.shots].sort());
    for (const sha256 of gone.shots) expect(existsSync(blobPath(dataDir, sha256)), `blob ${sha256} should be gone`).toBe(false);
    for (const sha256 of kept.shots) expect(existsSync(blobPath(dataDir, sha256)), `blob ${sha256} should be kept`).toBe(true);
    expect(first.deleted.screenshots).toBe(3);
    expect(first.deleted.blobs).toBe(3);
  });

  it('deletes idle / lock transitions past the period', async () => {
    const left = await database.db.select({ kind: idleLockEvents.kind }).from(idleLockEvents);
    expect(left.map((row) => row.kind)).toEqual(['active']);
    expect(first.deleted.idleLockEvents).toBe(2);
  });

  it('deletes sessions that ran out before the period, never a live one', async () => {
    const left = await database.db.select({ idHash: sessions.idHash }).from(sessions);
    expect(left.map((row) => row.idHash).sort()).toEqual([...keptSessionIds].sort());
    expect(first.deleted.sessions).toBe(2);
  });

  it('leaves the audit log alone and adds one retention.purge entry with the counts', async () => {
    const entries = await database.db.select().from(auditLog);
    expect(entries).toHaveLength(auditCountBefore + 1);
    expect(entries.some((entry) => entry.action === 'auth.login' && entry.actorLabel === 'old')).toBe(true);
    const [purgeEntry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'retention.purge')).orderBy(desc(auditLog.id)).limit(1);
    expect(purgeEntry).toMatchObject({ actorLabel: 'system', actorUserId: null, targetType: 'retention', targetId: 'purge' });
    expect(purgeEntry?.detail).toMatchObject({ trigger: 'manual', deleted: first.deleted, purged: first.purged, errors: [] });
  });

  it('deletes nothing on a second run', async () => {
    const outcome = await newPurge(5_000).run('schedule', systemActor);
    if (!outcome.ran) throw new Error('the purge did not run');
    const zero: PurgeCounts = {
      activitySpans: 0,
      activityPartitions: 0,
      alerts: 0,
      falsePositives: 0,
      alertEvents: 0,
      screenshots: 0,
      blobs: 0,
      idleLockEvents: 0,
      sessions: 0,
      pupilLeavers: 0,
    };
    expect(outcome.report.deleted).toEqual(zero);
    expect(outcome.report.errors).toEqual([]);
    const purges = await database.db.select().from(auditLog).where(eq(auditLog.action, 'retention.purge'));
    expect(purges).toHaveLength(2);
  });

  it('drops the image of a closed alert once the screenshots period is shorter than the alert one, keeping the alert', async () => {
    await saveRetentionDays(database.db, [{ dataClass: 'screenshots', days: 30 }], null, now);
    const outcome = await newPurge().run('manual', systemActor);
    if (!outcome.ran) throw new Error('the purge did not run');
    // Closed 100 days ago: its alert stays (365 days) but the image goes.
    const [sharedWithKeptAlert, ofRecentlyClosed] = [kept.shots[1]!, kept.shots[2]!];
    expect(outcome.report.deleted).toMatchObject({ screenshots: 1, blobs: 1, alerts: 0 });
    expect(existsSync(blobPath(dataDir, sharedWithKeptAlert))).toBe(false);
    expect(existsSync(blobPath(dataDir, ofRecentlyClosed))).toBe(true);
    const stillReferring = await database.db.select({ id: alerts.id }).from(alerts).where(eq(alerts.screenshotSha256, sharedWithKeptAlert));
    expect(stillReferring).toHaveLength(1);
    // Held, open and recently closed alerts' images all stay.
    const left = await database.db.select({ sha256: screenshots.sha256 }).from(screenshots);
    expect(left.map((row) => row.sha256).sort()).toEqual(kept.shots.filter((sha256) => sha256 !== sharedWithKeptAlert).sort());
    await database.db.delete(retentionSettings).where(eq(retentionSettings.dataClass, 'screenshots'));
  });

  it('skips a class under a class-wide legal hold and says so', async () => {
    const doomed = await insertAlert(database.db, device, { status: 'dismissed', receivedAt: ago(60) });
    await database.db.insert(retentionSettings).values({ dataClass: 'false-positives', days: 30, legalHold: true });
    const outcome = await newPurge().run('manual', systemActor);
    if (!outcome.ran) throw new Error('the purge did not run');
    expect(outcome.report.held).toEqual(['false-positives']);
    expect(outcome.report.purged).not.toContain('false-positives');
    expect(await database.db.select().from(alerts).where(eq(alerts.id, doomed))).toHaveLength(1);
    await database.db.update(retentionSettings).set({ legalHold: false }).where(eq(retentionSettings.dataClass, 'false-positives'));
    const released = await newPurge().run('manual', systemActor);
    expect(released.ran && released.report.deleted.falsePositives).toBe(1);
  });

  it('a purge of a brand-new alert with the same image as a purged one leaves the image to the new alert', async () => {
    const reused = await insertScreenshot(database.db, blobs, device, ago(500));
    const old = await insertAlert(database.db, device, { status: 'resolved', receivedAt: ago(500), screenshotSha256: reused });
    const fresh = await insertAlert(database.db, device, { status: 'new', receivedAt: ago(0), screenshotSha256: reused });
    const outcome = await newPurge().run('manual', systemActor);
    expect(outcome.ran && outcome.report.deleted.alerts).toBe(1);
    expect(
      await database.db
        .select()
        .from(alerts)
        .where(inArray(alerts.id, [old, fresh])),
    ).toHaveLength(1);
    expect(existsSync(blobPath(dataDir, reused))).toBe(true);
  });
});

describe('only one purge at a time', () => {
  it('answers busy while a run is going in this collector', async () => {
    const runner = newPurge();
    const [a, b] = await Promise.all([runner.run('manual', systemActor), runner.run('manual', systemActor)]);
    expect([a.ran, b.ran].sort()).toEqual([false, true]);
  });

  it('answers busy while another collector holds the purge lock', async () => {
    const other = await database.pool.connect();
    try {
      await other.query('select pg_advisory_lock($1)', [purgeLockKey]);
      const outcome = await newPurge().run('schedule', systemActor);
      expect(outcome).toEqual({ ran: false, reason: 'busy' });
    } finally {
      await other.query('select pg_advisory_unlock($1)', [purgeLockKey]);
      other.release();
    }
    const after = await newPurge().run('schedule', systemActor);
    expect(after.ran).toBe(true);
  });
});

describe('when something fails', () => {
  it('reports a blob it could not delete, keeps going, and still audits the run', async () => {
    const sha256 = await insertScreenshot(database.db, blobs, device, ago(3));
    const failing = new RetentionPurge({
      database: database.database,
      blobs: new (class extends DiskBlobStore {
        override async delete(): Promise<boolean> {
          throw new Error('disk on fire');
        }
      })(blobs.root),
      log: testLogger(),
      now: () => now,
    });
    const outcome = await failing.run('manual', systemActor);
    if (!outcome.ran) throw new Error('the purge did not run');
    expect(outcome.report.deleted.screenshots).toBe(1);
    expect(outcome.report.errors).toEqual([`screenshots: could not delete blob ${sha256}: disk on fire`]);
    expect(outcome.report.purged).not.toContain('screenshots');
    expect(outcome.report.purged).toContain('sessions');
    const [entry] = await database.db.select().from(auditLog).where(eq(auditLog.action, 'retention.purge')).orderBy(desc(auditLog.id)).limit(1);
    expect(entry?.detail).toMatchObject({ errors: outcome.report.errors });
    expect(failing.lastReport?.errors).toHaveLength(1);
    await blobs.delete(sha256);
  });

  it('empties a month it cannot lock in time row by row, and drops it on a later run', async () => {
    await ensureMonthlyPartitions(database.ownerPool, at('2030-09-10T00:00:00Z'), 0, 0);
    await span(at('2030-09-10T08:00:00Z'));
    await span(at('2030-09-11T08:00:00Z'));
    const reader = await database.pool.connect();
    let outcome: Awaited<ReturnType<RetentionPurge['run']>>;
    try {
      // A long report holding activity_spans: DETACH must wait for it, and gives up.
      await reader.query('begin');
      await reader.query('lock table activity_spans in access share mode');
      const impatient = new RetentionPurge({ database: database.database, blobs, log: testLogger(), now: () => now, partitionLockTimeoutMs: 100 });
      outcome = await impatient.run('schedule', systemActor);
    } finally {
      await reader.query('rollback');
      reader.release();
    }
    if (!outcome.ran) throw new Error('the purge did not run');
    expect(outcome.report.errors).toEqual([expect.stringMatching(/^activity: could not drop activity_spans_p203009: .*lock timeout/)]);
    expect(outcome.report.deleted).toMatchObject({ activitySpans: 2, activityPartitions: 0 });
    expect(outcome.report.purged).not.toContain('activity');
    expect(await partitionNames()).toContain('activity_spans_p203009');

    const later = await newPurge().run('schedule', systemActor);
    expect(later.ran && later.report.deleted).toMatchObject({ activitySpans: 0, activityPartitions: 1 });
    expect(await partitionNames()).not.toContain('activity_spans_p203009');
  });

  it('throws (and remembers the failure) when the database is unreachable', async () => {
    const broken = await createTestDatabase();
    await broken.drop();
    const failing = new RetentionPurge({ database: broken.database, blobs, log: testLogger(), now: () => now });
    await expect(failing.run('schedule', systemActor)).rejects.toThrow();
    expect(failing.lastFailure?.message).toBeTruthy();
    expect(failing.running).toBe(false);
  });
});
