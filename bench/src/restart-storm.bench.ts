// A collector restart at full load: N authenticated agents connected (default 19,000, from 8
// loopback source addresses), the collector killed with SIGKILL and started again on the same
// port and database, and every agent coming back on its own. The fake agents speak the shared
// protocol and reconnect exactly as the real ones do: `judgeClose` (shared/src/protocol/
// reconnect-policy.ts) with the desktop agent's defaults (1 s base, 30 s cap, 10 minutes after a
// refusal; retries kept quick for two minutes after a lost connection), the attempt count reset at each welcome. Three rounds of kill and restart; for each it prints: how many agents
// are back every 5 s, the time until all are back (budget: 60 s), every close code the agents
// saw and how often, and the restarted collector's peak RSS; then min and median over the rounds. The collector and the agents are
// child processes with the open-file limit raised (a process may hold 20,000 files here).
//   node bench/src/restart-storm.bench.ts    VIGIL_BENCH_CONNECTIONS=19000 VIGIL_BENCH_BACK_SECONDS=180 VIGIL_BENCH_ROUNDS=3
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { backoffAttempt, encode, judgeClose, makeEnvelope, type ReconnectSettings } from '@vigil/shared/protocol';
import { findFreePort } from '@vigil/collector/free-port';
import WebSocket from 'ws';
import { benchEntry, createBenchDatabase, fdLimit, rssMiB, say, startChild, type Child, type Credentials } from './collector-bench-kit.ts';

const CONNECTIONS = Number(process.env.VIGIL_BENCH_CONNECTIONS ?? 19_000);
const BACK_SECONDS = Number(process.env.VIGIL_BENCH_BACK_SECONDS ?? 180);
const ROUNDS = Math.max(1, Number(process.env.VIGIL_BENCH_ROUNDS ?? 3));
const SOURCE_ADDRESSES = 8;
const BUDGET_SECONDS = 60;
/** The desktop agent's defaults (agent/src/core/agent-config.ts). */
const RECONNECT: ReconnectSettings = { baseMs: 1_000, capMs: 30_000, refusedMs: 600_000 };
const thisFile = fileURLToPath(import.meta.url);
const HEARTBEAT = {
  uptimeSeconds: 1,
  locked: false,
  idleSeconds: 0,
  keyboard: 'ok',
  outbox: { pending: 0, bytes: 0, droppedActivity: 0, droppedAlerts: 0 },
} as const;

// ── role: agents (child) ───────────────────────────────────────────────────────────────
/** One fake agent: connects, says hello, counts as up at welcome; after any close, judges it and comes back. */
class StormAgent {
  up = false;
  #attempt = 0;
  #lostAt: number | undefined;
  #wordlistVersion: string | undefined;
  readonly credentials: Credentials;
  readonly url: string;
  readonly localAddress: string;
  readonly onClose: (code: number, reason: string, refused: boolean) => void;
  readonly onUp: () => void;

  constructor(
    credentials: Credentials,
    url: string,
    localAddress: string,
    onClose: (code: number, reason: string, refused: boolean) => void,
    onUp: () => void,
  ) {
    this.credentials = credentials;
    this.url = url;
    this.localAddress = localAddress;
    this.onClose = onClose;
    this.onUp = onUp;
  }

