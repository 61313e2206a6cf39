// The live view: 30 agents over real WebSockets on loopback stream 1 frame/s of thumbnails to one console
// viewer watching their room, through the real collector (buildApp: gateway → live hub → /console/live).
// Agents start streaming only when the hub asks them (`live` on), as real agents do. Prints frame latency
// p50/p95 (agent send → viewer receive, one clock), bytes/s per agent and the collector's CPU.
// Budget (DESIGN.md): 30 tiles at 1 frame/s, ≤ 40 KB/s per agent, p95 ≤ 300 ms.
//
// The frames are real: before the agents start, the agent's own capture path (NodeScreenCapture: grab and
// encode in the image worker) records one thumbnail a second at the grid's width and the agent's quality
// (LIVE_GRID, 320 px, JPEG q60) of a changing screen — an Xvfb 1280×800 with an xterm whose text keeps
// scrolling, as a pupil's screen changes. A frame whose image equals the one before goes as the agent sends
// it, an `unchanged` marker with no image. Each agent replays that recording from its own offset, so the
// bytes/s per agent are those of real captures, not of a constant it made up.
//
// The collector runs in this process; the agents and the viewer run in a worker thread
// (their own event loop, one clock for both ends; the worker loads only `ws` and shared). Database: a fresh temporary one on
// TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres).
//   node bench/src/live.bench.ts          VIGIL_BENCH_AGENTS=30 VIGIL_BENCH_SECONDS=10 VIGIL_BENCH_RECORD_SECONDS=20
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { Database } from '@vigil/collector';
import { decodeLiveFrame } from '@vigil/shared/console';
import { encode, encodeBinary, makeEnvelope } from '@vigil/shared/protocol';
import WebSocket from 'ws';
import { loginBenchAgent } from './bench-agent.ts';
import { cpuSeconds, percentile } from './proc-cpu.ts';

const AGENTS = Number(process.env.VIGIL_BENCH_AGENTS ?? 30);
const SECONDS = Math.min(25, Number(process.env.VIGIL_BENCH_SECONDS ?? 10));
const RECORD_SECONDS = Math.max(2, Number(process.env.VIGIL_BENCH_RECORD_SECONDS ?? 20));
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface AgentCredentials {
  readonly deviceId: string;
  readonly secret: string;
}

interface WorkerInput {
  readonly role: 'live-agents';
  readonly agentUrl: string;
  readonly liveUrl: string;
  readonly origin: string;
  readonly cookie: string;
  readonly roomId: string;
  readonly agents: readonly AgentCredentials[];
  readonly seconds: number;
  readonly frames: readonly RecordedFrame[];
}

/** One recorded thumbnail; `bytes` empty for a frame the agent would send as `unchanged`. */
interface RecordedFrame {
  readonly bytes: Uint8Array;
  readonly width: number;
  readonly height: number;
}

interface WorkerResult {
  readonly latencies: Float64Array;
  readonly sentFrames: number;
  readonly receivedFrames: number;
  readonly corruptFrames: number;
  /** Bytes each agent put on its socket while streaming (frames, with their headers). */
  readonly sentBytesPerAgent: Float64Array;
  readonly receivedBytes: number;
  readonly streamingMs: number;
  readonly askedToStream: number;
  readonly askedToStop: number;
  readonly closes: string[];
}

type Frame = { type: string; payload: { on?: boolean; fps?: number } };

