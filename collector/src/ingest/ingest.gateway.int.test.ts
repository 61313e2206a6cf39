import { makeEnvelope } from '@vigil/shared';
import { eq, inArray, sql } from 'drizzle-orm';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrolAgent, seedSchool, type EnrolledAgent, type School } from '../agents/testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from '../agents/testing/gateway-test-app.ts';
import { activityMessage, alertMessage } from '../agents/testing/test-agent.ts';
import { activitySpans, alerts, idleLockEvents } from '../db/schema/index.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

let database: TestDatabase;
let school: School;
let gateway: GatewayTestApp;
let agent: EnrolledAgent;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
  gateway = await startGatewayApp({ database: database.database });
  agent = await enrolAgent(gateway.agentUrl, school, 'ingest-1');
});
afterAll(async () => {
  agent.agent.close();
  await gateway.close();
  await database.drop();
});

const alertCount = (id: string) => database.db.$count(alerts, eq(alerts.id, id));

describe('ingest over the agent socket', () => {
  it('ingest ignores a replayed alert id (one row) but acks it again', async () => {
    const alert = alertMessage();
    agent.agent.send(alert);
    await agent.agent.acked([alert.id]);
    const acksBefore = agent.agent.received.filter((message) => message.type === 'ack').length;
    agent.agent.send(alert);
    // The same envelope again, and the same alert under a new envelope (an outbox re-send).
    const resent = makeEnvelope('alert', alert.payload);
    agent.agent.send(resent);
    await agent.agent.acked([resent.id]);
    expect(agent.agent.received.filter((message) => message.type === 'ack').length).toBeGreaterThan(acksBefore);
    expect(await alertCount(alert.payload.id)).toBe(1);
  });

  it('acks only after the row is committed: the row is there when the ack arrives', async () => {
    for (let i = 0; i < 5; i++) {
      const alert = alertMessage();
      const seen = agent.agent.ackOf(alert.id, () => alertCount(alert.payload.id));
      agent.agent.send(alert);
      expect(await seen).toBe(1);
    }
  });

  it('an agent cannot write as another device: rows carry the socket’s device whatever the payload says', async () => {
    const other = await enrolAgent(gateway.agentUrl, school, 'victim');
    const alert = alertMessage();
    // Extra fields naming the other device, in the payload and the envelope: dropped by the decoder.
    agent.agent.sendRaw(
      JSON.stringify({ ...alert, deviceId: other.deviceId, payload: { ...alert.payload, deviceId: other.deviceId, device_id: other.deviceId } }),
    );
    await agent.agent.acked([alert.id]);
    const [row] = await database.db.select().from(alerts).where(eq(alerts.id, alert.payload.id));
    expect(row).toMatchObject({ deviceId: agent.deviceId, siteId: school.siteId, roomId: school.roomId });
    expect(await database.db.$count(alerts, eq(alerts.deviceId, other.deviceId))).toBe(0);
    other.agent.close();
  });

  it('writes alert rows as new, with the screenshot sha256 when one was taken', async () => {
    const sha256 = 'c0'.repeat(32);
    const alert = alertMessage({ url: 'https://example.org/x', screenshot: { sha256, width: 320, height: 180, mime: 'image/jpeg', bytes: 6_000 } });
    agent.agent.send(alert);
    await agent.agent.acked([alert.id]);
    const [row] = await database.db.select().from(alerts).where(eq(alerts.id, alert.payload.id));
    expect(row).toMatchObject({
      status: 'new',
      screenshotSha256: sha256,
      term: alert.payload.term,
      category: 'self-harm',
      severity: 4,
      url: 'https://example.org/x',
      osUser: 'pupil.jones',
      ts: new Date(alert.payload.ts),
    });
  });

  it('writes activity into the month partition, creating an older month’s partition when needed', async () => {
    const now = activityMessage();
    const start = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() - 7, 15);
    const old = activityMessage({ start, end: start + 30_000 });
    agent.agent.send(now);
    agent.agent.send(old);
    await agent.agent.acked([now.id, old.id]);
    const partitions = await database.pool.query<{ id: string; part: string }>(
      `select id, tableoid::regclass::text as part from activity_spans where id = any($1)`,
      [[now.payload.id, old.payload.id]],
    );
    const month = (ms: number) => new Date(ms).toISOString().slice(0, 7).replace('-', '');
    expect(Object.fromEntries(partitions.rows.map((row) => [row.id, row.part]))).toEqual({
      [now.payload.id]: `activity_spans_p${month(now.payload.start)}`,
      [old.payload.id]: `activity_spans_p${month(start)}`,
    });
    const [row] = await database.db.select().from(activitySpans).where(eq(activitySpans.id, now.payload.id));
    expect(row).toMatchObject({ deviceId: agent.deviceId, app: 'firefox', startedAt: new Date(now.payload.start), endedAt: new Date(now.payload.end) });
  });

  it('writes idle and lock state changes', async () => {
    const at = Date.now();
    const idle = makeEnvelope('idle-state', { id: ulid(), idle: true, at, idleSeconds: 300 });
    const locked = makeEnvelope('lock-state', { id: ulid(), locked: true, reason: 'idle', at: at + 1 });
    agent.agent.send(idle);
    agent.agent.send(locked);
    await agent.agent.acked([idle.id, locked.id]);
    const rows = await database.db
      .select({ kind: idleLockEvents.kind, cause: idleLockEvents.cause, deviceId: idleLockEvents.deviceId, osUser: idleLockEvents.osUser })
      .from(idleLockEvents)
      .where(sql`${idleLockEvents.id} in (${idle.payload.id}, ${locked.payload.id})`)
      .orderBy(idleLockEvents.at);
    expect(rows).toEqual([
      { kind: 'idle', cause: null, deviceId: agent.deviceId, osUser: 'pupil.jones' },
      { kind: 'locked', cause: 'idle', deviceId: agent.deviceId, osUser: 'pupil.jones' },
    ]);
  });

  it('batches: 800 alerts sent at once (within the burst) are all committed and acked in far fewer ack messages', async () => {
    const before = agent.agent.received.length;
    const batch = Array.from({ length: 800 }, () => alertMessage());
    for (const alert of batch) agent.agent.send(alert);
    await agent.agent.acked(
      batch.map((alert) => alert.id),
      15_000,
    );
    const acks = agent.agent.received.slice(before).filter((message) => message.type === 'ack');
    expect(acks.length).toBeLessThan(100);
    const ids = batch.map((alert) => alert.payload.id);
    expect(await database.db.$count(alerts, inArray(alerts.id, ids))).toBe(800);
  });
});

describe('records the collector refuses for good', () => {
  it('names the refused message in the error (refId), so the agent can drop it instead of re-sending it forever', async () => {
    const doomed = await enrolAgent(gateway.agentUrl, school, 'refused-1');
    // The device row goes away under a live socket: every row it writes now breaks a foreign key (23503).
    await database.pool.query('delete from devices where id = $1', [doomed.deviceId]);
    const alert = alertMessage();
    doomed.agent.send(alert);
    const error = await doomed.agent.next('error');
    expect(error.payload).toMatchObject({ code: 'ingest-rejected', refId: alert.id });
    expect(doomed.agent.received.some((message) => message.type === 'ack' && message.payload.ids.includes(alert.id))).toBe(false);
    doomed.agent.close();
  });
});