  connect(): void {
    const socket = new WebSocket(this.url, { perMessageDeflate: false, localAddress: this.localAddress });
    let error = '';
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message.slice(0, 40))); // a 'close' follows
    socket.once('open', () => {
      socket.send(
        encode(
          makeEnvelope('hello', {
            auth: { kind: 'device', deviceId: this.credentials.deviceId, secret: this.credentials.secret },
            agentVersion: 'bench',
            os: { platform: 'linux', release: '6.1', arch: 'x64' },
            hostname: `bench-${this.credentials.deviceId.slice(-6)}`,
            osUser: 'pupil',
            capabilities: ['keyboard', 'window'],
            previousExit: 'clean',
            ...(this.#wordlistVersion === undefined ? {} : { wordlistVersion: this.#wordlistVersion }),
          }),
        ),
      );
    });
    let beat: NodeJS.Timeout | undefined;
    socket.on('message', (data: Buffer) => {
      if (this.up) return;
      const message = JSON.parse(data.toString('utf8')) as { type: string; payload?: { wordlistVersion?: string; policy?: { heartbeatSeconds?: number } } };
      if (message.type !== 'welcome') return;
      this.#wordlistVersion = message.payload?.wordlistVersion;
      this.up = true;
      this.#attempt = 0;
      this.onUp();
      // As the real agent: a heartbeat on welcome, then every policy.heartbeatSeconds.
      const heartbeat = () => socket.send(encode(makeEnvelope('heartbeat', HEARTBEAT)));
      heartbeat();
      beat = setInterval(heartbeat, (message.payload?.policy?.heartbeatSeconds ?? 30) * 1_000);
    });
    socket.once('close', (code: number, reason: Buffer) => {
      clearInterval(beat);
      const wasUp = this.up;
      this.up = false;
      if (wasUp) this.#lostAt = performance.now();
      const attempt = backoffAttempt(this.#attempt++, this.#lostAt === undefined ? undefined : performance.now() - this.#lostAt);
      const verdict = judgeClose(code, reason.toString('utf8'), attempt, RECONNECT);
      this.onClose(code, reason.toString('utf8') || error, verdict.kind === 'refused');
      if (wasUp) this.onDown();
      setTimeout(() => this.connect(), verdict.delayMs).unref();
    });
  }

  onDown: () => void = () => undefined;
}

async function agentsRole(): Promise<void> {
  const url = process.env.VIGIL_BENCH_URL ?? '';
  const all = JSON.parse(await readFile(process.env.VIGIL_BENCH_CREDENTIALS ?? '', 'utf8')) as Credentials[];
  let up = 0;
  const closes = new Map<string, number>();
  let refusals = 0;
  let epoch = 0;
  const agents = all.map(
    (credentials, i) =>
      new StormAgent(
        credentials,
        url,
        `127.0.0.${(i % SOURCE_ADDRESSES) + 1}`,
        (code, reason, refused) => {
          const key = `${code}${reason === '' ? '' : ` ${reason.split(':')[0]}`}`;
          closes.set(key, (closes.get(key) ?? 0) + 1);
          if (refused) refusals += 1;
        },
        () => (up += 1),
      ),
  );
  for (const agent of agents) agent.onDown = () => (up -= 1);
  // The first start: spread over a few seconds, as PCs switched on in a morning would be (not measured).
  for (const [i, agent] of agents.entries()) {
    agent.connect();
    if (i % 500 === 499) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const report = setInterval(() => say({ event: 'up', epoch, up, refusals, closes: Object.fromEntries(closes), rssMiB: Math.round(rssMiB('self')) }), 1_000);
  say({ event: 'started', count: agents.length, fdLimit: fdLimit() });
  for await (const command of createInterface({ input: process.stdin })) {
    if (command === 'reset') {
      closes.clear();
      refusals = 0;
      epoch += 1;
    } else if (command === 'quit') break;
  }
  clearInterval(report);
}

type UpLine = Record<string, unknown> & { up: number; epoch: number };

// ── parent ─────────────────────────────────────────────────────────────────────────────
/** Waits for the agents' next `up` line that satisfies `done`, calling `each` on every line on the way. */
async function untilUp(
  agents: Child,
  done: (line: UpLine) => boolean,
  timeoutMs: number,
  each: (line: UpLine) => void = () => undefined,
): Promise<UpLine | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const line = (await agents.next('up', Math.max(1, deadline - performance.now())).catch(() => undefined)) as UpLine | undefined;
    if (line === undefined) return undefined;
    each(line);
    if (done(line)) return line;
  }
  return undefined;
}

