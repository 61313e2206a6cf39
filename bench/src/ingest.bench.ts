// Collector ingest: alerts and activity spans per second committed to PostgreSQL from 200
// simulated agents over real WebSockets on loopback, each keeping a window of messages in
// flight and sending more as acks come back — by default one activity span (a focused-window
// span, the agent's most frequent record) after each alert; bounded in count (200 × 500
// alerts) and time (60 s). Prints each kind's rows/s committed and the ack latency p50/p95.
// Budget (DESIGN.md): ≥ 5,000 alerts/s on 2 cores.
//
// The collector runs in this process (buildApp, the real plugins); the agents run in a
// worker thread so they do not share the collector's event loop. The database is a fresh
// temporary one on TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
//   node bench/src/ingest.bench.ts
//   VIGIL_BENCH_AGENTS=200 VIGIL_BENCH_ALERTS=500 VIGIL_BENCH_WINDOW=8 VIGIL_BENCH_ACTIVITY_PER_ALERT=1 VIGIL_BENCH_CPU_PROF=1 node bench/src/ingest.bench.ts
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { buildApp, connectDatabase, createLogger, hashSecret, loadConfig, type Database } from '@vigil/collector';
import { encode, makeEnvelope } from '@vigil/shared/protocol';
import { loginBenchAgent } from './bench-agent.ts';
import { postgresCpuSeconds } from './collector-bench-kit.ts';
import { cpuSeconds, percentile } from './proc-cpu.ts';

const AGENTS = Number(process.env.VIGIL_BENCH_AGENTS ?? 200);
const ALERTS_PER_AGENT = Number(process.env.VIGIL_BENCH_ALERTS ?? 500);
const WINDOW = Number(process.env.VIGIL_BENCH_WINDOW ?? 8);
const ACTIVITY_PER_ALERT = Math.max(0, Math.floor(Number(process.env.VIGIL_BENCH_ACTIVITY_PER_ALERT ?? 1)));
const TIME_LIMIT_MS = Number(process.env.VIGIL_BENCH_SECONDS ?? 60) * 1_000;
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface AgentCredentials {
  readonly deviceId: string;
  readonly secret: string;
}

interface WorkerInput {
  readonly role: 'ingest-agents';
  readonly url: string;
  readonly agents: readonly AgentCredentials[];
  readonly alertsPerAgent: number;
  readonly window: number;
  readonly activityPerAlert: number;
  readonly timeLimitMs: number;
}

