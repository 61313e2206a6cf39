import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from './db/free-port.ts';
import { baseEnv, runNode, startNode, type RunningProcess } from './testing/collector-process.ts';
import { createTestDatabase, type TestDatabase } from './testing/test-database.ts';

const mainScript = 'collector/src/main.ts';
const cliScript = 'collector/src/cli/main.ts';

const isListening = (line: Record<string, unknown>) => typeof line.msg === 'string' && line.msg.startsWith('Vigil collector listening');

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error instanceof Error && 'code' in error && error.code === 'EPERM';
  }
}

async function postmasterPid(dataDir: string): Promise<number> {
  const content = await readFile(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8');
  return Number.parseInt(content.split('\n')[0] ?? '', 10);
}

/** Who the running collector's connections log in as, asked of the embedded server as its superuser. */
async function collectorRoles(dataDir: string): Promise<Record<string, string[]>> {
  const [password, port] = await Promise.all(['postgres.password', 'postgres.port'].map(async (file) => (await readFile(join(dataDir, file), 'utf8')).trim()));
  const client = new pg.Client({ host: '127.0.0.1', port: Number(port), user: 'postgres', password, database: 'vigil' });
  await client.connect();
  try {
    const result = await client.query<{ app: string; roles: string[] }>(
      `select application_name as app, array_agg(distinct usename::text order by usename::text) as roles from pg_stat_activity
        where application_name like 'vigil-collector%' group by application_name`,
    );
    return Object.fromEntries(result.rows.map((row) => [row.app, row.roles]));
  } finally {
    await client.end();
  }
}

async function health(port: number): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${port}/health`);
  const body: unknown = await response.json();
  if (typeof body !== 'object' || body === null) throw new Error(`/health answered ${JSON.stringify(body)}`);
  return { status: response.status, body: { ...body } };
}

const started: RunningProcess[] = [];
const postgresPids = new Set<number>();

async function startCollector(env: NodeJS.ProcessEnv): Promise<RunningProcess> {
  // The agents' TLS listener defaults to 8443, which any other collector on this machine may hold.
  const collector = startNode(mainScript, [], { TLS_PORT: String(await findFreePort()), ...env });
  started.push(collector);
  await collector.waitForLog(isListening);
  return collector;
}

afterEach(async () => {
  // Whatever a failed test left running: only processes this file started.
  for (const running of started.splice(0)) {
    if (running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
  }
  for (const pid of postgresPids) if (isAlive(pid)) process.kill(pid, 'SIGINT');
});

// Real processes each starting a PostgreSQL: generous time on a loaded 2-core CI box.
describe('node collector/src/main.ts on the embedded database', { timeout: 90_000 }, () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-main-'));
    await chmod(dataDir, 0o755);
    env = baseEnv({ DATA_DIR: dataDir, PORT: String(await findFreePort()), LOG_LEVEL: 'info' });
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('serves /health, stops PostgreSQL on SIGTERM, and keeps the data across restarts', async () => {
    const port = Number(env.PORT);
    const first = await startCollector(env);
    expect(await health(port)).toMatchObject({ status: 200, body: { status: 'ok', database: 'ok' } });
    // Least privilege: the collector itself (queries, LISTEN) runs as vigil_app, which owns nothing.
    expect(await first.waitForLog((line) => line.msg === 'connected to the embedded PostgreSQL')).toMatchObject({
      roles: { app: 'vigil_app', owner: 'vigil_owner' },
    });
    const roles = await collectorRoles(dataDir);
    expect(roles['vigil-collector']).toEqual(['vigil_app']);
    expect(roles['vigil-collector-control'] ?? ['vigil_app']).toEqual(['vigil_app']);
    const pgPid = await postmasterPid(dataDir);
    postgresPids.add(pgPid);
    expect(isAlive(pgPid)).toBe(true);
    expect(Number(await readFile(join(dataDir, 'postgres.port'), 'utf8'))).not.toBe(5432);

    // The admin CLI attaches to the running collector's server.
    const created = await runNode(cliScript, ['admin', 'create-room', '--name', 'ICT Suite 1'], env);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(isAlive(pgPid)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await startCollector(env);
    expect(second.stdout.join('\n')).not.toContain('initialising the embedded PostgreSQL');
    expect(await health(port)).toMatchObject({ status: 200, body: { database: 'ok' } });
    const rooms = await runNode(cliScript, ['admin', 'list-rooms', '--json'], env);
    expect(rooms.code).toBe(0);
    expect(JSON.parse(rooms.stdout)).toEqual([expect.objectContaining({ id: created.stdout, name: 'ICT Suite 1' })]);
    postgresPids.add(await postmasterPid(dataDir));
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });

  it('recovers after a crash that left PostgreSQL running', async () => {
    const port = Number(env.PORT);
    const crashed = await startCollector(env);
    const orphan = await postmasterPid(dataDir);
    postgresPids.add(orphan);
    crashed.child.kill('SIGKILL');
    await crashed.exited;
    expect(isAlive(orphan)).toBe(true);

    const next = await startCollector(env);
    expect(next.stdout.join('\n')).toContain('left by a previous run is still up; shutting it down');
    expect(isAlive(orphan)).toBe(false);
    postgresPids.add(await postmasterPid(dataDir));
    expect(await health(port)).toMatchObject({ status: 200, body: { database: 'ok' } });
    const rooms = await runNode(cliScript, ['admin', 'list-rooms', '--json'], env);
    expect(JSON.parse(rooms.stdout)).toEqual([expect.objectContaining({ name: 'ICT Suite 1' })]);
    next.child.kill('SIGTERM');
    expect((await next.exited).code).toBe(0);
  });

  it('the admin CLI starts and stops the embedded server itself when no collector runs', async () => {
    const result = await runNode(cliScript, ['admin', 'migrate'], env);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout).toContain('0 migration(s) applied');
    expect(existsSync(join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);
  });
});

describe('node collector/src/main.ts with DATABASE_URL', () => {
  let database: TestDatabase;
  let dataDir: string;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
    dataDir = await mkdtemp(join(tmpdir(), 'vigil-main-external-'));
  });
  afterAll(async () => {
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('uses that server: migrates it as DATABASE_MIGRATION_URL, serves /health, and starts no embedded PostgreSQL', async () => {
    const port = await findFreePort();
    const env = baseEnv({ DATABASE_URL: database.url, DATABASE_MIGRATION_URL: database.ownerUrl, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' });
    const collector = await startCollector(env);
    expect(await health(port)).toMatchObject({ status: 200, body: { database: 'ok' } });
    const listening = await collector.waitForLog(isListening);
    expect(listening.database).toBe('external');
    expect(existsSync(join(dataDir, 'postgres'))).toBe(false);
    const tables = await database.pool.query(`select tableowner from pg_tables where tablename = 'audit_log'`);
    expect(tables.rows).toEqual([{ tableowner: database.roles.owner }]);
    expect(collector.stdout.join('\n')).not.toContain('append-only against the collector only when');
    // Credentials never reach the log.
    for (const url of [database.url, database.ownerUrl]) expect(collector.stdout.join('\n')).not.toContain(new URL(url).password);
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toEqual({ code: 0, signal: null });
  });

  it('given one role for both, warns that the audit log is then append-only only by its triggers, and still runs', async () => {
    const port = await findFreePort();
    const collector = await startCollector(baseEnv({ DATABASE_URL: database.ownerUrl, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' }));
    const warning = await collector.waitForLog((line) => typeof line.msg === 'string' && line.msg.includes('append-only against the collector only when'));
    expect(warning).toMatchObject({ level: 40, role: database.roles.owner });
    expect(await health(port)).toMatchObject({ status: 200, body: { database: 'ok' } });
    collector.child.kill('SIGTERM');
    expect(await collector.exited).toEqual({ code: 0, signal: null });
  });
});

describe('node collector/src/main.ts with a bad environment', () => {
  it.each([
    [{ PORT: 'abc' }, 'config error: PORT must be an integer 1..65535 (got "abc")'],
    [{ DATABASE_URL: 'mysql://root:pw@db/vigil' }, 'config error: DATABASE_URL must be a postgres:// URL (got "mysql://root:***@db/vigil")'],
  ])('exits 1 with one line naming the variable: %j', async (bad, line) => {
    const result = await runNode(mainScript, [], baseEnv(bad));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(line);
    expect(result.stdout).toBe('');
  });
});
