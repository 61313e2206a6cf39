import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createEnrolmentToken } from '../../admin/enrolment-tokens.repository.ts';
import { createRoom, createSite } from '../../admin/sites-rooms.repository.ts';
import { TestAgent } from '../../agents/testing/test-agent.ts';
import { buildApp } from '../../app.ts';
import { loadConfig } from '../../config/config.ts';
import type { TestDatabase } from '../../testing/test-database.ts';
import { testLogger } from '../../testing/test-database.ts';

export interface LiveTestApp {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:<port>: also the console's own Origin. */
  readonly origin: string;
  readonly agentUrl: string;
  readonly liveUrl: string;
  close(): Promise<void>;
}

/** The whole collector as `pnpm start` builds it, listening on 127.0.0.1 on a free port. */
export async function startLiveApp(database: TestDatabase): Promise<LiveTestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-live-'));
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: dataDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return {
    app,
    origin: `http://127.0.0.1:${address.port}`,
    agentUrl: `ws://127.0.0.1:${address.port}/agent/v1`,
    liveUrl: `ws://127.0.0.1:${address.port}/console/live`,
    close: async () => {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TwoRooms {
  readonly siteId: string;
  readonly roomA: string;
  readonly roomB: string;
}

/** A site with two rooms (names made unique so several tests can share a database). */
export async function seedTwoRooms(app: FastifyInstance, name = `Academy ${Math.random().toString(36).slice(2, 8)}`): Promise<TwoRooms> {
  const db = app.database.db;
  const site = await createSite(db, name);
  const [roomA, roomB] = [await createRoom(db, site.id, 'Room A'), await createRoom(db, site.id, 'Room B')];
  return { siteId: site.id, roomA: roomA.id, roomB: roomB.id };
}

export interface LiveAgent {
  readonly agent: TestAgent;
  readonly deviceId: string;
}

/** An agent enrolled into `roomId` over the real /agent/v1 socket, still connected. */
export async function enrolInto(
  app: FastifyInstance,
  agentUrl: string,
  siteId: string,
  roomId: string,
  hostname: string,
  capabilities: Array<'live' | 'lock' | 'message' | 'window'> = ['live', 'lock', 'message', 'window'],
): Promise<LiveAgent> {
  const { token } = await createEnrolmentToken(app.database.db, { siteId, roomId, uses: 1, expiresAt: new Date(Date.now() + 3_600_000) });
  const { agent, welcome } = await TestAgent.login(agentUrl, { kind: 'enrol', token }, { hostname, capabilities, previousExit: 'first-run' });
  return { agent, deviceId: welcome.payload.deviceId };
}
