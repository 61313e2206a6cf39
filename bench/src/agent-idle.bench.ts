// The headless agent at rest, measured as the whole process tree a school PC runs: the
// supervisor, the agent it starts and every process below them (helpers such as xprintidle
// or xprop, a locker, a key-hook child, the system service's session helper), found by walking
// /proc from the top PID at every reading — so whatever the tree is now is what is counted.
// Per reading: RSS and PSS per process (smaps_rollup), and the tree's resident set — every
// physical page any of its processes holds, counted once (from /proc/<pid>/pagemap; root only).
// Summing RSS counts a page two processes share (the node binary above all) once per process;
// the resident set is what the tree occupies in RAM, and the budget is judged on it when it can
// be read (else on the RSS sum). Repeated rounds after a warm-up; min and median are printed.
// Nothing is forced (no GC from outside); only this tree's processes are counted.
//
// Two setups, one after the other on the same display and collector:
// - `pnpm agent` from its second start on: launch.mjs (which becomes supervise.sh on Linux) →
//   the bundle (dist/headless/main.mjs, built if stale) with its V8 flags, a warm compile cache;
// - as root: the .deb's system service, as its unit's ExecStart runs it (node flags, bundle,
//   --system, a warm compile cache), with the session helper as VIGIL_BENCH_SESSION_USER
//   (default `nobody`) on the bench's display.
//
// Phase 2, the live view: a console viewer watches the room (live thumbnails streaming from
// this agent through the real collector) for 60 s, then leaves; the tree is read during the
// stream and every 10 s for 90 s after, and the bench prints when it is back within 10 % of idle.
//
// The measured processes run on a private copy of the node binary (as the .deb ships its own),
// so PSS splits the binary's pages among them alone (not among every node process on the
// machine, which would flatter it).
//
// Run alone: node bench/src/agent-idle.bench.ts
//   VIGIL_BENCH_WARMUP_SECONDS=n     settle time after connecting before the first round (default 15)
//   VIGIL_BENCH_ROUNDS=n             idle rounds (default 10), one every VIGIL_BENCH_ROUND_SECONDS (default 5)
//   VIGIL_BENCH_LIVE_SECONDS=n       how long the viewer watches (default 60; 0 skips phase 2)
//   VIGIL_BENCH_AFTER_SECONDS=n      how long to follow memory after the viewer left (default 90)
//   VIGIL_BENCH_SYSTEM=0             skip the .deb's system service
//   VIGIL_BENCH_SESSION_USER=name    the session helper's user for it (default nobody; not root)
//   VIGIL_BENCH_SUPERVISED=0         the first setup runs the agent directly (VIGIL_BENCH_AGENT_SCRIPT, default main.ts)
//   VIGIL_BENCH_AGENT_FLAGS="…"      node flags for the first setup, e.g. "--max-semi-space-size=1"
//   VIGIL_BENCH_AGENT_ARGS="..."     more agent options for it ({display} is the bench's display); skips the second setup
//   VIGIL_BENCH_SHARED_NODE=1        use this node binary instead of a private copy
//   VIGIL_BENCH_COMPILE_CACHE=0      a cold start (no compile cache)
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { startXvfb, type Xvfb } from '@vigil/agent/testing';
import {
  memoryMiB,
  privateNodeBinary,
  repoRoot,
  residentUnionMiB,
  startAgent,
  startCollectorSystem,
  startNode,
  type BenchSystem,
  type Memory,
} from './agent-system.ts';
import { childrenOf, cpuSeconds, percentile } from './proc-cpu.ts';

