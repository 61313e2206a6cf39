// What the collector socket benchmarks (connections, restart-storm) share: the collector and
// the fake agents run as child processes of the bench (each with the open-file limit raised as
// far as the machine allows), talk to it in JSON lines on stdout, and take commands on stdin.
// Devices are created in SQL in a fresh temporary database, so the benches measure holding
// and re-admitting connections, not enrolment.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createInterface } from 'node:readline';
import { buildApp, connectDatabase, createLogger, hashSecret, loadConfig } from '@vigil/collector';
import { cpuSeconds } from './proc-cpu.ts';

export const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface Credentials {
  readonly deviceId: string;
  readonly secret: string;
}

export type Line = Record<string, unknown> & { event: string };

export function say(line: Line): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

export function fdLimit(): string {
  return /Max open files\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? '?';
}

/**
 * CPU seconds of the PostgreSQL backends serving `database` (its name is in each backend's title,
 * `postgres: 15/main: <user> <database> <client> …`), not of every postgres process on the machine:
 * other databases' work is not the bench's. Backends that ended before the reading are not counted.
 */
export function postgresCpuSeconds(database: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
      const title = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (title.split(/\s+/).includes(database)) total += cpuSeconds(Number(pid), false);
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

/** Resident memory of a process now (VmRSS), or its peak so far (VmHWM), in MiB. */
export function rssMiB(pid: number | 'self', which: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  const kib = Number(new RegExp(`${which}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return kib / 1024;
}

/** The collector as a bench child: listens on `port` (0: any), answers `stats`, ends on `quit`. */
export async function collectorRole(): Promise<void> {
  const log = createLogger('error');
  const database = await connectDatabase(process.env.VIGIL_BENCH_DATABASE ?? '', log, { migrate: false });
  const dataDir = process.env.VIGIL_BENCH_DATA_DIR ?? tmpdir();
  const loaded = loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await buildApp(loaded.config, { database, logger: log, consoleDir: dataDir });
  // The accept queue collector/src/main.ts asks for.
  await app.listen({ host: '127.0.0.1', port: Number(process.env.VIGIL_BENCH_PORT ?? 0), backlog: 4096 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const gc = (globalThis as { gc?: () => void }).gc;
  say({ event: 'listening', port: address.port, fdLimit: fdLimit() });
  for await (const command of createInterface({ input: process.stdin })) {
    if (command === 'stats' || command === 'stats-gc') {
      if (command === 'stats-gc') gc?.();
      const memory = process.memoryUsage();
      say({ event: 'stats', connected: app.agentHub.connectedDeviceIds().length, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    } else if (command === 'quit') {
      break;
    }
  }
  await app.close();
  await database.close();
}

export interface Child {
  readonly process: ChildProcess;
  /** The next line of this event (lines are taken in order, once each). */
  next(event: string, timeoutMs: number): Promise<Line>;
  send(command: string): void;
}

/** `script` in `role` as a child, with the open-file limit raised (65536, or the hard limit when that is lower). */
export function startChild(script: string, role: string, env: Record<string, string>, nodeFlags = '', echo: (line: Line) => boolean = () => false): Child {
  const command = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "${process.execPath}" ${nodeFlags} "${script}"`;
  const child = spawn('bash', ['-c', command], { env: { ...process.env, ...env, VIGIL_BENCH_ROLE: role }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      const line = JSON.parse(text) as Line;
      if (echo(line)) console.log(`  ${role}: ${text}`);
      lines.push(line);
      for (const wake of waiters) wake();
    } catch {
      console.log(`  ${role}: ${text}`);
    }
  });
  return {
    process: child,
    send: (line) => child.stdin?.write(`${line}\n`),
    next: (event, timeoutMs) =>
      new Promise((resolve, reject) => {
        const done = () => {
          waiters.delete(check);
          clearTimeout(timer);
          child.off('exit', exited);
        };
        const check = () => {
          const index = lines.findIndex((line) => line.event === event);
          if (index === -1) return;
          done();
          resolve(lines.splice(index, 1)[0] as Line);
        };
        const exited = (code: number | null) => {
          done();
          reject(new Error(`${role} exited with ${code} before ${event}`));
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${role}: no ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        child.once('exit', exited);
        check();
      }),
  };
}

export interface BenchDatabase {
  readonly url: string;
  readonly agents: readonly Credentials[];
  drop(): Promise<void>;
}

/** A fresh database with the schema and `count` devices of one site, each with its own secret. */
export async function createBenchDatabase(prefix: string, count: number): Promise<BenchDatabase> {
  const log = createLogger('warn');
  const admin = await connectDatabase(SERVER_URL, log, { migrate: false, poolSize: 1 });
  const name = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.pool.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const agents: Credentials[] = Array.from({ length: count }, (_, i) => ({
    deviceId: `01K0000000BENCH${String(i).padStart(11, '0')}`,
    secret: randomBytes(32).toString('base64url'),
  }));
  const database = await connectDatabase(url.toString(), log, {});
  await database.pool.query(`insert into sites (id, name) values ('01K0000000BENCHS1TE0000000', 'Bench Academy')`);
  await database.pool.query(
    `insert into devices (id, site_id, hostname, os, secret_hash)
     select id, '01K0000000BENCHS1TE0000000', 'bench-' || id, 'linux', hash from unnest($1::text[], $2::text[]) as t(id, hash)`,
    [agents.map((agent) => agent.deviceId), agents.map((agent) => hashSecret(agent.secret))],
  );
  await database.close();
  return {
    url: url.toString(),
    agents,
    async drop() {
      await admin.pool.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
      await admin.close();
    },
  };
}

/**
 * The last line of a bench file that is both the parent and its own children: as a child
 * (VIGIL_BENCH_ROLE) it plays the collector or the agents and exits (stdin and closing sockets
 * would keep it alive); run directly it runs the bench; imported by `pnpm bench` it does nothing.
 */
export async function benchEntry(moduleUrl: string, run: () => Promise<void>, agentsRole: () => Promise<void>): Promise<void> {
  const role = process.env.VIGIL_BENCH_ROLE;
  if (role === 'collector' || role === 'agents') {
    await (role === 'collector' ? collectorRole() : agentsRole());
    process.exit(0);
  } else if (moduleUrl === `file://${process.argv[1]}`) {
    await run();
  }
}
