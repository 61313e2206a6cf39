import { Writable } from 'node:stream';
import { afterAll, beforeAll, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createTestDatabase, type TestDatabase } from '../testing/test-database.ts';
import { startGatewayApp } from './testing/gateway-test-app.ts';
import { TestAgent } from './testing/test-agent.ts';

let database: TestDatabase;
beforeAll(async () => { database = await createTestDatabase(); });
afterAll(() => database.drop());
it('repro', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _e, cb) { lines.push(String(chunk)); cb(); } });
  const gateway = await startGatewayApp({ database: database.database, logger: createLogger('info', sink) });
  for (let i = 0; i < 3; i++) {
    const agent = await TestAgent.connect(gateway.agentUrl);
    agent.socket.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    console.log(await agent.closed);
  }
  await gateway.close();
  console.log(lines.join(''));
});