interface WorkerResult {
  readonly acked: number;
  readonly sent: number;
  readonly elapsedMs: number;
  readonly latencies: Float64Array;
  readonly closes: string[];
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** ULID-shaped ids: a fixed time part, then a counter and a per-worker random part. */
function idFactory(): () => string {
  const prefix = `01K${'0'.repeat(7)}`;
  const salt = Array.from(randomBytes(4), (byte) => CROCKFORD[byte % 32]).join('');
  let counter = 0;
  return () => {
    let n = counter++;
    let tail = '';
    for (let i = 0; i < 12; i++) {
      tail = (CROCKFORD[n % 32] ?? '0') + tail;
      n = Math.floor(n / 32);
    }
    return prefix + salt + tail;
  };
}

/** The agent side (worker thread): log in every agent, then pump alerts through a window. */
async function runAgents(input: WorkerInput): Promise<WorkerResult> {
  const nextId = idFactory();
  const latencies: number[] = [];
  const closes: string[] = [];
  let acked = 0;
  let sent = 0;
  const sockets = await Promise.all(
    input.agents.map(async (agent) => (await loginBenchAgent(input.url, agent, { capabilities: ['keyboard', 'window'] })).socket),
  );

  // CPU is measured from here on: logins and the worker's module loading are not ingest.
  parentPort?.postMessage({ type: 'ready' });
  const start = performance.now();
  const deadline = start + input.timeLimitMs;
  let finishedAgents = 0;
  await new Promise<void>((done) => {
    sockets.forEach((socket) => {
      const inFlight = new Map<string, number>();
      let remaining = input.alertsPerAgent;
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        if (++finishedAgents === sockets.length) done();
      };
      const pump = () => {
        while (inFlight.size < input.window && remaining > 0 && performance.now() < deadline) {
          const alert = makeEnvelope('alert', {
            id: nextId(),
            ts: Date.now(),
            source: 'typed',
            term: 'example term',
            category: 'self-harm',
            severity: 4,
            context: 'someone typed an example term in a document, with some context around it',
            windowTitle: 'Untitled document — Google Docs',
            app: 'chrome',
            url: 'https://docs.google.com/document/d/1',
            osUser: 'pupil',
          });
          inFlight.set(alert.id, performance.now());
          socket.send(encode(alert));
          remaining--;
          sent++;
          for (let i = 0; i < input.activityPerAlert; i++) {
            const now = Date.now();
            const span = makeEnvelope('activity', {
              id: nextId(),
              app: 'chrome',
              title: 'Untitled document — Google Docs',
              url: 'https://docs.google.com/document/d/1',
              osUser: 'pupil',
              start: now - 30_000,
              end: now,
            });
            inFlight.set(span.id, performance.now());
            socket.send(encode(span));
            sent++;
          }
        }
        if (inFlight.size === 0 && (remaining === 0 || performance.now() >= deadline)) finish();
      };
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString('utf8')) as { type: string; payload: { ids?: string[] } };
        if (message.type !== 'ack') return;
        const now = performance.now();
        for (const id of message.payload.ids ?? []) {
          const sentAt = inFlight.get(id);
          if (sentAt === undefined) continue;
          inFlight.delete(id);
          latencies.push(now - sentAt);
          acked++;
        }
        pump();
      });
      socket.on('close', (code, reason) => {
        if (!finished) closes.push(`${code} ${reason.toString()}`);
        finish();
      });
      pump();
    });
    setTimeout(done, input.timeLimitMs + 10_000).unref();
  });
  const elapsedMs = performance.now() - start;
  for (const socket of sockets) {
    socket.send(encode(makeEnvelope('bye', { reason: 'shutdown' })));
    socket.close(1000);
  }
  await Promise.all(sockets.map((socket) => new Promise((resolve) => (socket.readyState === socket.CLOSED ? resolve(null) : socket.once('close', resolve)))));
  return { acked, sent, elapsedMs, latencies: Float64Array.from(latencies), closes };
}

