import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { loadConfig } from '../config/config.ts';
import { createTestDatabase, testLogger, type TestDatabase } from '../testing/test-database.ts';

let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-headers-'));
});
afterAll(async () => {
  await database.drop();
  await rm(dataDir, { recursive: true, force: true });
});

async function appWithConsole(consoleDir: string, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const loaded = loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env });
  if (!loaded.ok) throw new Error(loaded.message);
  return buildApp(loaded.config, { database: database.database, logger: testLogger(), consoleDir });
}

function directives(header: string | string[] | number | undefined): Map<string, string> {
  if (typeof header !== 'string') throw new Error(`no CSP header (got ${JSON.stringify(header)})`);
  return new Map(
    header.split(';').map((part) => {
      const [name = '', ...values] = part.trim().split(/\s+/);
      return [name, values.join(' ')] as const;
    }),
  );
}

describe('security headers', () => {
  it('the built console at / gets the strict CSP, with no inline script allowed', async () => {
    const consoleDir = join(dataDir, 'console');
    await mkdir(join(consoleDir, 'assets'), { recursive: true });
    await writeFile(join(consoleDir, 'index.html'), '<!doctype html><title>Vigil console</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(join(consoleDir, 'assets', 'app.js'), 'export {};');
    const app = await appWithConsole(consoleDir);
    try {
      for (const url of ['/', '/triage/01JAAAAAAAAAAAAAAAAAAAAAAA', '/assets/app.js']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.statusCode, url).toBe(200);
        const csp = directives(response.headers['content-security-policy']);
        expect(Object.fromEntries(csp)).toEqual({
          'default-src': "'self'",
          'script-src': "'self'",
          'style-src': "'self'",
          'object-src': "'none'",
          'base-uri': "'self'",
          'form-action': "'self'",
          'frame-ancestors': "'none'",
          'img-src': "'self' blob: data:",
          // No ws:/wss: to any host: 'self' covers the live socket to this origin (CSP3).
          'connect-src': "'self'",
        });
        expect(response.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval/);
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toBe('DENY');
        expect(response.headers['referrer-policy']).toBe('no-referrer');
      }
    } finally {
      await app.close();
    }
  });

  it('also covers the unbuilt placeholder page, the API (even its refusals) and /health', async () => {
    const app = await appWithConsole(join(dataDir, 'not-built'));
    try {
      for (const url of ['/', '/api/auth/me', '/health', '/api/no-such-thing']) {
        const response = await app.inject({ method: 'GET', url });
        expect(response.headers['content-security-policy'], url).toContain("script-src 'self'");
        expect(response.headers['content-security-policy'], url).toContain("frame-ancestors 'none'");
      }
    } finally {
      await app.close();
    }
  });

  it('lets the console connect only to its own origin, and to PUBLIC_URL as a socket when that is set', async () => {
    for (const [publicUrl, connect] of [
      ['https://vigil.school.example', "'self' wss://vigil.school.example"],
      ['http://10.0.0.5:8080/', "'self' ws://10.0.0.5:8080"],
    ] as const) {
      const app = await appWithConsole(join(dataDir, 'not-built'), { PUBLIC_URL: publicUrl });
      try {
        const csp = directives((await app.inject({ method: 'GET', url: '/health' })).headers['content-security-policy']);
        expect(csp.get('connect-src'), publicUrl).toBe(connect);
        expect(csp.get('default-src')).toBe("'self'");
      } finally {
        await app.close();
      }
    }
  });
});
