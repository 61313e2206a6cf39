// Active-window tracking cost on an idle desktop, per NodeWindowSource strategy, and how soon a focus change
// is reported. The watcher runs alone in a child process (a bare node that imports NodeWindowSource and
// watches): its CPU is that process plus every helper under it (xprop, xwininfo; live ones read from /proc,
// exited ones from the child's reaped-children account), and separately the X server's share — nothing of
// this bench process (its timers, the Xvfb harness) is charged. Repeated rounds, min and median printed.
// Run alone: node bench/src/window-source.bench.ts   (VIGIL_BENCH_ROUNDS=n, default 3; VIGIL_BENCH_SECONDS=n per round, default 10)
import { spawn } from 'node:child_process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NodeWindowSource, type ActiveWindow, type WindowSourceStrategy } from '@vigil/agent/platform/node';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { cpuSeconds, ms, percentile, treeCpuSeconds } from './proc-cpu.ts';

type Strategy = Exclude<WindowSourceStrategy, 'auto'> | 'none';

const WINDOW_SOURCE_MODULE = new URL('../../agent/src/platform/node/window-source.node.ts', import.meta.url).href;

export default async function run(): Promise<void> {
  const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? 10);
  const rounds = Math.max(1, Number(process.env.VIGIL_BENCH_ROUNDS ?? 3));
  const x = await startXvfb();
  const savedDisplay = process.env.DISPLAY;
  process.env.DISPLAY = x.display; // get-windows follows process.env, as in the agent
  try {
    const a = await x.openXterm('History homework');
    const b = await x.openXterm('Maths worksheet');
    console.log(`window source on an idle Xvfb desktop: the watcher alone in a child process, ${rounds} rounds of ${seconds} s per strategy (poll = 1 Hz)`);
    console.log('strategy     watcher cpu min / median   X server cpu median   focus change → report p50 / p95');
    for (const strategy of ['none', 'x11-events', 'poll'] satisfies Strategy[]) {
      const idle = await idleCost(x, strategy, seconds, rounds);
      const latency = strategy === 'none' ? undefined : await focusLatency(strategy, [a.activate, b.activate]);
      console.log(
        [
          strategy.padEnd(11),
          `${idle.watcher[0]?.toFixed(2) ?? '?'} / ${percentile(idle.watcher, 50).toFixed(2)} %`.padStart(26),
          `${percentile(idle.server, 50).toFixed(2)} %`.padStart(21),
          latency === undefined ? '   (baseline: a node process that loaded the module and watches nothing)' : `   ${ms(latency.p50)} / ${ms(latency.p95)} ms`,
        ].join(' '),
      );
    }
    console.log('cpu = % of one core; watcher = the child process and every helper under it (budget: the agent idles under 1 %)');
  } finally {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x.stop();
  }
}

/** The watcher in a process of its own; `none` loads the module and watches nothing (the baseline). */
async function idleCost(x: Xvfb, strategy: Strategy, seconds: number, rounds: number): Promise<{ watcher: number[]; server: number[] }> {
  const script = [
    `const { NodeWindowSource } = await import(${JSON.stringify(WINDOW_SOURCE_MODULE)});`,
    `const strategy = ${JSON.stringify(strategy)};`,
    "if (strategy === 'none') { console.log('report'); setInterval(() => {}, 60_000); }",
    "else new NodeWindowSource({ strategy, pollIntervalMs: 1_000 }).watch(() => console.log('report'));",
  ].join('\n');
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, DISPLAY: x.display },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let reports = 0;
  child.stdout.on(
    'data',
    (d: Buffer) =>
      (reports += d
        .toString()
        .split('\n')
        .filter((l) => l === 'report').length),
  );
  try {
    await waitFor(() => reports > 0, { timeoutMs: 15_000, message: `the ${strategy} watcher's first report` });
    await delay(1_000); // start-up (module load, first query) is not idle cost
    const watcher: number[] = [];
    const server: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const pid = child.pid ?? 0;
      const watcher0 = await treeCpuSeconds(pid);
      const server0 = cpuSeconds(x.pid, false);
      const t0 = performance.now();
      await delay(seconds * 1_000);
      const wall = (performance.now() - t0) / 1_000;
      watcher.push((((await treeCpuSeconds(pid)) - watcher0) / wall) * 100);
      server.push(((cpuSeconds(x.pid, false) - server0) / wall) * 100);
    }
    return { watcher: watcher.sort((p, q) => p - q), server: server.sort((p, q) => p - q) };
  } finally {
    child.kill('SIGKILL');
  }
}

async function focusLatency(strategy: Exclude<Strategy, 'none'>, activators: (() => Promise<void>)[]): Promise<{ p50: number; p95: number }> {
  const source = new NodeWindowSource({ strategy, pollIntervalMs: 1_000 });
  let last: { win: ActiveWindow | undefined; at: number } | undefined;
  const stop = source.watch((win) => {
    last = { win, at: performance.now() };
  });
  await waitFor(() => last !== undefined, { timeoutMs: 10_000 });
  const samples: number[] = [];
  try {
    for (let i = 0; i < 10; i++) {
      const before = last;
      const t0 = performance.now();
      await activators[i % activators.length]?.();
      const seen = await waitFor(() => (last !== before ? last : undefined), { timeoutMs: 5_000, intervalMs: 2 });
      samples.push(seen.at - t0);
    }
  } finally {
    stop();
  }
  samples.sort((p, q) => p - q);
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