export default async function run(): Promise<void> {
  const bench = await createBenchDatabase('vigil_bench_storm', CONNECTIONS);
  const dir = await mkdtemp(join(tmpdir(), 'vigil-storm-bench-'));
  const children: Child[] = [];
  try {
    const credentials = join(dir, 'agents.json');
    await writeFile(credentials, JSON.stringify(bench.agents));
    const port = await findFreePort();
    const collectorEnv = { VIGIL_BENCH_DATABASE: bench.url, VIGIL_BENCH_DATA_DIR: dir, VIGIL_BENCH_PORT: String(port) };
    let collector = startChild(thisFile, 'collector', collectorEnv);
    children.push(collector);
    await collector.next('listening', 60_000);
    const agents = startChild(thisFile, 'agents', { VIGIL_BENCH_URL: `ws://127.0.0.1:${port}/agent/v1`, VIGIL_BENCH_CREDENTIALS: credentials });
    children.push(agents);
    const started = await agents.next('started', 60_000);
    const first = performance.now();
    const allUp = await untilUp(agents, (line) => line.up >= CONNECTIONS, 600_000);
    if (allUp === undefined) throw new Error(`the first start did not bring all ${CONNECTIONS} agents up within 10 minutes`);
    console.log(
      `${CONNECTIONS} agents up after the first start in ${((performance.now() - first) / 1000).toFixed(1)} s (agents' fd limit ${String(started.fdLimit)})`,
    );
    collector.send('stats');
    const before = await collector.next('stats', 30_000);
    console.log(`collector before the kill: ${String(before.connected)} connected, RSS ${(Number(before.rss) / 2 ** 20).toFixed(0)} MiB`);

    const backTimes: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round} of ${ROUNDS}:`);
      // kill -9, then the same collector again, at once.
      agents.send('reset');
      collector.process.kill('SIGKILL');
      await new Promise((resolve) => collector.process.once('exit', resolve));
      const killedAt = performance.now();
      collector = startChild(thisFile, 'collector', collectorEnv);
      children.push(collector);
      await collector.next('listening', 60_000);
      const listeningAfter = (performance.now() - killedAt) / 1000;
      const collectorPid = collector.process.pid ?? 0;

      const timeline: string[] = [];
      let nextMark = 5;
      let last: UpLine | undefined;
      // Lines from before this kill (an earlier epoch) are skipped; "back" needs a drop seen first.
      let dropped = false;
      const back = await untilUp(
        agents,
        (line) => dropped && line.epoch === round && line.up >= CONNECTIONS,
        BACK_SECONDS * 1_000,
        (line) => {
          if (line.epoch !== round) return;
          if (line.up < CONNECTIONS) dropped = true;
          last = line;
          const seconds = (performance.now() - killedAt) / 1000;
          if (seconds >= nextMark) {
            timeline.push(`${nextMark} s: ${line.up}`);
            nextMark += 5;
          }
        },
      );
      const backSeconds = (performance.now() - killedAt) / 1000;
      const peak = rssMiB(collectorPid, 'VmHWM');
      console.log(`  restarted collector listening ${listeningAfter.toFixed(1)} s after the kill`);
      console.log(`  agents back after the kill (every 5 s): ${timeline.join(', ')}`);
      if (back !== undefined) {
        backTimes.push(backSeconds);
        console.log(`  all ${CONNECTIONS} agents back ${backSeconds.toFixed(1)} s after the kill (budget ${BUDGET_SECONDS} s)`);
      } else {
        console.log(`  NOT all back: ${last?.up ?? 0} of ${CONNECTIONS} after ${BACK_SECONDS} s (budget ${BUDGET_SECONDS} s)`);
        break;
      }
      console.log(
        `  close codes the agents saw after the kill: ${JSON.stringify(last?.closes ?? {})}; refusals (10-minute waits): ${String(last?.refusals ?? 0)}`,
      );
      console.log(`  restarted collector peak RSS ${peak.toFixed(0)} MiB; agents' process RSS ${String(last?.rssMiB ?? '?')} MiB`);
    }
    const sorted = [...backTimes].sort((a, b) => a - b);
    if (sorted.length === ROUNDS) {
      const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
      console.log(
        `all ${CONNECTIONS} back after a kill -9 and restart: min ${(sorted[0] ?? Number.NaN).toFixed(1)} s, median ${median.toFixed(1)} s over ${ROUNDS} rounds (budget ${BUDGET_SECONDS} s)`,
      );
    } else {
      console.log(`NOT every round brought all ${CONNECTIONS} agents back within ${BACK_SECONDS} s (budget ${BUDGET_SECONDS} s)`);
    }
    agents.send('quit');
    collector.send('quit');
    const running = (child: Child) => child.process.exitCode === null && child.process.signalCode === null;
    await Promise.all(children.map((child) => (running(child) ? new Promise((resolve) => child.process.once('exit', resolve)) : undefined)));
  } finally {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    await bench.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

await benchEntry(import.meta.url, run, agentsRole);