/** Agents and the viewer (worker thread). */
async function runAgents(input: WorkerInput): Promise<WorkerResult> {
  const sockets = await Promise.all(
    input.agents.map(async (agent) => (await loginBenchAgent(input.agentUrl, agent, { capabilities: ['window', 'live'], perMessageDeflate: false })).socket),
  );
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const sentBytesPerAgent = new Float64Array(sockets.length);
  const closes: string[] = [];
  let sentFrames = 0;
  let receivedFrames = 0;
  let corruptFrames = 0;
  let receivedBytes = 0;
  let askedToStream = 0;
  let askedToStop = 0;
  let streamingFrom = Number.POSITIVE_INFINITY;
  let stopping = false;
  const timers: NodeJS.Timeout[] = [];

  const recording = input.frames;
  const sentLength = new Map<string, number>();

  sockets.forEach((socket, index) => {
    const deviceId = input.agents[index]?.deviceId ?? '';
    let seq = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return;
      const message = JSON.parse(data.toString('utf8')) as Frame;
      if (message.type !== 'live') return;
      clearInterval(timer);
      if (message.payload.on !== true) {
        askedToStop++;
        return;
      }
      askedToStream++;
      streamingFrom = Math.min(streamingFrom, performance.now());
      const send = () => {
        if (stopping) return;
        seq++;
        // Each agent replays the recording from its own place in it.
        const recorded = recording[(index + seq) % recording.length];
        if (recorded === undefined) return;
        const unchanged = recorded.bytes.byteLength === 0;
        const frame = encodeBinary(
          makeEnvelope('frame', { seq, width: recorded.width, height: recorded.height, mime: 'image/jpeg', ...(unchanged ? { unchanged: true } : {}) }),
          recorded.bytes,
        );
        sentAt.set(`${deviceId}:${seq}`, performance.now());
        sentLength.set(`${deviceId}:${seq}`, recorded.bytes.byteLength);
        socket.send(frame);
        sentBytesPerAgent[index] = (sentBytesPerAgent[index] ?? 0) + frame.byteLength;
        sentFrames++;
      };
      // Agents' clocks are not in step: each starts at its own phase within the second.
      const periodMs = 1_000 / (message.payload.fps ?? 1);
      const first = setTimeout(() => {
        send();
        timer = setInterval(send, periodMs);
        timers.push(timer);
      }, Math.random() * periodMs);
      timers.push(first);
    });
    socket.on('close', (code, reason) => {
      if (!stopping) closes.push(`agent ${code} ${reason.toString()}`);
    });
  });

  const viewer = new WebSocket(input.liveUrl, { headers: { cookie: input.cookie }, origin: input.origin, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    viewer.once('open', () => resolve());
    viewer.once('unexpected-response', (_request, response) => reject(new Error(`viewer refused: HTTP ${response.statusCode}`)));
    viewer.once('error', reject);
  });
  viewer.on('message', (data: Buffer, isBinary) => {
    const now = performance.now();
    if (!isBinary) {
      const message = JSON.parse(data.toString('utf8')) as { type: string; code?: string };
      if (message.type === 'error') closes.push(`viewer error ${message.code ?? ''}`);
      return;
    }
    receivedBytes += data.byteLength;
    const frame = decodeLiveFrame(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    const key = frame === undefined ? '' : `${frame.header.deviceId}:${frame.header.seq}`;
    if (frame === undefined || frame.bytes.byteLength !== sentLength.get(key)) {
      corruptFrames++;
      return;
    }
    sentLength.delete(key);
    const start = sentAt.get(key);
    if (start === undefined) return;
    sentAt.delete(key);
    latencies.push(now - start);
    receivedFrames++;
  });
  viewer.on('close', (code, reason) => {
    if (!stopping) closes.push(`viewer ${code} ${reason.toString()}`);
  });
  viewer.send(JSON.stringify({ type: 'watch', roomId: input.roomId }));

  parentPort?.postMessage({ type: 'ready' });
  await new Promise((resolve) => setTimeout(resolve, input.seconds * 1_000 + 1_000));
  // Stop sending, let frames in flight arrive, then leave: the hub must tell every agent to stop.
  stopping = true;
  const streamingMs = performance.now() - streamingFrom;
  for (const timer of timers) clearTimeout(timer);
  await new Promise((resolve) => setTimeout(resolve, 500));
  viewer.close(1000);
  const deadline = performance.now() + 3_000;
  while (askedToStop < sockets.length && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  for (const socket of sockets) {
    socket.send(encode(makeEnvelope('bye', { reason: 'shutdown' })));
    socket.close(1000);
  }
  return {
    latencies: Float64Array.from(latencies),
    sentFrames,
    receivedFrames,
    corruptFrames,
    sentBytesPerAgent,
    receivedBytes,
    streamingMs,
    askedToStream,
    askedToStop,
    closes,
  };
}

/** A room of devices with known secrets, and a teacher of that room with a live session (SQL: the bench measures the live path, not sign-in). */
async function seed(database: Database, count: number): Promise<{ agents: AgentCredentials[]; roomId: string; cookie: string }> {
  const { hashSecret } = await import('@vigil/collector');
  const id = () => `01K${randomBytes(12).toString('hex').toUpperCase().slice(0, 23)}`; // ULID-shaped (hex is Crockford-safe)
  const [siteId, roomId, userId] = [id(), id(), id()];
  const agents = Array.from({ length: count }, () => ({ deviceId: id(), secret: randomBytes(32).toString('base64url') }));
  await database.pool.query(`insert into sites (id, name) values ($1, 'Bench Academy')`, [siteId]);
  await database.pool.query(`insert into rooms (id, site_id, name) values ($1, $2, 'ICT Suite 1')`, [roomId, siteId]);
  await database.pool.query(
    `insert into devices (id, site_id, room_id, hostname, os, secret_hash)
     select id, $1, $2, 'bench-' || id, 'linux', hash from unnest($3::text[], $4::text[]) as t(id, hash)`,
    [siteId, roomId, agents.map((agent) => agent.deviceId), agents.map((agent) => hashSecret(agent.secret))],
  );
  await database.pool.query(`insert into users (id, username, display_name, role) values ($1, 'bench.teacher', 'Bench Teacher', 'teacher')`, [userId]);
  await database.pool.query(`insert into user_rooms (user_id, room_id) values ($1, $2)`, [userId, roomId]);
  const token = randomBytes(32).toString('base64url');
  await database.pool.query(
    `insert into sessions (id_hash, user_id, expires_at, mfa_verified_at, csrf_token) values ($1, $2, now() + interval '1 hour', now(), $3)`,
    [hashSecret(token), userId, randomBytes(32).toString('base64url')],
  );
  return { agents, roomId, cookie: `vigil_session=${token}` };
}

/**
 * One thumbnail a second of a changing screen, through the agent's own capture path at the grid's settings:
 * Xvfb 1280×800, an xterm in which a shell keeps printing (a pupil's screen that changes), NodeScreenCapture.
 */
async function recordFrames(seconds: number): Promise<RecordedFrame[]> {
  const { startXvfb } = await import('@vigil/agent/testing');
  const { NodeScreenCapture } = await import('@vigil/agent/platform/node');
  const { LIVE_GRID } = await import('@vigil/shared/console');
  const x = await startXvfb({ width: 1280, height: 800 });
  const savedDisplay = process.env.DISPLAY;
  process.env.DISPLAY = x.display;
  try {
    await x.openXterm('Homework');
    await x.xdotoolType('while :; do ls -l --time-style=+%T.%N /usr/share/doc | shuf -n 3; sleep 0.4; done\n');
    const capture = new NodeScreenCapture();
    const frames: RecordedFrame[] = [];
    let lastSha = '';
    const t0 = performance.now();
    for (let i = 0; i < seconds; i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, t0 + i * 1_000 - performance.now())));
      // As LiveService does: the grid's width, quality 60; the same image as last time goes as `unchanged`.
      const image = await capture.capture({ maxWidth: LIVE_GRID.width, quality: 60 });
      frames.push({ bytes: image.sha256 === lastSha ? new Uint8Array(0) : image.bytes, width: image.width, height: image.height });
      lastSha = image.sha256;
    }
    return frames;
  } finally {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x.stop();
  }
}

