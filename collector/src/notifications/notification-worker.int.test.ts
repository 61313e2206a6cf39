// The outbox worker on real PostgreSQL against a real HTTP server: bounded concurrency,
// giving up after the last attempt (and recording why), and a removed webhook.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdminContext } from '../admin/admin-context.ts';
import { seedEstate, type Estate } from '../agent-services/testing/agent-services-fixtures.ts';
import { secretBoxFor } from '../auth/secret-box.ts';
import { alerts, notificationOutbox } from '../db/schema/index.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { CategoryCatalog } from '../triage/category-catalog.ts';
import { channelStatuses, healthOf } from './channel-health.ts';
import { routeAlerts } from './notification-outbox.repository.ts';
import { NotificationSettings } from './notification-settings.service.ts';
import { NotificationWorker } from './notification-worker.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from './testing/index.ts';

let database: TestDatabase;
let estate: Estate;
let dataDir: string;
let settings: NotificationSettings;
let receiver: TestWebhookReceiver;

const catalog = new CategoryCatalog({ version: 'test', categories: [{ id: 'bullying', label: 'Bullying', severity: 3, restricted: false }] });
const context = (): AdminContext => ({
  db: database.db,
  user: { id: 'admin', username: 'admin', displayName: 'Admin', role: 'admin', siteId: null, totpEnrolled: true },
  actor: { userId: null, label: 'test' },
  ip: '127.0.0.1',
  now: new Date(),
});

function worker(options: { concurrency?: number; maxAttempts?: number } = {}): NotificationWorker {
  return new NotificationWorker({
    pool: database.pool,
    settings,
    catalog: () => catalog,
    consoleUrl: 'https://vigil.test',
    log: testLogger(),
    concurrency: options.concurrency ?? 2,
    retry: { baseMs: 2, capMs: 4, maxAttempts: options.maxAttempts ?? 3 },
  });
}

async function alertsOnA1(count: number): Promise<string[]> {
  const rows = await database.db
    .insert(alerts)
    .values(
      Array.from({ length: count }, (_, i) => ({
        id: `01WORKERTEST${String(Date.now()).slice(-8)}${String(i).padStart(4, '0')}`,
        deviceId: estate.device.a1,
        siteId: estate.siteId,
        roomId: estate.roomA,
        ts: new Date(),
        source: 'typed' as const,
        term: 'x',
        category: 'bullying',
        severity: 4,
      })),
    )
    .returning({ id: alerts.id });
  return rows.map((row) => row.id);
}

beforeAll(async () => {
  database = await createTestDatabase();
  estate = await seedEstate(database.db);
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-notify-'));
  settings = new NotificationSettings({ db: database.db, secretBox: secretBoxFor(dataDir, undefined) });
  receiver = await startWebhookReceiver((_index, path) => (path === '/down' ? 503 : 200));
});

afterAll(async () => {
  await receiver?.close();
  await database?.drop();
  if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
});

describe('the notification worker', () => {
  it('sends at most `concurrency` messages at once and marks each sent', async () => {
    const slow = await startWebhookReceiver(() => 200, { delayMs: 40 });
    try {
      const hook = await settings.createWebhook(context(), { name: 'Slow', kind: 'slack', url: `${slow.baseUrl}/ok`, enabled: true, minSeverity: 1 });
      const ids = await alertsOnA1(8);
      await routeAlerts(
        database.pool,
        ids.map((alertId) => ({ alertId, deliveries: [{ reason: 'rule', channel: 'webhook', target: hook.id }] })),
      );
      await worker({ concurrency: 2 }).drain();
      expect(slow.received).toHaveLength(8);
      expect(slow.maxConcurrent()).toBe(2);
      const states = await database.db.select({ state: notificationOutbox.state }).from(notificationOutbox).where(eq(notificationOutbox.target, hook.id));
      expect(states.map((row) => row.state)).toEqual(Array(8).fill('sent'));
    } finally {
      await slow.close();
    }
  });

  it('retries with backoff, then gives up after the last attempt and records why; /health says so', async () => {
    const hook = await settings.createWebhook(context(), {
      name: 'Down',
      kind: 'generic',
      url: `${receiver.baseUrl}/down`,
      secret: 'a-signing-secret-for-the-down-hook',
      enabled: true,
      minSeverity: 1,
    });
    const [alertId] = await alertsOnA1(1);
    if (alertId === undefined) throw new Error('no alert');
    await routeAlerts(database.pool, [{ alertId, deliveries: [{ reason: 'rule', channel: 'webhook', target: hook.id }] }]);
    const sender = worker({ maxAttempts: 3 });
    const row = async () => (await database.db.select().from(notificationOutbox).where(eq(notificationOutbox.alertId, alertId)))[0];
    // Each drain sends what is due; the 2–4 ms backoff makes the next attempt due shortly after.
    await vi.waitFor(
      async () => {
        await sender.drain();
        expect((await row())?.state).toBe('failed');
      },
      { timeout: 10_000, interval: 10 },
    );
    expect(await row()).toMatchObject({ state: 'failed', attempts: 3, lastError: expect.stringMatching(/^HTTP 503 from 127\.0\.0\.1:\d+$/) });
    expect(receiver.received.filter((one) => one.path === '/down')).toHaveLength(3);
    const health = healthOf(await channelStatuses(database.db, database.pool, new Date()));
    expect(health.status).toBe('degraded');
    expect(health.detail).toMatch(/webhook "Down" failing since .+ \(0 queued\): HTTP 503/);
  });

  it('gives up at once on a message for a removed webhook', async () => {
    const hook = await settings.createWebhook(context(), { name: 'Gone', kind: 'teams', url: `${receiver.baseUrl}/gone`, enabled: true, minSeverity: 1 });
    const [alertId] = await alertsOnA1(1);
    if (alertId === undefined) throw new Error('no alert');
    await routeAlerts(database.pool, [{ alertId, deliveries: [{ reason: 'rule', channel: 'webhook', target: hook.id }] }]);
    await settings.deleteWebhook(context(), hook.id);
    await worker().drain();
    const [row] = await database.db.select().from(notificationOutbox).where(eq(notificationOutbox.alertId, alertId));
    expect(row).toMatchObject({ state: 'failed', attempts: 1, lastError: 'the webhook was removed' });
  });
});
