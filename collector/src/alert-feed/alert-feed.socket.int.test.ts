import { alertFeedServerMessageSchema, type AlertFeedServerMessage } from '@vigil/shared/console';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertMessage } from '../agents/testing/test-agent.ts';
import { signInAs, type SignedIn } from '../auth/auth-test-kit.ts';
import { RefusedUpgrade } from '../live/testing/console-client.ts';
import { enrolInto, seedTwoRooms, startLiveApp, type LiveAgent, type LiveTestApp, type TwoRooms } from '../live/testing/live-test-app.ts';
import { SocketWaiters, type SocketClosed } from '../testing/socket-waiters.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';

// WS /console/alerts end to end: real sockets with a session cookie and Origin, alerts
// sent by agents over the real /agent/v1 socket and committed by the real ingest.

type Of<T extends AlertFeedServerMessage['type']> = Extract<AlertFeedServerMessage, { type: T }>;

class FeedClient {
  readonly received: AlertFeedServerMessage[] = [];
  readonly raw: string[] = [];
  #closedWith: SocketClosed | undefined;
  readonly #waiters = new SocketWaiters(
    () => this.#closedWith,
    () => JSON.stringify(this.received.slice(-3)),
  );
  readonly closed: Promise<SocketClosed>;
  #cursor = 0;

  readonly socket: WebSocket;

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.raw.push(text);
      this.received.push(alertFeedServerMessageSchema.parse(JSON.parse(text)));
      this.#waiters.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        this.#closedWith = { code, reason: reason.toString('utf8') };
        resolve(this.#closedWith);
        this.#waiters.wake();
      }),
    );
  }

  static connect(url: string, headers: { cookie?: string; origin?: string }): Promise<FeedClient> {
    const socket = new WebSocket(url, {
      headers: headers.cookie === undefined ? {} : { cookie: headers.cookie },
      ...(headers.origin === undefined ? {} : { origin: headers.origin }),
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new FeedClient(socket)));
      socket.once('unexpected-response', (_request, response) => reject(new RefusedUpgrade(response.statusCode ?? 0, '')));
      socket.once('error', reject);
    });
  }

  next<T extends AlertFeedServerMessage['type']>(type: T, where: (message: Of<T>) => boolean = () => true, timeoutMs = 5_000): Promise<Of<T>> {
    return this.#waiters.waitFor(`a ${type} message`, timeoutMs, () => {
      const index = this.received.findIndex((message, i) => i >= this.#cursor && message.type === type && where(message as Of<T>));
      if (index === -1) return undefined;
      this.#cursor = index + 1;
      return this.received[index] as Of<T>;
    });
  }
}

let database: TestDatabase;
let live: LiveTestApp;
let north: TwoRooms;
let south: TwoRooms;
let northAgent: LiveAgent;
let southAgent: LiveAgent;

const feedUrl = () => live.liveUrl.replace('/console/live', '/console/alerts');
const open = (session: SignedIn, origin = live.origin) => FeedClient.connect(feedUrl(), { cookie: session.headers.cookie, origin });

beforeAll(async () => {
  database = await createTestDatabase();
  live = await startLiveApp(database);
  north = await seedTwoRooms(live.app, 'Northfield');
  south = await seedTwoRooms(live.app, 'Southfield');
  northAgent = await enrolInto(live.app, live.agentUrl, north.siteId, north.roomA, 'north-pc-01');
  southAgent = await enrolInto(live.app, live.agentUrl, south.siteId, south.roomA, 'south-pc-01');
});
afterAll(async () => {
  northAgent.agent.close();
  southAgent.agent.close();
  await live.close();
  await database.drop();
});

async function sendAlert(agent: LiveAgent, overrides: Parameters<typeof alertMessage>[0] = {}): Promise<string> {
  const message = alertMessage(overrides);
  agent.agent.send(message);
  await agent.agent.acked([message.id]);
  return message.payload.id;
}

