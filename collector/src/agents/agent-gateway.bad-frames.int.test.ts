import type { Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { startGatewayApp, type GatewayTestApp } from './testing/gateway-test-app.ts';
import { TestAgent, type Closed } from './testing/test-agent.ts';

// A client spraying garbage at /agent/v1 before `hello` must not be able to flood the
// log: every socket still gets its coded close, but the log gets one warning per address
// and code, then a count.

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly code?: string;
  readonly count?: number;
  readonly err?: { readonly stack?: string };
}

let database: TestDatabase;
let gateway: GatewayTestApp;
const lines: LogLine[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  // The production level (info), captured: what an operator's log would show.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  gateway = await startGatewayApp({ database: database.database, logger: createLogger('info', sink) });
});
afterAll(async () => {
  await gateway?.close();
  await database.drop();
});

/** `count` connections from 127.0.0.1, `parallel` at a time, each sending `send` first; how each closed. */
async function connections(count: number, send: (agent: TestAgent) => void, parallel = 20): Promise<Closed[]> {
  const closes: Closed[] = [];
  for (let start = 0; start < count; start += parallel) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, count - start) }, async () => {
        const agent = await TestAgent.connect(gateway.agentUrl);
        send(agent);
        return agent.closed;
      }),
    );
    closes.push(...batch);
  }
  return closes;
}

const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]); // {"\xff\xfe"}

describe('bad frames before hello', () => {
  it('200 invalid-UTF-8 connections from one address: each closed 4400 bad-utf8, one warning without stack', async () => {
    const before = lines.length;
    const closes = await connections(200, (agent) => agent.sendRaw(invalidUtf8, false));
    expect(closes).toHaveLength(200);
    for (const closed of closes) expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^bad-utf8/) });

    const written = lines.slice(before);
    expect(written.length, JSON.stringify(written.map((line) => line.msg))).toBeLessThanOrEqual(2);
    expect(written.filter((line) => line.code === 'bad-utf8')).toEqual([
      expect.objectContaining({ level: 40, msg: expect.stringContaining('refused a bad agent frame') }),
    ]);
    expect(written.every((line) => line.level < 50 && line.err?.stack === undefined)).toBe(true);
  });

  it('a different fault from the same address gets its own first warning, and is still closed with its code', async () => {
    const before = lines.length;
    const closes = await connections(50, (agent) => agent.sendRaw('{"v":1,"type":"alert",'));
    for (const closed of closes) expect(closed).toMatchObject({ code: 4400, reason: expect.stringMatching(/^not-json/) });
    const written = lines.slice(before);
    expect(written.map((line) => [line.level, line.code])).toEqual([[40, 'not-json']]);
  });

  it('frames ws itself refuses (a reserved opcode): closed 1002 by ws, one warning without stack, not an error per frame', async () => {
    const before = lines.length;
    const closes = await connections(50, (agent) => {
      // FIN + reserved opcode 0x3, masked, empty: no client library sends this on purpose.
      (agent.socket as unknown as { _socket: Socket })._socket.write(Buffer.from([0x83, 0x80, 0, 0, 0, 0]));
    });
    for (const closed of closes) expect(closed.code).toBe(1002);
    const written = lines.slice(before);
    expect(written.map((line) => [line.level, line.code, line.err?.stack])).toEqual([[40, 'WS_ERR_INVALID_OPCODE', undefined]]);
  });

  it('summarises the repeats when the summaries are due (here: at shutdown), with the count', async () => {
    await gateway.close();
    const summaries = lines.filter((line) => line.count !== undefined).map((line) => [line.code, line.count]);
    expect(summaries).toEqual(
      expect.arrayContaining([
        ['bad-utf8', 199],
        ['not-json', 49],
        ['WS_ERR_INVALID_OPCODE', 49],
      ]),
    );
  });
});
