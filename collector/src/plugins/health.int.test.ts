import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig, type CollectorConfig } from '../config/config.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';
import { collectorVersion } from '../version.ts';

function testConfig(): CollectorConfig {
  const result = loadConfig({ LOG_LEVEL: 'silent' });
  if (!result.ok) throw new Error(result.message);
  return result.config;
}

describe('GET /health', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  beforeEach(async () => {
    database = await createTestDatabase();
    app = await buildApp(testConfig(), { database: database.database, logger: testLogger() });
  });
  afterEach(async () => {
    await app.close();
    await database.drop();
  });

  it('says ok with the database up', async () => {
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body).toMatchObject({ status: 'ok', database: 'ok', version: collectorVersion });
    expect(Number.isInteger(body.uptimeSeconds)).toBe(true);
    // Feature plugins (word lists, agent control channel) report here; all fine on a fresh app.
    for (const check of Object.values(body.checks ?? {})) expect(check).toMatchObject({ status: 'ok' });
  });

  it('answers 503 with database down once the pool is ended', async () => {
    await database.pool.end();
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ status: 'down', database: 'down' });
  });

  it('includes feature checks: degraded stays 200, down is 503', async () => {
    let wordlists: 'ok' | 'degraded' | 'down' = 'degraded';
    app.health.register('example', () => ({ status: wordlists, detail: 'bad file: wordlists/drugs.tsv line 3' }));
    const degraded = await app.inject({ method: 'GET', url: '/health' });
    expect(degraded.statusCode).toBe(200);
    expect(degraded.json()).toMatchObject({
      status: 'degraded',
      database: 'ok',
      checks: { example: { status: 'degraded', detail: 'bad file: wordlists/drugs.tsv line 3' } },
    });
    wordlists = 'down';
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(503);
  });

  it('counts a throwing feature check as down', async () => {
    app.health.register('blobs', () => {
      throw new Error('disk gone');
    });
    const response = await app.inject({ method: 'GET', url: '/health' });
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toMatchObject({ blobs: { status: 'down', detail: 'disk gone' } });
  });
});
