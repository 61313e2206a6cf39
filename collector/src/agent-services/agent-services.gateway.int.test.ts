import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { cliActor } from '../audit/actor.ts';
import { enrolAgent, seedSchool, type EnrolledAgent, type School } from '../agents/testing/agent-fixtures.ts';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { smallWordlists, termsHeader } from './testing/agent-services-fixtures.ts';

// The word-list, policy and lock pushes end to end: the real app (buildApp), the real
// gateway, and agents that enrolled over real WebSockets.

describe('agent services through the real gateway', () => {
  let database: TestDatabase;
  let school: School;
  let lists: Awaited<ReturnType<typeof smallWordlists>>;
  let dataDir: string;
  let app: FastifyInstance;
  let agentUrl: string;
  let first: EnrolledAgent;
  let second: EnrolledAgent;

  beforeAll(async () => {
    database = await createTestDatabase();
    school = await seedSchool(database.db);
    lists = await smallWordlists();
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-agent-services-'));
    const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, WORDLISTS_DIR: lists.dir });
    if (!loaded.ok) throw new Error(loaded.message);
    app = await buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir: dataDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    agentUrl = `ws://127.0.0.1:${address.port}/agent/v1`;
    first = await enrolAgent(agentUrl, school, 'ict1-pc01');
    second = await enrolAgent(agentUrl, school, 'ict1-pc02');
    // Enrolment hands out the list in force; the pushes under test come after it.
    for (const agent of [first.agent, second.agent]) expect((await agent.next('wordlist')).payload.version).toBe(app.wordlists.current().version);
  });
  afterAll(async () => {
    first.agent.close();
    second.agent.close();
    await app.close();
    await database.drop();
    await lists.remove();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('a word-list file change reaches every enrolled agent over its socket within 2 s', async () => {
    const changedAt = performance.now();
    await appendFile(join(lists.dir, 'bullying.tsv'), 'numpty\tbullying\t2\tword\n');
    const [one, two] = await Promise.all([first.agent.next('wordlist', 2_000), second.agent.next('wordlist', 2_000)]);
    const latencyMs = Math.round(performance.now() - changedAt);
    app.log.info({ latencyMs }, 'word-list push latency over WebSocket');
    expect(one.payload.terms.map((entry) => entry.term)).toContain('numpty');
    expect(two.payload.version).toBe(one.payload.version);
    expect(one.payload.version).toBe(app.wordlists.current().version);
  });

  it('a broken file reaches no agent, and the fixed file does', async () => {
    const good = app.wordlists.current().version;
    const countWordlists = () => first.agent.received.filter((message) => message.type === 'wordlist').length;
    const before = countWordlists();
    await writeFile(join(lists.dir, 'self-harm.tsv'), `${termsHeader}kms\tself-harm\tfour\tword\n`);
    await vi.waitFor(
      async () => {
        const health = (await app.inject({ method: 'GET', url: '/health' })).json<{ checks: Record<string, { status: string; detail?: string }> }>();
        expect(health.checks.wordlists?.detail).toMatch(/^self-harm\.tsv:2: /);
      },
      { timeout: 5_000, interval: 25 },
    );
    expect(app.wordlists.current().version).toBe(good);
    expect(countWordlists()).toBe(before);

    await writeFile(join(lists.dir, 'self-harm.tsv'), `${termsHeader}kms\tself-harm\t4\tword\nunalive\tself-harm\t4\tword\n`);
    const fixed = await first.agent.next('wordlist', 5_000);
    expect(fixed.payload.terms.map((entry) => entry.term)).toContain('unalive');
    expect(countWordlists()).toBe(before + 1);
  });

  it('a saved policy reaches the agents of that room', async () => {
    const savedAt = performance.now();
    const saved = await app.agentServices.policies.setPolicy('room', school.roomId, { idleLockMinutes: 7 }, cliActor);
    expect(saved.ok).toBe(true);
    const [one, two] = await Promise.all([first.agent.next('policy'), second.agent.next('policy')]);
    app.log.info({ latencyMs: Math.round(performance.now() - savedAt) }, 'policy push latency over WebSocket');
    expect(one.payload.idleLockMinutes).toBe(7);
    expect(two.payload.idleLockMinutes).toBe(7);
  });

  it('a lock reaches only the locked agent', async () => {
    const lockedAt = performance.now();
    const locked = await app.agentServices.locks.lockDevices([second.deviceId], { message: 'Pens down', by: cliActor });
    if (!locked.ok) throw new Error(locked.message);
    const lock = await second.agent.next('lock');
    app.log.info({ latencyMs: Math.round(performance.now() - lockedAt) }, 'lock push latency over WebSocket');
    expect(lock.payload).toMatchObject({ on: true, lockId: locked.lockId, message: 'Pens down' });
    expect(first.agent.received.some((message) => message.type === 'lock')).toBe(false);
  });
});