export default async function run(): Promise<void> {
  const frames = await recordFrames(RECORD_SECONDS);
  const sizes = frames.filter((f) => f.bytes.byteLength > 0).map((f) => f.bytes.byteLength / 1_000);
  console.log(
    `recorded ${frames.length} thumbnails, 1 a second, of a changing screen (Xvfb 1280×800, scrolling xterm; the agent's capture path, ${frames[0]?.width ?? '?'} px, q60): ` +
      `${sizes.length} images, mean ${(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)).toFixed(1)} KB, max ${Math.max(0, ...sizes).toFixed(1)} KB; ${frames.length - sizes.length} unchanged`,
  );
  // Imported here, not at the top: the worker thread loads this file too and needs none of it.
  const { buildApp, connectDatabase, createLogger, loadConfig } = await import('@vigil/collector');
  const log = createLogger('warn');
  const admin = await connectDatabase(SERVER_URL, log, { migrate: false, poolSize: 1 });
  const name = `vigil_bench_live_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await admin.pool.query(`create database ${name}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-live-bench-'));
  let database: Database | undefined;
  try {
    database = await connectDatabase(url.toString(), log, { poolSize: 10 });
    const { agents, roomId, cookie } = await seed(database, AGENTS);
    const loaded = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: dataDir });
    if (!loaded.ok) throw new Error(loaded.message);
    const app = await buildApp(loaded.config, { database, logger: log, consoleDir: dataDir });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('no TCP address');
    try {
      const input: WorkerInput = {
        role: 'live-agents',
        agentUrl: `ws://127.0.0.1:${address.port}/agent/v1`,
        liveUrl: `ws://127.0.0.1:${address.port}/console/live`,
        origin: `http://127.0.0.1:${address.port}`,
        cookie,
        roomId,
        agents,
        seconds: SECONDS,
        frames,
      };
      let cpuBefore = cpuSeconds();
      let wallBefore = performance.now();
      const worker = new Worker(new URL(import.meta.url), { workerData: input });
      const result = await new Promise<WorkerResult>((resolve, reject) => {
        worker.on('message', (message: WorkerResult | { type: 'ready' }) => {
          if (!('type' in message)) return resolve(message);
          cpuBefore = cpuSeconds();
          wallBefore = performance.now();
        });
        worker.once('error', reject);
      });
      const cpu = cpuSeconds() - cpuBefore;
      const wall = (performance.now() - wallBefore) / 1_000;
      await worker.terminate();

      const latencies = [...result.latencies].sort((a, b) => a - b);
      const seconds = result.streamingMs / 1_000;
      const perAgent = [...result.sentBytesPerAgent].map((bytes) => bytes / seconds / 1_000).sort((a, b) => a - b);
      console.log(`${AGENTS} agents × 1 frame/s of the recorded thumbnails → 1 console viewer, ${seconds.toFixed(1)} s of streaming`);
      console.log(`agents asked to stream: ${result.askedToStream} of ${AGENTS}; asked to stop when the viewer left: ${result.askedToStop} of ${AGENTS}`);
      console.log(
        `frames: ${result.sentFrames} sent, ${result.receivedFrames} received intact (${(result.sentFrames - result.receivedFrames).toString()} lost or in flight at the end), ${result.corruptFrames} malformed`,
      );
      console.log(
        `frame latency agent → viewer: p50 ${percentile(latencies, 50).toFixed(1)} ms, p95 ${percentile(latencies, 95).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${percentile(latencies, 100).toFixed(1)} ms (budget p95 ≤ 300 ms)`,
      );
      console.log(
        `bytes/s per agent (upstream, frames with headers): median ${percentile(perAgent, 50).toFixed(1)} KB/s, max ${percentile(perAgent, 100).toFixed(1)} KB/s (budget ≤ 40 KB/s); viewer received ${(result.receivedBytes / seconds / 1_000).toFixed(0)} KB/s`,
      );
      console.log(
        `this process (collector + agents/viewer worker) CPU: ${cpu.toFixed(2)} s over ${wall.toFixed(1)} s (${((cpu / wall) * 100).toFixed(1)} % of one core)`,
      );
      if (result.closes.length > 0) console.log(`unexpected: ${result.closes.slice(0, 5).join('; ')}`);
    } finally {
      await app.close();
    }
  } finally {
    await database?.close();
    await admin.pool.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (!isMainThread && (workerData as WorkerInput | undefined)?.role === 'live-agents') {
  parentPort?.postMessage(await runAgents(workerData as WorkerInput));
} else if (isMainThread && import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
