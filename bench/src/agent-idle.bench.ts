// The headless agent at rest: a window open, the keyboard hook running, connected to the real
// collector, nobody typing. CPU over the window counts the agent process, the helpers it ran and
// reaped (xprintidle), and its live children (the key-hook child, the xprop watchers). Memory is
// reported per process — supervisor (when supervised), agent, key-hook child, helpers — as RSS,
// PSS and private, and in total; then the floor: two bare `node` processes on the same binary.
//
// The measured processes run on a private copy of the node binary, so PSS splits the binary's
// pages among them alone (not among every node process on the machine, which would flatter it).
//
// By default it measures the agent as `pnpm agent` runs it from the second start on:
// launch.mjs → supervisor.ts → the bundle (dist/headless/main.mjs, built if stale) with its V8
// flags, a warm compile cache; and prints the agent process's RSS and PSS against the budget.
//
// Run alone: node bench/src/agent-idle.bench.ts
//   VIGIL_BENCH_SECONDS=n            window length (default 60)
//   VIGIL_BENCH_SUPERVISED=0         run the agent directly (VIGIL_BENCH_AGENT_SCRIPT, default main.ts)
//   VIGIL_BENCH_AGENT_FLAGS="…"      node flags for an agent run directly, e.g. "--max-semi-space-size=1"
//   VIGIL_BENCH_SHARED_NODE=1        use this node binary instead of a private copy
//   VIGIL_BENCH_COMPILE_CACHE=0      a cold start (no compile cache). Otherwise a warm-up run fills the cache, as
//                                    every start after the first sees it. Supervised, the supervisor's own cache
//                                    in the state folder (as `pnpm agent`); else NODE_COMPILE_CACHE (as a systemd
//                                    unit with Environment=NODE_COMPILE_CACHE=…)
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startXvfb } from '@vigil/agent/testing';
import { childrenOf, memoryMiB, privateNodeBinary, repoRoot, startAgent, startCollectorSystem, startNode, type Memory } from './agent-system.ts';
import { cpuSeconds } from './proc-cpu.ts';

type Role = 'supervisor' | 'agent' | 'hook' | 'helpers';
type Sample = Record<Role, Memory>;

const NONE: Memory = { rss: 0, pss: 0, private: 0 };
const ROLES: readonly Role[] = ['supervisor', 'agent', 'hook', 'helpers'];
const LABELS: Record<Role, string> = { supervisor: 'supervisor', agent: 'agent process', hook: 'key-hook child', helpers: 'xprop watchers' };
const sum = (ms: Memory[]): Memory => ms.reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss, private: a.private + b.private }), NONE);
const safeMemory = (pid: number | undefined) => (pid === undefined ? Promise.resolve(NONE) : memoryMiB(pid).catch(() => NONE));
const fmt = (m: Memory) => `${m.rss.toFixed(1).padStart(6)}  ${m.pss.toFixed(1).padStart(6)}  ${m.private.toFixed(1).padStart(7)}`;