describe('who may open the triage socket', () => {
  it.each([
    ['anonymous', undefined, 401],
    ['viewer', 'viewer', 403],
    ['teacher', 'teacher', 403],
  ] as const)('%s is refused', async (_who, role, status) => {
    const session = role === undefined ? undefined : await signInAs(live.app, { role });
    const connecting = FeedClient.connect(feedUrl(), { origin: live.origin, ...(session === undefined ? {} : { cookie: session.headers.cookie }) });
    await expect(connecting).rejects.toMatchObject({ status });
  });

  it('refuses another origin before the upgrade', async () => {
    const dsl = await signInAs(live.app, { role: 'dsl' });
    await expect(open(dsl, 'https://evil.example')).rejects.toMatchObject({ status: 403 });
  });

  it('closes with 4400 when the console sends anything', async () => {
    const feed = await open(await signInAs(live.app, { role: 'technician' }));
    await feed.next('hello');
    feed.socket.send(JSON.stringify({ type: 'watch' }));
    expect(await feed.closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^not-accepted/) });
  });
});

describe('what the triage socket tells', () => {
  it('tells a DSL of a new alert in scope within a moment, with facts only, and the badge count', async () => {
    const dsl = await signInAs(live.app, { role: 'dsl' });
    const feed = await open(dsl);
    const hello = await feed.next('hello');
    const started = Date.now();
    const id = await sendAlert(northAgent, {
      term: 'secret term',
      context: 'typed secret context',
      windowTitle: 'Private title',
      app: 'private-app',
      url: 'https://private.example/',
      osUser: 'pupil.secret',
      severity: 5,
      category: 'self-harm',
    });
    const message = await feed.next('alerts', (m) => m.created.some((alert) => alert.id === id));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(message.created.find((alert) => alert.id === id)).toEqual({
      id,
      severity: 5,
      category: 'self-harm',
      categoryLabel: expect.any(String),
      restricted: expect.any(Boolean),
      roomName: 'Room A',
      ts: expect.any(String),
    });
    expect(message.open).toBe(hello.open + 1);
    // Nothing that identifies what was typed or seen, in any field of the raw frame.
    const frame = feed.raw.find((text) => text.includes(id)) ?? '';
    for (const secret of ['secret term', 'typed secret context', 'Private title', 'private-app', 'private.example', 'pupil.secret'])
      expect(frame).not.toContain(secret);
    feed.socket.close();
  });

  it('keeps each site to its own alerts', async () => {
    const northTech = await open(await signInAs(live.app, { role: 'technician', siteId: north.siteId }));
    const southTech = await open(await signInAs(live.app, { role: 'technician', siteId: south.siteId }));
    await Promise.all([northTech.next('hello'), southTech.next('hello')]);
    const northId = await sendAlert(northAgent);
    await northTech.next('alerts', (m) => m.created.some((alert) => alert.id === northId));
    const southId = await sendAlert(southAgent);
    // The south technician's first message names only the south alert: the north one was never sent to them.
    const southMessage = await southTech.next('alerts');
    expect(southMessage.created.map((alert) => alert.id)).toEqual([southId]);
    expect(southTech.raw.join('\n')).not.toContain(northId);
    northTech.socket.close();
    southTech.socket.close();
  });

  it('tells of a triage change, and the badge goes down when an alert is no longer new', async () => {
    const session = await signInAs(live.app, { role: 'dsl' });
    const feed = await open(session);
    await feed.next('hello');
    const id = await sendAlert(northAgent, { severity: 2, category: 'gambling' });
    const created = await feed.next('alerts', (m) => m.created.some((alert) => alert.id === id));
    const response = await live.app.inject({ method: 'POST', url: `/api/alerts/${id}/status`, headers: session.headers, payload: { status: 'in-review' } });
    expect(response.statusCode).toBe(200);
    const changed = await feed.next('alerts', (m) => m.changed.includes(id));
    expect(changed.created).toEqual([]);
    expect(changed.open).toBe(created.open - 1);
    feed.socket.close();
  });
});
