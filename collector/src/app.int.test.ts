import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { loadConfig } from './config/config.ts';
import { AppError } from './errors/app-error.ts';
import { createLogger } from './logging/logger.ts';
import { createTestDatabase, testLogger, type TestDatabase } from './testing/test-database.ts';

const loaded = loadConfig({ LOG_LEVEL: 'silent' });
if (!loaded.ok) throw new Error(loaded.message);
const config = loaded.config;

let database: TestDatabase;
let emptyDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  emptyDir = await mkdtemp(join(tmpdir(), 'vigil-no-console-'));
});
afterAll(async () => {
  await database.drop();
  await rm(emptyDir, { recursive: true, force: true });
});

describe('the one error handler', () => {
  let app: FastifyInstance;
  const logLines: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(JSON.parse(chunk.toString('utf8')));
        done();
      },
    });
    app = await buildApp(config, { database: database.database, logger: createLogger('info', sink), consoleDir: emptyDir });
    // Throwaway routes need an access rule like any other (deny by default, auth/access-rules.ts).
    for (const [method, url] of [
      ['GET', '/test/app-error'],
      ['GET', '/test/crash'],
      ['POST', '/test/echo'],
    ] as const)
      app.routeAccess.allowTestRoute(method, url, 'public');
    app.get('/test/app-error', async () => {
      throw new AppError('device-unknown', 401, 'Unknown device');
    });
    app.get('/test/crash', async () => {
      throw new Error('secret internals: connection string postgres://x:y@z');
    });
    app.post('/test/echo', async (request) => request.body);
  });
  afterAll(() => app.close());

  it('maps an AppError to its status and stable code', async () => {
    const response = await app.inject({ method: 'GET', url: '/test/app-error' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: { code: 'device-unknown', message: 'Unknown device' } });
  });

  it('answers an unknown error with a generic 500 and logs it once with its stack', async () => {
    logLines.length = 0;
    const response = await app.inject({ method: 'GET', url: '/test/crash' });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toEqual({ error: { code: 'internal', message: 'Internal server error' } });
    expect(response.body).not.toContain('secret internals');
    const errors = logLines.filter((line) => line.level === 50);
    expect(errors).toHaveLength(1);
    expect(JSON.stringify(errors[0])).toContain('"stack"');
  });

  it('gives Fastify client errors a stable code', async () => {
    const response = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"broken"' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('bad-request');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/nothing-here?x=1' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not-found', message: 'No route for GET /api/nothing-here' } });
  });
});

describe('the console at /', () => {
  it('shows a "console not built" page when there is no build', async () => {
    const app = await buildApp(config, { database: database.database, logger: testLogger(), consoleDir: emptyDir });
    try {
      const response = await app.inject({ method: 'GET', url: '/' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain('console has not been built');
    } finally {
      await app.close();
    }
  });

  it('serves the built console, falls back to index.html for deep links, and keeps API 404s', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'vigil-console-'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Vigil console</title><div id="root"></div>');
    await writeFile(join(dist, 'app.js'), 'console.log("app")');
    const app = await buildApp(config, { database: database.database, logger: testLogger(), consoleDir: dist });
    try {
      const index = await app.inject({ method: 'GET', url: '/' });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('Vigil console');
      expect((await app.inject({ method: 'GET', url: '/app.js' })).body).toContain('console.log');
      const deepLink = await app.inject({ method: 'GET', url: '/triage/01JXYZ?status=new' });
      expect(deepLink.statusCode).toBe(200);
      expect(deepLink.body).toContain('Vigil console');
      expect((await app.inject({ method: 'GET', url: '/api/unknown' })).json().error.code).toBe('not-found');
      expect((await app.inject({ method: 'GET', url: '/missing.js' })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/health' })).json().status).toBe('ok');
    } finally {
      await app.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
