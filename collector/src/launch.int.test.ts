// collector/src/launch.mjs — what `pnpm start` and a server's service run: the collector's V8 flags put in
// place by restarting the same process, and Node's compile cache in DATA_DIR.
import { readdir, readFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './db/free-port.ts';
import { COLLECTOR_ENV, COLLECTOR_NODE_FLAGS } from './launch.mjs';
import { baseEnv, startNode } from './testing/collector-process.ts';
import { createTestDatabase, type TestDatabase } from './testing/test-database.ts';

let database: TestDatabase;
let dataDir: string;

beforeAll(async () => {
  database = await createTestDatabase({ migrate: false });
  dataDir = await mkdtemp(join(tmpdir(), 'vigil-launch-'));
});

afterAll(async () => {
  await database?.drop();
  await rm(dataDir, { recursive: true, force: true, maxRetries: 5 });
});

describe('node collector/src/launch.mjs', () => {
  it('runs the collector under its V8 flags in the same process, with the compile cache in DATA_DIR', { timeout: 60_000 }, async () => {
    const port = await findFreePort();
    const collector = startNode(
      'collector/src/launch.mjs',
      [],
      baseEnv({ DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.ownerUrl, DATA_DIR: dataDir, PORT: String(port), TLS: 'off', LOG_LEVEL: 'info' }),
    );
    try {
      await collector.waitForLog((line) => typeof line.msg === 'string' && line.msg.startsWith('Vigil collector listening'), 30_000);
      const pid = collector.child.pid ?? -1;
      // The PID the test started is the collector: it replaced itself, flags in front.
      const cmdline = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
      expect(cmdline.slice(1, 1 + COLLECTOR_NODE_FLAGS.length)).toEqual([...COLLECTOR_NODE_FLAGS]);
      expect(cmdline.some((arg) => arg.endsWith('collector/src/launch.mjs'))).toBe(true);
      // …and its environment (glibc's malloc arenas capped).
      const environ = (await readFile(`/proc/${pid}/environ`, 'utf8')).split('\0');
      for (const [name, value] of Object.entries(COLLECTOR_ENV)) expect(environ).toContain(`${name}=${value}`);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      collector.child.kill('SIGTERM');
      expect((await collector.exited).code).toBe(0);
    }
    const cache = join(dataDir, 'compile-cache');
    expect((await stat(cache)).mode & 0o777).toBe(0o700);
    expect((await readdir(cache)).length).toBeGreaterThan(0);
  });
});
