// Idle agent connections one collector holds, and its memory: 10,000 authenticated agents
// over real WebSockets on loopback, each heartbeating every 30 s. Prints the time to
// connect them all and the collector's RSS. Budget (DESIGN.md): ≥ 10,000 at ≤ 1 GB RSS.
//
// A Node process cannot raise its own file-descriptor limit, so the collector and the
// agents run as two child processes started through `bash -c 'ulimit -n … && exec node …'`
// (this same file, in another role). Devices are created in SQL beforehand: the bench
// measures holding connections, not enrolment. Database: a fresh temporary one on
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
//   node bench/src/connections.bench.ts          VIGIL_BENCH_CONNECTIONS=10000 VIGIL_BENCH_HOLD_SECONDS=10 VIGIL_BENCH_ROUNDS=3
// Each round starts a fresh collector and agents process; per-agent memory is printed per round, then min/median/max.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { encode, makeEnvelope } from '@vigil/shared/protocol';
import { waitFor } from '@vigil/agent/testing';
import { COLLECTOR_ENV, COLLECTOR_NODE_FLAGS, NO_FLAGS_ENV } from '@vigil/collector/launch';
import type WebSocket from 'ws';
import { loginBenchAgent, type BenchAgentSession } from './bench-agent.ts';
import { benchEntry, createBenchDatabase, type Child, fdLimit, postgresCpuSeconds, rssMiB, say, startChild, type Credentials } from './collector-bench-kit.ts';
import { cpuSeconds } from './proc-cpu.ts';

const CONNECTIONS = Number(process.env.VIGIL_BENCH_CONNECTIONS ?? 10_000);
const HOLD_SECONDS = Number(process.env.VIGIL_BENCH_HOLD_SECONDS ?? 10);
const ROUNDS = Math.max(1, Number(process.env.VIGIL_BENCH_ROUNDS ?? 3));
const CONNECT_CONCURRENCY = 200;
const HEARTBEAT_SECONDS = 30;
const thisFile = fileURLToPath(import.meta.url);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const echoProgress = (line: { event: string }) => line.event === 'progress' || line.event === 'error' || line.event === 'dropped';

/**
 * The collector as shipped, idle: `node collector/src/launch.mjs` (what `pnpm start` runs: its V8 flags, the
 * compile cache in DATA_DIR) on the bench database with no agent, started twice — the first start fills the
 * compile cache, the second is every later start. RSS read every 2 s for 20 s after 10 s of settling; min and
 * median printed beside the budget. Nothing is forced (no GC from outside).
 */
async function shippedIdle(databaseUrl: string, dataDir: string): Promise<void> {
  const { findFreePort } = await import('@vigil/collector/free-port');
  for (const start of ['first start (cold compile cache)', 'second start']) {
    const port = await findFreePort();
    const child = spawn(process.execPath, ['collector/src/launch.mjs'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: databaseUrl,
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        TLS: 'off',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      },
      stdio: 'ignore',
    });
    try {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined))?.ok === true, {
        timeoutMs: 60_000,
        message: 'the shipped collector listening',
      });
      await new Promise((resolve) => setTimeout(resolve, 10_000));
      const samples: number[] = [];
      for (let i = 0; i < 10; i++) {
        samples.push(rssMiB(child.pid ?? 0));
        await new Promise((resolve) => setTimeout(resolve, 2_000));
      }
      samples.sort((a, b) => a - b);
      const median = samples[Math.floor(samples.length / 2)] ?? 0;
      console.log(
        `collector idle as shipped (collector/src/launch.mjs, ${start}): RSS min ${(samples[0] ?? 0).toFixed(1)} median ${median.toFixed(1)} MiB ` +
          `(budget 150 MB = ${(150e6 / 2 ** 20).toFixed(1)} MiB): ${median <= 150e6 / 2 ** 20 ? 'OK' : 'OVER'}`,
      );
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
  }
}

// ── role: agents (child) ───────────────────────────────────────────────────────────────
async function login(url: string, agent: Credentials, wordlistVersion: string | undefined): Promise<BenchAgentSession> {
  const session = await loginBenchAgent(url, agent, {
    capabilities: ['keyboard', 'window'],
    perMessageDeflate: false,
    ...(wordlistVersion === undefined ? {} : { wordlistVersion }),
  });
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
      socket?.send(
        encode(
          makeEnvelope('heartbeat', {
            uptimeSeconds: 1,
            locked: false,
            idleSeconds: 0,
            keyboard: 'ok',
            outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0 },
          }),
        ),
      );
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

interface RoundResult {
  rssMiB: number;
  perAgentKiB: number;
}

