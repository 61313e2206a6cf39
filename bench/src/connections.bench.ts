// Idle agent connections one collector holds, and its memory: 10,000 authenticated agents
// over real WebSockets on loopback, each heartbeating every 30 s. Prints the time to
// connect them all and the collector's RSS. Budget (DESIGN.md): ≥ 10,000 at ≤ 1 GB RSS.
//
// A Node process cannot raise its own file-descriptor limit, so the collector and the
// agents run as two child processes started through `bash -c 'ulimit -n … && exec node …'`
// (this same file, in another role). Devices are created in SQL beforehand: the bench
// measures holding connections, not enrolment. Database: a fresh temporary one on
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
//   node bench/src/connections.bench.ts          VIGIL_BENCH_CONNECTIONS=10000 VIGIL_BENCH_HOLD_SECONDS=10
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { buildApp, connectDatabase, createLogger, hashSecret, loadConfig } from '@vigil/collector';
import { encode, makeEnvelope } from '@vigil/shared/protocol';
import type WebSocket from 'ws';
import { loginBenchAgent, type BenchAgentSession } from './bench-agent.ts';
import { cpuSeconds } from './proc-cpu.ts';

const CONNECTIONS = Number(process.env.VIGIL_BENCH_CONNECTIONS ?? 10_000);
const HOLD_SECONDS = Number(process.env.VIGIL_BENCH_HOLD_SECONDS ?? 10);
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECT_CONCURRENCY = 200;
const HEARTBEAT_SECONDS = 30;
const thisFile = fileURLToPath(import.meta.url);

interface Credentials {
  readonly deviceId: string;
  readonly secret: string;
}

type Line = Record<string, unknown> & { event: string };

function say(line: Line): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

function fdLimit(): string {
  return /Max open files\s+(\S+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1] ?? '?';
}

/** CPU seconds of every local `postgres` process, to see where connect time goes. */
function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(pid), false);
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

function rssMiB(pid: number | 'self'): number {
  const kib = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? Number.NaN);
  return kib / 1024;
}

// ── role: collector (child) ────────────────────────────────────────────────────────────
async function collectorRole(): Promise<void> {
  const log = createLogger('error');
  const database = await connectDatabase(process.env.VIGIL_BENCH_DATABASE ?? '', log, { migrate: false });
  const dataDir = process.env.VIGIL_BENCH_DATA_DIR ?? tmpdir();
  const loaded = loadConfig({ LOG_LEVEL: 'error', DATA_DIR: dataDir });
  if (!loaded.ok) throw new Error(loaded.message);
  const app = await buildApp(loaded.config, { database, logger: log, consoleDir: dataDir });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  const gc = (globalThis as { gc?: () => void }).gc;
  say({ event: 'listening', port: address.port, fdLimit: fdLimit() });
  for await (const command of createInterface({ input: process.stdin })) {
    if (command === 'stats') {
      gc?.();
      const memory = process.memoryUsage();
      say({ event: 'stats', connected: app.agentHub.connectedDeviceIds().length, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external });
    } else if (command === 'quit') {
      break;
    }
  }
  await app.close();
  await database.close();
}

// ── role: agents (child) ───────────────────────────────────────────────────────────────
async function login(url: string, agent: Credentials, wordlistVersion: string | undefined): Promise<BenchAgentSession> {
  const session = await loginBenchAgent(url, agent, { capabilities: ['keyboard', 'window'], perMessageDeflate: false, ...(wordlistVersion === undefined ? {} : { wordlistVersion }) });
  session.socket.on('close', (code) => say({ event: 'dropped', code }));
  return session;
}

