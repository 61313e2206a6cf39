// The headless agent at rest: a window open, the keyboard hook running, connected to the real
// collector, nobody typing. CPU over the window counts the agent process, the helpers it ran and
// reaped (xprintidle), and its live children (the key-hook child, the xprop watchers); RSS is
// reported for the agent process and its children separately and in total.
// Run alone: node bench/src/agent-idle.bench.ts   (VIGIL_BENCH_SECONDS=n, default 60)
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { startXvfb } from '@vigil/agent/testing';
import { childrenOf, memoryMiB, startAgent, startCollectorSystem, type Memory } from './agent-system.ts';
import { cpuSeconds } from './proc-cpu.ts';

interface Sample {
  parent: Memory;
  hook: Memory;
  helpers: Memory;
}

const NONE: Memory = { rss: 0, pss: 0, private: 0 };
const sum = (ms: Memory[]): Memory => ms.reduce((a, b) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss, private: a.private + b.private }), NONE);
const safeMemory = (pid: number | undefined) => (pid === undefined ? Promise.resolve(NONE) : memoryMiB(pid).catch(() => NONE));

export default async function run(): Promise<void> {
  const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? 60);
  const x = await startXvfb();
  const system = await startCollectorSystem();
  try {
    await x.openXterm('History homework');
    // VIGIL_BENCH_NODE_OPTIONS: V8 flags for the agent (and its key-hook child), e.g. --max-semi-space-size=1.
    const nodeOptions = process.env.VIGIL_BENCH_NODE_OPTIONS;
    const agent = await startAgent(system, x.display, {}, nodeOptions === undefined ? {} : { NODE_OPTIONS: nodeOptions });
    try {
      const pid = agent.child.pid ?? 0;
      await agent.waitForMsg((m) => m === 'connected to the collector');
      await delay(3_000); // start-up work (word-list compile, first heartbeat) is not idle cost
      const kids = await childrenOf(pid);
      const hookPid = kids.find((k) => k.cmd.includes('key-hook.child'))?.pid;
      const helperPids = kids.filter((k) => k.pid !== hookPid).map((k) => k.pid);
      const cpu = () => cpuSeconds(pid, true) + [hookPid, ...helperPids].reduce<number>((total, p) => total + (p === undefined ? 0 : safeCpu(p)), 0);
      const cpuParent = () => cpuSeconds(pid, true);
      const cpuHook = () => (hookPid === undefined ? 0 : safeCpu(hookPid));
      const t0 = performance.now();
      const [all0, parent0, hook0] = [cpu(), cpuParent(), cpuHook()];
      const samples: Sample[] = [];
      for (let s = 0; s < seconds; s++) {
        await delay(1_000);
        samples.push({ parent: await memoryMiB(pid), hook: await safeMemory(hookPid), helpers: sum(await Promise.all(helperPids.map((p) => safeMemory(p)))) });
      }
      const elapsed = (performance.now() - t0) / 1_000;
      const pct = (a: number, b: number) => `${(((b - a) / elapsed) * 100).toFixed(2)} %`;
      const last = samples.at(-1) ?? { parent: NONE, hook: NONE, helpers: NONE };
      const peak = (f: (s: Sample) => number) => Math.max(...samples.map(f)).toFixed(1);
      const row = (label: string, f: (s: Sample) => Memory) =>
        `${label.padEnd(26)} ${f(last).rss.toFixed(1).padStart(6)} (peak ${peak((s) => f(s).rss).padStart(6)})  ${f(last).pss.toFixed(1).padStart(6)}  ${f(last).private.toFixed(1).padStart(7)}`;
      console.log(`headless agent idle for ${elapsed.toFixed(0)} s: xterm focused, key hook running, connected, heartbeat 30 s, idle poll 5 s${nodeOptions === undefined ? '' : `, NODE_OPTIONS=${nodeOptions}`}`);
      console.log(`cpu (% of one core)   total ${pct(all0, cpu())}   agent process + reaped helpers ${pct(parent0, cpuParent())}   key-hook child ${pct(hook0, cpuHook())}`);
      console.log('memory MiB                    rss                   pss  private');
      console.log(row('agent process', (m) => m.parent));
      console.log(row('key-hook child', (m) => m.hook));
      console.log(row(`xprop watchers (${helperPids.length})`, (m) => m.helpers));
      console.log(row('total', (m) => sum([m.parent, m.hook, m.helpers])));
      console.log('rss counts the node binary and shared libraries in every process; pss shares them out; private is what the process alone holds');
      console.log('budget (DESIGN.md): ≤ 1 % of one core, ≤ 80 MB RSS');
    } finally {
      await agent.stop();
    }
  } finally {
    await system.dispose();
    await x.stop();
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