const NONE: Memory = { rss: 0, pss: 0, private: 0 };
const sum = (ms: readonly Memory[]): Memory => ms.reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss, private: a.private + b.private }), NONE);
const fmt = (m: Memory) => `${m.rss.toFixed(1).padStart(6)}  ${m.pss.toFixed(1).padStart(6)}  ${m.private.toFixed(1).padStart(7)}`;
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** 100 MB (issue #13) in MiB, as the numbers here are. */
const BUDGET_MIB = 100e6 / 2 ** 20;

interface TreeProcess {
  pid: number;
  cmd: string;
  memory: Memory;
}

/** Every process in the tree under (and including) `root`, with its memory; processes that exit mid-walk are skipped. */
async function processTree(root: number, rootCmd: string): Promise<TreeProcess[]> {
  const found: TreeProcess[] = [];
  const queue: { pid: number; cmd: string }[] = [{ pid: root, cmd: rootCmd }];
  while (queue.length > 0) {
    const next = queue.shift();
    if (next === undefined) break;
    try {
      found.push({ ...next, memory: await memoryMiB(next.pid) });
    } catch {
      continue; // exited
    }
    queue.push(...(await childrenOf(next.pid)));
  }
  return found;
}

const treeTotal = (tree: readonly TreeProcess[]) => sum(tree.map((p) => p.memory));

function treeCpu(tree: readonly TreeProcess[]): number {
  let total = 0;
  for (const p of tree) {
    try {
      total += cpuSeconds(p.pid, true);
    } catch {
      // exited
    }
  }
  return total;
}

/** A short name for a process of the tree: the script, not the whole command line. */
function label(cmd: string, execPath: string): string {
  const parts = cmd.replace(execPath, 'node').replace(repoRoot, '').split(' ');
  if (/(^|\/)(ba|da)?sh$/.test(parts[0] ?? '')) return `sh ${(parts[1] ?? '').split('/').at(-1) ?? ''}`;
  const script = parts.find((p) => /\.(m?[jt]s)$/.test(p));
  return script === undefined ? ((parts[0] ?? '?').split('/').at(-1) ?? '?') : `node ${script.split('/').slice(-2).join('/')}`;
}

/** One way of running the agent, measured as a tree. */
interface Setup {
  title: string;
  supervised: boolean;
  /** The script run directly (not supervised). */
  script?: string;
  flags: string[];
  /** More agent options; {display} is the bench's display. */
  args: string[];
  /** Whose acceptable-use notice is already acknowledged (the session's user). */
  osUser?: string;
}

/** What `pnpm agent` runs, or what VIGIL_BENCH_SUPERVISED / _AGENT_SCRIPT / _AGENT_FLAGS / _AGENT_ARGS say. */
function configuredSetup(): Setup {
  const supervised = process.env.VIGIL_BENCH_SUPERVISED !== '0';
  const flags = (process.env.VIGIL_BENCH_AGENT_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const args = (process.env.VIGIL_BENCH_AGENT_ARGS ?? '').split(' ').filter((a) => a !== '');
  const title = supervised
    ? 'pnpm agent (launch.mjs → supervise.sh → agent)'
    : `the agent run directly${flags.length === 0 ? '' : `, node flags ${flags.join(' ')}`}${args.length === 0 ? '' : `, ${args.join(' ')}`}`;
  const script = process.env.VIGIL_BENCH_AGENT_SCRIPT;
  return { title, supervised, flags, args, ...(script === undefined ? {} : { script }) };
}

/**
 * The .deb's system service as its unit starts it: node flags and bundle from the ExecStart of
 * agent/build/linux/vigil-agent.service, as root with `--system`, the session helper as
 * `sessionUser` on the bench's display.
 */
async function debServiceSetup(sessionUser: string): Promise<Setup> {
  const unit = await readFile(join(repoRoot, 'agent/build/linux/vigil-agent.service'), 'utf8');
  const exec = /^ExecStart=(\S+) (.*)$/m.exec(unit)?.[2]?.split(' ') ?? [];
  const bundleAt = exec.findIndex((a) => a.endsWith('/headless/main.mjs'));
  if (bundleAt < 0) throw new Error('agent/build/linux/vigil-agent.service: no ExecStart running headless/main.mjs');
  // The bundle as the package ships it, built fresh from this checkout.
  await promisify(execFile)(process.execPath, ['agent/src/headless/build.ts'], { cwd: repoRoot });
  return {
    title: `the .deb's system service (root, --system; session helper as ${sessionUser})`,
    supervised: false,
    script: 'agent/dist/headless/main.mjs',
    flags: exec.slice(0, bundleAt),
    args: ['--system', '--session-user', sessionUser, '--display', '{display}'],
    osUser: sessionUser,
  };
}

export default async function run(): Promise<void> {
  const node = process.env.VIGIL_BENCH_SHARED_NODE === '1' ? undefined : await privateNodeBinary();
  const execPath = node?.path ?? process.execPath;
  const setups = [configuredSetup()];
  // Root only: --system needs it, and so do the page frames the resident set is counted from.
  const systemUser = process.env.VIGIL_BENCH_SESSION_USER ?? 'nobody';
  if (process.getuid?.() === 0 && process.env.VIGIL_BENCH_SYSTEM !== '0' && process.env.VIGIL_BENCH_AGENT_ARGS === undefined)
    setups.push(await debServiceSetup(systemUser));
  const x = await startXvfb();
  const system = await startCollectorSystem();
  try {
    await x.openXterm('History homework');
    const verdicts: string[] = [];
    for (const setup of setups) verdicts.push(await measureTree(setup, system, x, execPath, node !== undefined));
    await floor(execPath);
    console.log('rss counts the node binary and shared libraries in every process; pss shares them out; private is what the process alone holds;');
    console.log(
      'the resident set is the pages the tree holds, each physical page once, however many of its processes map it (the budget is judged on it when root can read it)',
    );
    for (const v of verdicts) console.log(v);
  } finally {
    await system.dispose();
    await x.stop();
    await node?.dispose();
  }
}

/** The judged figure of a reading: the tree's resident set when readable, else the RSS sum (which counts shared pages once per process). */
interface TreeReading {
  processes: TreeProcess[];
  total: Memory;
  resident: number | undefined;
}
const judged = (r: TreeReading) => r.resident ?? r.total.rss;

async function measureTree(setup: Setup, system: BenchSystem, x: Xvfb, execPath: string, privateNode: boolean): Promise<string> {
  const warmupSeconds = num('VIGIL_BENCH_WARMUP_SECONDS', 15);
  const rounds = Math.max(1, num('VIGIL_BENCH_ROUNDS', 10));
  const roundSeconds = num('VIGIL_BENCH_ROUND_SECONDS', 5);
  const liveSeconds = num('VIGIL_BENCH_LIVE_SECONDS', 60);
  const afterSeconds = num('VIGIL_BENCH_AFTER_SECONDS', 90);
  const cacheDir = process.env.VIGIL_BENCH_COMPILE_CACHE !== '0' ? await mkdtemp(join(tmpdir(), 'vigil-bench-cache-')) : undefined;
  const root = cacheDir !== undefined && setup.supervised ? cacheDir : undefined;
  const env: Record<string, string> = cacheDir === undefined || setup.supervised ? {} : { NODE_COMPILE_CACHE: cacheDir };
  const run = {
    execPath,
    nodeArgs: setup.flags,
    supervised: setup.supervised,
    root,
    args: setup.args.map((a) => a.replaceAll('{display}', x.display)),
    ...(setup.script === undefined ? {} : { script: setup.script }),
    ...(setup.osUser === undefined ? {} : { osUser: setup.osUser }),
  };
  console.log(`\n== ${setup.title}`);
  try {
    if (cacheDir !== undefined) {
      const warmUp = await startAgent(system, x.display, {}, env, run);
      await warmUp.waitForMsg((m) => m === 'connected to the collector');
      await warmUp.stop();
    }
    const agent = await startAgent(system, x.display, {}, env, run);
    try {
      await agent.waitForMsg((m) => m === 'connected to the collector');
      const top = agent.child.pid ?? 0;
      const topCmd = (await readFile(`/proc/${top}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      const read = async (): Promise<TreeReading> => {
        const processes = await processTree(top, topCmd);
        return { processes, total: treeTotal(processes), resident: await residentUnionMiB(processes.map((p) => p.pid)) };
      };
      await delay(warmupSeconds * 1_000); // start-up work (word-list compile, first heartbeat, lazy loads) is not idle cost
      // A system service whose session helper is not running would measure small and wrong: say so instead.
      if (setup.args.includes('--system') && !(await read()).processes.some((p) => p.cmd.includes('session-helper'))) {
        const why = `${setup.title}: NOT MEASURED — no session helper in the tree after ${warmupSeconds} s (can ${setup.osUser ?? 'its user'} read ${repoRoot}?)`;
        console.log(why);
        return why;
      }

      // Phase 1: idle rounds.
      const cpu0 = treeCpu((await read()).processes);
      const t0 = performance.now();
      const idle: TreeReading[] = [];
      for (let r = 0; r < rounds; r++) {
        if (r > 0) await delay(roundSeconds * 1_000);
        idle.push(await read());
      }
      const last = idle.at(-1) ?? (await read());
      const elapsed = (performance.now() - t0) / 1_000;
      const cpuPct = ((treeCpu(last.processes) - cpu0) / Math.max(elapsed, 1e-3)) * 100;
      const sorted = (f: (r: TreeReading) => number) => idle.map(f).sort((a, b) => a - b);
      const line = (name: string, values: number[]) =>
        `${name}  min ${(values[0] ?? 0).toFixed(1)}  median ${percentile(values, 50).toFixed(1)}  max ${(values.at(-1) ?? 0).toFixed(1)} MiB`;
      console.log(`idle: xterm focused, key hook running, connected${cacheDir === undefined ? '' : ', warm compile cache'}`);
      console.log(
        `whole process tree from PID ${top} (walked in /proc at every reading), ${rounds} rounds every ${roundSeconds} s after ${warmupSeconds} s warm-up, no forced GC`,
      );
      console.log(
        `memory MiB, per process (last round)     rss     pss  private   (node binary: ${privateNode ? 'a private copy' : 'shared with other node processes'})`,
      );
      for (const p of last.processes) console.log(`  ${`${p.pid} ${label(p.cmd, execPath)}`.slice(0, 38).padEnd(38)} ${fmt(p.memory)}`);
      console.log(`  ${'whole tree'.padEnd(38)} ${fmt(last.total)}   (${last.processes.length} processes)`);
      console.log(
        line(
          'whole-tree RSS summed per process',
          sorted((r) => r.total.rss),
        ),
      );
      console.log(
        line(
          'whole-tree PSS                   ',
          sorted((r) => r.total.pss),
        ),
      );
      const readable = idle.every((r) => r.resident !== undefined);
      if (readable)
        console.log(
          line(
            'whole-tree resident set         ',
            sorted((r) => r.resident ?? 0),
          ),
        );
      else console.log('whole-tree resident set: not read (page frames in /proc/<pid>/pagemap need root); judged on the RSS sum');
      console.log(`whole-tree cpu  ${cpuPct.toFixed(2)} % of one core over ${elapsed.toFixed(0)} s`);
      const idleFigure = percentile(sorted(judged), 50);
      const measure = readable ? 'resident set' : 'RSS sum';
      const verdict = `${setup.title}: idle whole-tree ${measure} ${idleFigure.toFixed(1)} MiB (median; budget ${BUDGET_MIB.toFixed(1)} MiB = 100 MB): ${idleFigure <= BUDGET_MIB ? 'OK' : 'OVER'}`;
      console.log(verdict);
      if (liveSeconds <= 0) return verdict;
      const back = await livePhase(system, x, read, idleFigure, measure, liveSeconds, afterSeconds, execPath, () => agent.lines);
      return `${verdict}; ${back}`;
    } finally {
      await agent.stop();
    }
  } finally {
    if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
  }
}

/** A teacher of the bench room with a signed-in session (SQL: the bench measures the agent, not sign-in). */
async function viewerSession(system: BenchSystem): Promise<{ cookie: string; roomId: string }> {
  const { hashSecret } = await import('@vigil/collector');
  const pool = system.db.database.pool;
  const roomId = (await pool.query<{ id: string }>("select id from rooms where name = 'Bench Room'")).rows[0]?.id;
  if (roomId === undefined) throw new Error('the bench room is missing');
  const userId = `01K${randomBytes(12).toString('hex').toUpperCase().slice(0, 23)}`;
  await pool.query(`insert into users (id, username, display_name, role) values ($1, $2, 'Bench Viewer', 'teacher')`, [
    userId,
    `bench.viewer.${userId.slice(-6).toLowerCase()}`,
  ]);
  await pool.query(`insert into user_rooms (user_id, room_id) values ($1, $2)`, [userId, roomId]);
  const token = randomBytes(32).toString('base64url');
  await pool.query(`insert into sessions (id_hash, user_id, expires_at, mfa_verified_at, csrf_token) values ($1, $2, now() + interval '1 hour', now(), $3)`, [
    hashSecret(token),
    userId,
    randomBytes(32).toString('base64url'),
  ]);
  return { cookie: `vigil_session=${token}`, roomId };
}

async function livePhase(
  system: BenchSystem,
  x: Xvfb,
  read: () => Promise<TreeReading>,
  idleFigure: number,
  measure: string,
  liveSeconds: number,
  afterSeconds: number,
  execPath: string,
  agentLines: () => readonly string[],
): Promise<string> {
  const { cookie, roomId } = await viewerSession(system);
  const http = system.collectorUrl.replace(/^ws/, 'http');
  const viewer = new WebSocket(`${system.collectorUrl}/console/live`, { headers: { cookie }, origin: http, perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    viewer.once('open', () => resolve());
    viewer.once('unexpected-response', (_request, response) => reject(new Error(`viewer refused: HTTP ${response.statusCode ?? '?'}`)));
    viewer.once('error', reject);
  });
  let frames = 0;
  let frameBytes = 0;
  viewer.on('message', (data: Buffer, isBinary) => {
    if (!isBinary) return;
    frames++;
    frameBytes += data.byteLength;
  });
  viewer.send(JSON.stringify({ type: 'watch', roomId }));
  console.log(`live view: a console viewer watches the room for ${liveSeconds} s (thumbnails streaming from this agent)`);
  const during: number[] = [];
  const t0 = performance.now();
  // Something changes on screen every second (as a pupil working would), so frames are real images, not `unchanged` markers.
  const failures = () => agentLines().filter((l) => l.includes('live frame capture failed')).length;
  const typing = setInterval(() => void x.xdotool('type', '--delay', '0', 'x').catch(() => undefined), 1_000);
  for (let s = 10; s <= liveSeconds; s += 10) {
    await delay(Math.max(0, t0 + s * 1_000 - performance.now()));
    const r = await read();
    during.push(judged(r));
    console.log(`  watching +${String(s).padStart(3)} s   whole tree ${describe(r)}   frames received ${frames}, capture failures ${failures()}`);
  }
  clearInterval(typing);
  viewer.close(1000);
  const streamed = (performance.now() - t0) / 1_000;
  console.log(
    `  ${frames} frames (${(frameBytes / 1_000 / Math.max(streamed, 1)).toFixed(1)} KB/s); peak whole-tree ${measure} while watching ${Math.max(...during, 0).toFixed(1)} MiB`,
  );
  if (frames === 0) console.log('  WARNING: no frames arrived: the live phase did not measure streaming');
  const target = idleFigure * 1.1;
  const t1 = performance.now();
  let backAt: number | undefined;
  for (let s = 10; s <= afterSeconds; s += 10) {
    await delay(Math.max(0, t1 + s * 1_000 - performance.now()));
    const r = await read();
    const within = judged(r) <= target;
    if (within && backAt === undefined) backAt = s;
    console.log(`  after  +${String(s).padStart(3)} s   whole tree ${describe(r)}   ${within ? 'within' : 'above'} 10 % of idle (${target.toFixed(1)})`);
  }
  if (process.env.VIGIL_BENCH_DEBUG === '1') for (const l of agentLines().filter((l) => /live|frame|image/i.test(l))) console.log(l.slice(0, 300));
  console.log(`  per process at the end:`);
  for (const p of (await read()).processes) console.log(`    ${`${p.pid} ${label(p.cmd, execPath)}`.slice(0, 38).padEnd(38)} ${fmt(p.memory)}`);
  const back =
    backAt === undefined
      ? `after the viewer left: whole-tree ${measure} NOT back within 10 % of idle (${idleFigure.toFixed(1)} MiB) within ${afterSeconds} s`
      : `after the viewer left: whole-tree ${measure} back within 10 % of idle (${idleFigure.toFixed(1)} MiB) after ${backAt} s (goal ≤ 60 s): ${backAt <= 60 ? 'OK' : 'SLOW'}`;
  console.log(back);
  return back;
}

const describe = (r: TreeReading) =>
  `rss ${r.total.rss.toFixed(1)}  pss ${r.total.pss.toFixed(1)}${r.resident === undefined ? '' : `  resident ${r.resident.toFixed(1)}`} MiB`;

/** Two bare node processes on the same binary: what two Node processes cost before any code of ours. */
async function floor(execPath: string): Promise<void> {
  const bare = [0, 1].map(() => startNode('-e', ['setInterval(() => {}, 1_000)'], {}, { execPath }));
  try {
    await delay(1_500);
    const mems = await Promise.all(bare.map((p) => memoryMiB(p.child.pid ?? 0)));
    console.log(`${'floor: bare node, each'.padEnd(40)} ${fmt(mems[0] ?? NONE)}`);
    console.log(`${'floor: two bare nodes'.padEnd(40)} ${fmt(sum(mems))}`);
  } finally {
    for (const p of bare) await p.stop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