/** One round: a fresh collector process, the agents process connecting every agent, a steady-state hold, both shut down. */
async function round(url: string, dir: string, credentials: string, databaseName: string, children: Child[]): Promise<RoundResult> {
  const profile = process.env.VIGIL_BENCH_CPU_PROF === '1' ? `--cpu-prof --cpu-prof-dir=${tmpdir()}` : '';
  // The collector's own V8 flags (collector/src/launch.mjs), as `pnpm start` runs it.
  const flags = process.env[NO_FLAGS_ENV] === '1' ? '' : COLLECTOR_NODE_FLAGS.join(' ');
  // …and its environment (COLLECTOR_ENV: glibc's malloc arenas capped), unless this shell set those already.
  const collectorEnv: Record<string, string> = {
    ...(process.env[NO_FLAGS_ENV] === '1' ? {} : COLLECTOR_ENV),
    VIGIL_BENCH_DATABASE: url,
    VIGIL_BENCH_DATA_DIR: dir,
  };
  for (const name of Object.keys(COLLECTOR_ENV)) {
    const own = process.env[name];
    if (own !== undefined) collectorEnv[name] = own;
  }
  const collector = startChild(thisFile, 'collector', collectorEnv, `${flags} ${profile}`, echoProgress);
  children.push(collector);
  const listening = await collector.next('listening', 60_000);
  const collectorPid = collector.process.pid ?? 0;
  collector.send('stats');
  const baseline = await collector.next('stats', 10_000);
  console.log(
    `collector (this bench's collector process, V8 flags ${flags === '' ? 'Node defaults' : flags}) fd limit ${String(listening.fdLimit)}; RSS before agents ${(Number(baseline.rss) / 2 ** 20).toFixed(0)} MiB`,
  );

  const cpuBefore = { collector: cpuSeconds(collectorPid, false), postgres: postgresCpuSeconds(databaseName) };
  const clients = startChild(
    thisFile,
    'agents',
    { VIGIL_BENCH_URL: `ws://127.0.0.1:${String(listening.port)}/agent/v1`, VIGIL_BENCH_CREDENTIALS: credentials },
    '',
    echoProgress,
  );
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
    postgres: postgresCpuSeconds(databaseName) - cpuBefore.postgres,
  };
  console.log(
    `CPU while connecting: collector ${cpu.collector.toFixed(1)} s, agents ${cpu.agents.toFixed(1)} s, postgres (the bench database's backends) ${cpu.postgres.toFixed(1)} s ` +
      `(${((cpu.collector / Number(connected.count)) * 1e6).toFixed(0)} µs collector + ${((cpu.postgres / Number(connected.count)) * 1e6).toFixed(0)} µs postgres per hello)`,
  );
  const peakDuringConnect = rssMiB(collectorPid);
  await new Promise((resolve) => setTimeout(resolve, HOLD_SECONDS * 1000));
  collector.send('stats');
  const held = await collector.next('stats', 30_000);
  const rss = Number(held.rss) / 2 ** 20;
  console.log(`held ${String(held.connected)} authenticated connections for ${HOLD_SECONDS} s with heartbeats`);
  const perAgentKiB = (Number(held.rss) - Number(baseline.rss)) / Math.max(1, Number(held.connected)) / 1024;
  console.log(
    `collector RSS ${rss.toFixed(0)} MiB in steady state, no forced GC (${peakDuringConnect.toFixed(0)} MiB right after connecting; heap ${(Number(held.heapUsed) / 2 ** 20).toFixed(0)} MiB), ` +
      `${perAgentKiB.toFixed(1)} KiB per connection`,
  );
  clients.send('quit');
  await new Promise((resolve) => clients.process.once('exit', resolve));
  const quitting = performance.now();
  collector.send('quit');
  await new Promise((resolve) => collector.process.once('exit', resolve));
  console.log(`collector shut down in ${((performance.now() - quitting) / 1000).toFixed(1)} s`);
  if (profile !== '') console.log(`collector CPU profile written to ${tmpdir()}/CPU.*.cpuprofile`);
  return { rssMiB: rss, perAgentKiB };
}

// ── parent ─────────────────────────────────────────────────────────────────────────────
export default async function run(): Promise<void> {
  const bench = await createBenchDatabase('vigil_bench_conns', CONNECTIONS);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-connections-bench-'));
  const children: Child[] = [];
  const url = bench.url;
  const databaseName = new URL(url).pathname.slice(1);
  try {
    const credentials = join(dir, 'agents.json');
    await writeFile(credentials, JSON.stringify(bench.agents));

    await shippedIdle(url, join(dir, 'shipped'));

    const results: RoundResult[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      console.log(`round ${r} of ${ROUNDS}: a fresh collector, ${CONNECTIONS} agents`);
      results.push(await round(url, dir, credentials, databaseName, children));
    }
    const perAgent = results.map((x) => x.perAgentKiB).sort((x, y) => x - y);
    const held = results.map((x) => x.rssMiB).sort((x, y) => x - y);
    const median = (values: number[]) => values[Math.floor((values.length - 1) / 2)] ?? 0;
    console.log(
      `collector RSS holding ${CONNECTIONS} idle agents: min ${(held[0] ?? 0).toFixed(0)}  median ${median(held).toFixed(0)} MiB over ${ROUNDS} rounds`,
    );
    console.log(
      `per idle agent: min ${(perAgent[0] ?? 0).toFixed(1)}  median ${median(perAgent).toFixed(1)}  max ${(perAgent.at(-1) ?? 0).toFixed(1)} KiB ` +
        `(budget 10 KiB): ${median(perAgent) <= 10 ? 'OK' : 'OVER'}`,
    );
  } finally {
    for (const child of children) if (child.process.exitCode === null) child.process.kill('SIGTERM');
    await bench.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await benchEntry(import.meta.url, run, agentsRole);