async function agentsRole(): Promise<void> {
  const url = process.env.VIGIL_BENCH_URL ?? '';
  const agents = JSON.parse(await readFile(process.env.VIGIL_BENCH_CREDENTIALS ?? '', 'utf8')) as Credentials[];
  const sockets: WebSocket[] = [];
  const started = performance.now();
  // The first agent learns the word-list version so the others are not each sent the whole list.
  const [first, ...rest] = agents;
  if (first === undefined) throw new Error('no agents');
  const head = await login(url, first, undefined);
  sockets.push(head.socket);
  let next = 0;
  let failures = 0;
  const worker = async () => {
    while (next < rest.length) {
      const agent = rest[next++];
      if (agent === undefined) break;
      try {
        sockets.push((await login(url, agent, head.wordlistVersion)).socket);
      } catch (error) {
        failures++;
        if (failures <= 3) say({ event: 'error', message: String(error) });
      }
      if (sockets.length % 1_000 === 0) say({ event: 'progress', connected: sockets.length });
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  say({ event: 'connected', count: sockets.length, failures, ms: performance.now() - started, fdLimit: fdLimit(), rssMiB: rssMiB('self') });
  // Heartbeats spread over the interval, as real agents' would be.
  let turn = 0;
  const beat = setInterval(() => {
    const share = Math.ceil(sockets.length / HEARTBEAT_SECONDS);
    for (let i = 0; i < share; i++) {
      const socket = sockets[(turn * share + i) % sockets.length];
      socket?.send(encode(makeEnvelope('heartbeat', { uptimeSeconds: 1, locked: false, idleSeconds: 0, keyboard: 'ok', outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0 } })));
    }
    turn++;
  }, 1_000);
  for await (const command of createInterface({ input: process.stdin })) if (command === 'quit') break;
  clearInterval(beat);
  for (const socket of sockets) {
    socket.removeAllListeners('close');
    socket.send(encode(makeEnvelope('bye', { reason: 'shutdown' })));
    socket.close(1000);
  }
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

// ── parent ─────────────────────────────────────────────────────────────────────────────
interface Child {
  readonly process: ChildProcess;
  next(event: string, timeoutMs: number): Promise<Line>;
  send(command: string): void;
}

function startChild(role: string, env: Record<string, string>, nodeFlags = ''): Child {
  // Raise the soft limit as far as allowed (65536, or the hard limit when that is lower).
  const script = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "${process.execPath}" ${nodeFlags} "${thisFile}"`;
  const child = spawn('bash', ['-c', script], { env: { ...process.env, ...env, VIGIL_BENCH_ROLE: role }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: Line[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (text) => {
    try {
      const line = JSON.parse(text) as Line;
      if (line.event === 'progress' || line.event === 'error' || line.event === 'dropped') console.log(`  ${role}: ${text}`);
      lines.push(line);
      for (const wake of waiters) wake();
    } catch {
      console.log(`  ${role}: ${text}`);
    }
  });
  return {
    process: child,
    send: (command) => child.stdin?.write(`${command}\n`),
    next: (event, timeoutMs) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const index = lines.findIndex((line) => line.event === event);
          if (index === -1) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(lines.splice(index, 1)[0] as Line);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${role}: no ${event} within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        child.once('exit', (code) => reject(new Error(`${role} exited with ${code} before ${event}`)));
        check();
      }),
  };
}

export default async function run(): Promise<void> {
  const log = createLogger('warn');
  const admin = await connectDatabase(SERVER_URL, log, { migrate: false, poolSize: 1 });
  const name = `vigil_bench_conns_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.pool.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const dir = await mkdtemp(join(tmpdir(), 'vigil-connections-bench-'));
  const children: Child[] = [];
  try {
    const database = await connectDatabase(url.toString(), log, {});
    const agents: Credentials[] = Array.from({ length: CONNECTIONS }, (_, i) => ({
      deviceId: `01K0000000BENCH${String(i).padStart(11, '0')}`,
      secret: randomBytes(32).toString('base64url'),
    }));
    await database.pool.query(`insert into sites (id, name) values ('01K0000000BENCHS1TE0000000', 'Bench Academy')`);
    await database.pool.query(
      `insert into devices (id, site_id, hostname, os, secret_hash)
       select id, '01K0000000BENCHS1TE0000000', 'bench-' || id, 'linux', hash from unnest($1::text[], $2::text[]) as t(id, hash)`,
      [agents.map((agent) => agent.deviceId), agents.map((agent) => hashSecret(agent.secret))],
    );
    await database.close();
    const credentials = join(dir, 'agents.json');
    await writeFile(credentials, JSON.stringify(agents));

    const profile = process.env.VIGIL_BENCH_CPU_PROF === '1' ? `--cpu-prof --cpu-prof-dir=${tmpdir()}` : '';
    const collector = startChild('collector', { VIGIL_BENCH_DATABASE: url.toString(), VIGIL_BENCH_DATA_DIR: dir }, `--expose-gc ${profile}`);
    children.push(collector);
    const listening = await collector.next('listening', 60_000);
    const collectorPid = collector.process.pid ?? 0;
    collector.send('stats');
    const baseline = await collector.next('stats', 10_000);
    console.log(`collector fd limit ${String(listening.fdLimit)}; RSS before agents ${(Number(baseline.rss) / 2 ** 20).toFixed(0)} MiB`);

    const cpuBefore = { collector: cpuSeconds(collectorPid, false), postgres: postgresCpuSeconds() };
    const clients = startChild('agents', { VIGIL_BENCH_URL: `ws://127.0.0.1:${String(listening.port)}/agent/v1`, VIGIL_BENCH_CREDENTIALS: credentials });
    children.push(clients);
    const connected = await clients.next('connected', 600_000);
    const seconds = Number(connected.ms) / 1000;
    console.log(
      `connected ${String(connected.count)} of ${CONNECTIONS} agents (${String(connected.failures)} failed) in ${seconds.toFixed(1)} s ` +
        `(${(Number(connected.count) / seconds).toFixed(0)} hellos/s); agent process fd limit ${String(connected.fdLimit)}, RSS ${Number(connected.rssMiB).toFixed(0)} MiB`,
    );
    const cpu = {
      collector: cpuSeconds(collectorPid, false) - cpuBefore.collector,
      agents: cpuSeconds(clients.process.pid ?? 0, false),
      postgres: postgresCpuSeconds() - cpuBefore.postgres,
    };
    console.log(
      `CPU while connecting: collector ${cpu.collector.toFixed(1)} s, agents ${cpu.agents.toFixed(1)} s, postgres ${cpu.postgres.toFixed(1)} s ` +
        `(${((cpu.collector / Number(connected.count)) * 1e6).toFixed(0)} µs collector + ${((cpu.postgres / Number(connected.count)) * 1e6).toFixed(0)} µs postgres per hello)`,
    );
    const peakDuringConnect = rssMiB(collectorPid);
    await new Promise((resolve) => setTimeout(resolve, HOLD_SECONDS * 1000));
    collector.send('stats');
    const held = await collector.next('stats', 30_000);
    const rss = Number(held.rss) / 2 ** 20;
    console.log(`held ${String(held.connected)} authenticated connections for ${HOLD_SECONDS} s with heartbeats`);
    console.log(
      `collector RSS ${rss.toFixed(0)} MiB after GC (${peakDuringConnect.toFixed(0)} MiB right after connecting; heap ${(Number(held.heapUsed) / 2 ** 20).toFixed(0)} MiB), ` +
        `${(((Number(held.rss) - Number(baseline.rss)) / Math.max(1, Number(held.connected))) / 1024).toFixed(1)} KiB per connection`,
    );
    clients.send('quit');
    await new Promise((resolve) => clients.process.once('exit', resolve));
    const quitting = performance.now();
    collector.send('quit');
    await new Promise((resolve) => collector.process.once('exit', resolve));
    console.log(`collector shut down in ${((performance.now() - quitting) / 1000).toFixed(1)} s`);
    if (profile !== '') console.log(`collector CPU profile written to ${tmpdir()}/CPU.*.cpuprofile`);
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await admin.pool.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const role = process.env.VIGIL_BENCH_ROLE;
if (role === 'collector' || role === 'agents') {
  await (role === 'collector' ? collectorRole() : agentsRole());
  // stdin and closing sockets would keep the child alive.
  process.exit(0);
} else if (import.meta.url === `file://${process.argv[1]}`) await run();
