import { encodeBinary, makeEnvelope } from '@vigil/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { enrolAgent, seedSchool, type EnrolledAgent, type School } from './testing/agent-fixtures.ts';
import { startGatewayApp, type GatewayTestApp } from './testing/gateway-test-app.ts';
import { alertMessage, heartbeatMessage, helloMessage, TestAgent, type Closed } from './testing/test-agent.ts';

let database: TestDatabase;
let school: School;
beforeAll(async () => {
  database = await createTestDatabase();
  school = await seedSchool(database.db);
});
afterAll(() => database.drop());

const screenshotHeader = (sha256 = 'ab'.repeat(32)) => makeEnvelope('screenshot', { sha256, width: 320, height: 180, mime: 'image/jpeg' });

describe('a bad frame closes only its own socket', () => {
  let gateway: GatewayTestApp;
  let bystander: EnrolledAgent;
  beforeAll(async () => {
    gateway = await startGatewayApp({ database: database.database, gateway: { maxBinaryBytes: 64 * 1024 } });
    bystander = await enrolAgent(gateway.agentUrl, school, 'bystander');
  });
  afterAll(async () => {
    bystander.agent.close();
    await gateway.close();
  });

  /** After each bad socket: the bystander still gets its alert committed and /health is ok. */
  async function othersUnaffected(): Promise<void> {
    const alert = alertMessage();
    bystander.agent.send(alert);
    await bystander.agent.acked([alert.id]);
    const health = await fetch(`${gateway.baseUrl}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { status: string }).status).toBe('ok');
  }

  async function authenticated(): Promise<TestAgent> {
    return (await TestAgent.login(gateway.agentUrl, { kind: 'device', deviceId: bystanderTwin.deviceId, secret: bystanderTwin.secret })).agent;
  }
  let bystanderTwin: EnrolledAgent;
  beforeAll(async () => {
    bystanderTwin = await enrolAgent(gateway.agentUrl, school, 'offender');
    bystanderTwin.agent.close();
    await bystanderTwin.agent.closed;
  });

  const cases: Array<{ name: string; authenticate: boolean; send: (agent: TestAgent) => void; expected: (closed: Closed) => void }> = [
    {
      name: 'an oversize text message → 4413 too-large',
      authenticate: true,
      send: (agent) => agent.sendRaw(JSON.stringify({ pad: 'x'.repeat(300 * 1024) })),
      expected: (closed) => expect(closed).toMatchObject({ code: 4413, reason: expect.stringMatching(/^too-large/) }),
    },
    {
      name: 'an oversize binary message → 4413 too-large',
      authenticate: true,
      send: (agent) => agent.sendRaw(encodeBinary(screenshotHeader(), new Uint8Array(100 * 1024))),
      expected: (closed) => expect(closed).toMatchObject({ code: 4413, reason: expect.stringMatching(/^too-large/) }),
    },
    {
      name: 'malformed JSON → 4400 not-json',
      authenticate: true,
      send: (agent) => agent.sendRaw('{"v":1,"type":"alert",'),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^not-json/) }),
    },
    {
      name: 'an unknown message type → 4400 unknown-type',
      authenticate: true,
      send: (agent) => agent.sendRaw(JSON.stringify({ ...heartbeatMessage(), type: 'delete-everything' })),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^unknown-type/) }),
    },
    {
      name: 'a payload that fails its schema → 4400 bad-payload',
      authenticate: true,
      send: (agent) => agent.sendRaw(JSON.stringify(alertMessage({ severity: 9 }))),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^bad-payload: payload\.severity/) }),
    },
    {
      name: 'another protocol version → 4426 bad-version',
      authenticate: false,
      send: (agent) => agent.sendRaw(JSON.stringify({ ...heartbeatMessage(), v: 2 })),
      expected: (closed) => expect(closed).toMatchObject({ code: 4426, reason: expect.stringMatching(/^bad-version/) }),
    },
    {
      name: 'an unauthenticated alert (no hello) → 4400 out-of-order',
      authenticate: false,
      send: (agent) => agent.send(alertMessage()),
      expected: (closed) => expect(closed).toEqual({ code: 4400, reason: 'out-of-order: alert before hello' }),
    },
    {
      name: 'an unauthenticated binary message → 4400 out-of-order',
      authenticate: false,
      send: (agent) => agent.sendBinary(screenshotHeader(), new Uint8Array([1, 2, 3])),
      expected: (closed) => expect(closed).toEqual({ code: 4400, reason: 'out-of-order: screenshot before welcome' }),
    },
    {
      name: 'a second hello after authentication → 4400 out-of-order',
      authenticate: true,
      send: (agent) => agent.send(helloMessage({ kind: 'device', deviceId: bystanderTwin.deviceId, secret: bystanderTwin.secret })),
      expected: (closed) => expect(closed).toEqual({ code: 4400, reason: 'out-of-order: second hello' }),
    },
    {
      name: 'truncated binary → 4400 bad-binary',
      authenticate: true,
      send: (agent) => agent.sendRaw(new Uint8Array([0, 0, 1, 0, 123])),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^bad-binary/) }),
    },
    {
      name: 'a screenshot sent as text → 4400 binary-only',
      authenticate: true,
      send: (agent) => agent.sendRaw(JSON.stringify(screenshotHeader())),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^binary-only/) }),
    },
    {
      name: 'invalid UTF-8 in a binary header → 4400 bad-utf8',
      authenticate: true,
      send: (agent) => agent.sendRaw(new Uint8Array([0, 0, 0, 2, 0xc3, 0x28, 1])),
      expected: (closed) => expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^bad-utf8/) }),
    },
  ];

  for (const testCase of cases) {
    it(`${testCase.name}; the other agent keeps working and /health stays ok`, async () => {
      const agent = testCase.authenticate ? await authenticated() : await TestAgent.connect(gateway.agentUrl);
      testCase.send(agent);
      testCase.expected(await agent.closed);
      await othersUnaffected();
    });
  }
});

describe('per-device message rate', () => {
  let gateway: GatewayTestApp;
  beforeAll(async () => {
    gateway = await startGatewayApp({ database: database.database, gateway: { messageRate: { perSecond: 1, burst: 20 } } });
  });
  afterAll(() => gateway.close());

  it('closes a device that floods past its bucket with 4429, and not another one', async () => {
    const flooder = await enrolAgent(gateway.agentUrl, school, 'flooder');
    const calm = await enrolAgent(gateway.agentUrl, school, 'calm');
    for (let i = 0; i < 50; i++) flooder.agent.send(heartbeatMessage());
    expect(await flooder.agent.closed).toEqual({ code: 4429, reason: 'message-rate' });
    const alert = alertMessage();
    calm.agent.send(alert);
    await calm.agent.acked([alert.id]);
    calm.agent.close();
  });
});