async function createBenchDatabase(log: ReturnType<typeof createLogger>): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = await connectDatabase(SERVER_URL, log, { migrate: false, poolSize: 1 });
  const name = `vigil_bench_ingest_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.pool.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      await admin.pool.query(`drop database if exists ${name} with (force)`);
      await admin.close();
    },
  };
}

/** Devices created directly in SQL with known secrets: the bench measures ingest, not enrolment. */
async function seedDevices(database: Database, count: number): Promise<AgentCredentials[]> {
  const site = await database.pool.query<{ id: string }>(`insert into sites (id, name) values ($1, 'Bench Academy') returning id`, [idFactory()()]);
  const siteId = site.rows[0]?.id;
  const nextId = idFactory();
  const agents = Array.from({ length: count }, () => ({ deviceId: nextId(), secret: randomBytes(32).toString('base64url') }));
  await database.pool.query(
    `insert into devices (id, site_id, hostname, os, secret_hash)
     select id, $1, 'bench-' || id, 'linux', hash from unnest($2::text[], $3::text[]) as t(id, hash)`,
    [siteId, agents.map((agent) => agent.deviceId), agents.map((agent) => hashSecret(agent.secret))],
  );
  return agents;
}

export default async function run(): Promise<void> {
  const log = createLogger('warn');
  const db = await createBenchDatabase(log);
  const databaseName = new URL(db.url).pathname.slice(1);
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-ingest-bench-'));
  const database = await connectDatabase(db.url, log, { poolSize: 10 });
  let profiler: Session | undefined;
  try {
    const agents = await seedDevices(database, AGENTS);
    const loaded = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: dataDir });
    if (!loaded.ok) throw new Error(loaded.message);
    const app = await buildApp(loaded.config, { database, logger: log, consoleDir: dataDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    try {
      if (process.env.VIGIL_BENCH_CPU_PROF === '1') {
        profiler = new Session();
        profiler.connect();
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.start');
      }
      let cpuBefore = cpuSeconds();
      let postgresBefore = postgresCpuSeconds(databaseName);
      const input: WorkerInput = {
        role: 'ingest-agents',
        url: `ws://127.0.0.1:${address.port}/agent/v1`,
        agents,
        alertsPerAgent: ALERTS_PER_AGENT,
        window: WINDOW,
        activityPerAlert: ACTIVITY_PER_ALERT,
        timeLimitMs: TIME_LIMIT_MS,
      };
      const worker = new Worker(new URL(import.meta.url), { workerData: input });
      const result = await new Promise<WorkerResult>((resolve, reject) => {
        worker.on('message', (message: WorkerResult | { type: 'ready' }) => {
          if (!('type' in message)) return resolve(message);
          cpuBefore = cpuSeconds();
          postgresBefore = postgresCpuSeconds(databaseName);
        });
        worker.once('error', reject);
      });
      await worker.terminate();
      const cpu = cpuSeconds() - cpuBefore;
      const postgresCpu = postgresCpuSeconds(databaseName) - postgresBefore;
      if (profiler !== undefined) {
        const { profile } = await profiler.post('Profiler.stop');
        const file = join(tmpdir(), `vigil-ingest-${Date.now()}.cpuprofile`);
        await writeFile(file, JSON.stringify(profile));
        console.log(`cpu profile (collector thread): ${file}`);
      }
      const rows = await database.pool.query<{ n: string }>('select count(*) as n from alerts');
      const spans = await database.pool.query<{ n: string }>('select count(*) as n from activity_spans');
      const latencies = [...result.latencies].sort((a, b) => a - b);
      const seconds = result.elapsedMs / 1_000;
      const alertRows = Number(rows.rows[0]?.n ?? 0);
      const spanRows = Number(spans.rows[0]?.n ?? 0);
      console.log(
        `agents ${AGENTS}, window ${WINDOW} in flight each, ${ALERTS_PER_AGENT} alerts each + ${ACTIVITY_PER_ALERT} activity span per alert, limit ${TIME_LIMIT_MS / 1000} s`,
      );
      console.log(
        `messages committed and acked: ${result.acked} of ${result.sent} sent in ${seconds.toFixed(1)} s (rows: ${alertRows} alerts, ${spanRows} activity spans)`,
      );
      console.log(
        `ingest rate: ${(alertRows / seconds).toFixed(0)} alerts/s + ${(spanRows / seconds).toFixed(0)} activity spans/s committed (${(result.acked / seconds).toFixed(0)} messages/s); budget ≥ 5,000 alerts/s`,
      );
      console.log(
        `ack latency: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      );
      console.log(
        `this process (collector + agent worker) CPU: ${cpu.toFixed(1)} s over ${seconds.toFixed(1)} s wall (${((cpu / seconds) * 100).toFixed(0)} % of one core)`,
      );
      console.log(`postgres CPU (the bench database's backends): ${postgresCpu.toFixed(1)} s (${((postgresCpu / seconds) * 100).toFixed(0)} % of one core)`);
      const perMessage = (cpu_: number) => ((cpu_ / Math.max(1, result.acked)) * 1e6).toFixed(0);
      console.log(`CPU per message: ${perMessage(cpu)} µs node (collector + agents) + ${perMessage(postgresCpu)} µs postgres`);
      if (result.closes.length > 0) console.log(`unexpected closes: ${result.closes.slice(0, 5).join('; ')}`);
    } finally {
      await app.close();
    }
  } finally {
    profiler?.disconnect();
    await database.close();
    await db.drop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.role === 'ingest-agents') {
  parentPort?.postMessage(await runAgents(workerData as WorkerInput));
} else if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