export default async function run(): Promise<void> {
  const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? 60);
  const agentFlags = (process.env.VIGIL_BENCH_AGENT_FLAGS ?? '').split(' ').filter((f) => f !== '');
  const supervised = process.env.VIGIL_BENCH_SUPERVISED !== '0';
  const node = process.env.VIGIL_BENCH_SHARED_NODE === '1' ? undefined : await privateNodeBinary();
  const execPath = node?.path ?? process.execPath;
  const cacheDir = process.env.VIGIL_BENCH_COMPILE_CACHE !== '0' ? await mkdtemp(join(tmpdir(), 'vigil-bench-cache-')) : undefined;
  // Supervised, the warm-up and the measured run share a state folder, where supervisor.ts keeps the cache.
  const root = cacheDir !== undefined && supervised ? cacheDir : undefined;
  const env: Record<string, string> = cacheDir === undefined || supervised ? {} : { NODE_COMPILE_CACHE: cacheDir };
  const x = await startXvfb();
  const system = await startCollectorSystem();
  try {
    await x.openXterm('History homework');
    if (cacheDir !== undefined) {
      const warmUp = await startAgent(system, x.display, {}, env, { execPath, nodeArgs: agentFlags, supervised, root });
      await warmUp.waitForMsg((m) => m === 'connected to the collector');
      await warmUp.stop();
    }
    const agent = await startAgent(system, x.display, {}, env, { execPath, nodeArgs: agentFlags, supervised, root });
    try {
      await agent.waitForMsg((m) => m === 'connected to the collector');
      await delay(3_000); // start-up work (word-list compile, first heartbeat) is not idle cost
      const top = agent.child.pid ?? 0;
      const supervisorPid = supervised ? top : undefined;
      const agentProc = supervised ? (await childrenOf(top))[0] : undefined;
      const agentPid = agentProc?.pid ?? top;
      const kids = await childrenOf(agentPid);
      const hookPid = kids.find((k) => k.cmd.includes('key-hook.child'))?.pid;
      const helperPids = kids.filter((k) => k.pid !== hookPid).map((k) => k.pid);
      const cpuOf = (pid: number | undefined) => (pid === undefined ? 0 : safeCpu(pid));
      const cpu = () => cpuOf(agentPid) + cpuOf(supervisorPid) + [hookPid, ...helperPids].reduce<number>((total, p) => total + cpuOf(p), 0);
      const t0 = performance.now();
      const [all0, agent0, hook0] = [cpu(), cpuOf(agentPid), cpuOf(hookPid)];
      const samples: Sample[] = [];
      for (let s = 0; s < seconds; s++) {
        await delay(1_000);
        samples.push({
          supervisor: await safeMemory(supervisorPid),
          agent: await memoryMiB(agentPid),
          hook: await safeMemory(hookPid),
          helpers: sum(await Promise.all(helperPids.map((p) => safeMemory(p)))),
        });
      }
      const elapsed = (performance.now() - t0) / 1_000;
      const pct = (a: number, b: number) => `${(((b - a) / elapsed) * 100).toFixed(2)} %`;
      const last = samples.at(-1) ?? { supervisor: NONE, agent: NONE, hook: NONE, helpers: NONE };
      const peakRss = (f: (s: Sample) => Memory) => Math.max(...samples.map((s) => f(s).rss)).toFixed(1).padStart(6);
      const row = (label: string, f: (s: Sample) => Memory) => `${label.padEnd(26)} ${fmt(f(last))}   (rss peak ${peakRss(f)})`;
      const flags = agentFlags.length === 0 ? '' : `, agent flags ${agentFlags.join(' ')}`;
      const cache = cacheDir === undefined ? '' : ', warm compile cache';
      console.log(`headless agent idle for ${elapsed.toFixed(0)} s${supervised ? ' as pnpm agent runs it (under supervisor.ts)' : ''}: xterm focused, key hook running, connected, heartbeat 30 s${flags}${cache}`);
      if (agentProc !== undefined) console.log(`agent process: ${agentProc.cmd.replace(execPath, 'node').replace(repoRoot, '')}`);
      console.log(`cpu (% of one core)   total ${pct(all0, cpu())}   agent process + reaped helpers ${pct(agent0, cpuOf(agentPid))}   key-hook child ${pct(hook0, cpuOf(hookPid))}`);
      console.log(`memory MiB                    rss     pss  private   (node binary: ${node === undefined ? 'shared with other node processes' : 'a private copy'})`);
      for (const role of ROLES) if (role !== 'supervisor' || supervised) console.log(row(role === 'helpers' ? `${LABELS.helpers} (${helperPids.length})` : LABELS[role], (m) => m[role]));
      console.log(row('total', (m) => sum(ROLES.map((r) => m[r]))));
      console.log(row('agent + key-hook child', (m) => sum([m.agent, m.hook])));
      const peak = (f: (m: Memory) => number) => Math.max(...samples.map((s) => f(s.agent)));
      console.log(budgetLine('agent RSS', last.agent.rss, peak((m) => m.rss)));
      console.log(budgetLine('agent PSS', last.agent.pss, peak((m) => m.pss)));
      console.log(budgetLine('agent + key-hook child PSS', last.agent.pss + last.hook.pss, Math.max(...samples.map((s) => s.agent.pss + s.hook.pss))));
    } finally {
      await agent.stop();
    }
    await floor(execPath);
    console.log('rss counts the node binary and shared libraries in every process; pss shares them out; private is what the process alone holds');
    console.log('budget (DESIGN.md): ≤ 1 % of one core, ≤ 80 MB RSS');
  } finally {
    await system.dispose();
    await x.stop();
    await node?.dispose();
    if (cacheDir !== undefined) await rm(cacheDir, { recursive: true, force: true });
  }
}

/** 80 MB (DESIGN.md) in MiB, as the numbers above are. */
const BUDGET_MIB = 80e6 / 2 ** 20;

/** `agent RSS 66.0 MiB (peak 69.6; budget 76.3 MiB = 80 MB): OK`, judged on the peak. */
function budgetLine(what: string, now: number, peak: number): string {
  return `${what} ${now.toFixed(1)} MiB (peak ${peak.toFixed(1)}; budget ${BUDGET_MIB.toFixed(1)} MiB = 80 MB): ${peak <= BUDGET_MIB ? 'OK' : 'OVER'}`;
}

/** Two bare node processes on the same binary: what two Node processes cost before any code of ours. */
async function floor(execPath: string): Promise<void> {
  const bare = [0, 1].map(() => startNode('-e', ['setInterval(() => {}, 1_000)'], {}, { execPath }));
  try {
    await delay(1_500);
    const mems = await Promise.all(bare.map((p) => memoryMiB(p.child.pid ?? 0)));
    console.log(`${'floor: bare node, each'.padEnd(26)} ${fmt(mems[0] ?? NONE)}`);
    console.log(`${'floor: two bare nodes'.padEnd(26)} ${fmt(sum(mems))}`);
  } finally {
    for (const p of bare) await p.stop();
  }
}

function safeCpu(pid: number): number {
  try {
    return cpuSeconds(pid, true);
  } catch {
    return 0; // exited during the window
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
