// Active-window tracking cost on an idle desktop, per NodeWindowSource strategy, and how soon a focus change
// is reported. CPU counts this process plus every helper it started (xprop, xwininfo), and separately the X
// server's share. Run alone: node bench/src/window-source.bench.ts   (VIGIL_BENCH_SECONDS=n, default 20)
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NodeWindowSource, type ActiveWindow, type WindowSourceStrategy } from '@vigil/agent/platform/node';
import { startXvfb, waitFor, type Xvfb } from '@vigil/agent/testing';
import { cpuSeconds, ms, percentile } from './proc-cpu.ts';

type Strategy = Exclude<WindowSourceStrategy, 'auto'> | 'none';

export default async function run(): Promise<void> {
  const seconds = Number(process.env.VIGIL_BENCH_SECONDS ?? 20);
  const x = await startXvfb();
  const savedDisplay = process.env.DISPLAY;
  process.env.DISPLAY = x.display; // get-windows follows process.env, as in the agent
  try {
    const a = await x.openXterm('History homework');
    const b = await x.openXterm('Maths worksheet');
    console.log(`window source on an idle Xvfb desktop, ${seconds} s per strategy (poll = 1 Hz)`);
    console.log('strategy     agent cpu   X server cpu   focus change → report p50 / p95');
    for (const strategy of ['none', 'x11-events', 'poll'] satisfies Strategy[]) {
      const idle = await idleCost(x, strategy, seconds);
      const latency = strategy === 'none' ? undefined : await focusLatency(strategy, [a.activate, b.activate]);
      console.log(
        [
          strategy.padEnd(11),
          `${idle.agent.toFixed(2)} %`.padStart(10),
          `${idle.server.toFixed(2)} %`.padStart(14),
          latency === undefined ? '   (baseline: no watcher)' : `   ${ms(latency.p50)} / ${ms(latency.p95)} ms`,
        ].join(' '),
      );
    }
    console.log('cpu = % of one core; agent = this process + helpers it started and reaped');
  } finally {
    if (savedDisplay === undefined) delete process.env.DISPLAY;
    else process.env.DISPLAY = savedDisplay;
    await x.stop();
  }
}

async function idleCost(x: Xvfb, strategy: Strategy, seconds: number): Promise<{ agent: number; server: number }> {
  const source = new NodeWindowSource({ strategy: strategy === 'none' ? 'poll' : strategy, pollIntervalMs: 1_000 });
  let reports = 0;
  const stop = strategy === 'none' ? () => {} : source.watch(() => reports++);
  if (strategy !== 'none') await waitFor(() => reports > 0, { timeoutMs: 10_000 });
  await delay(500); // let start-up settle before measuring
  const agent0 = cpuSeconds();
  const server0 = cpuSeconds(x.pid, false);
  const t0 = performance.now();
  await delay(seconds * 1_000);
  stop();
  await delay(300); // the spies exit and are reaped, so their CPU lands in our children's account
  const wall = (performance.now() - t0) / 1_000;
  return { agent: ((cpuSeconds() - agent0) / wall) * 100, server: ((cpuSeconds(x.pid, false) - server0) / wall) * 100 };
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
