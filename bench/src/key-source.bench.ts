// Keyboard hook latency: from starting `xdotool key` to the translated key arriving from the hook child, next
// to the time xdotool itself takes to start, inject and exit. Also the hook's idle CPU.
// Run alone: node bench/src/key-source.bench.ts   (VIGIL_BENCH_KEYS=n, default 50)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { NodeKeySource, type Key } from '@vigil/agent/platform/node';
import { ensureTools, startXvfb, waitFor, X11_TEST_TOOLS as T } from '@vigil/agent/testing';
import { cpuSeconds, ms, percentile } from './proc-cpu.ts';

export default async function run(): Promise<void> {
  const count = Number(process.env.VIGIL_BENCH_KEYS ?? 50);
  await ensureTools([T.xmodmap, T.xset]);
  const x = await startXvfb();
  const source = new NodeKeySource({ env: x.env });
  try {
    await x.openXterm('Typing');
    let arrived: { key: Key; at: number } | undefined;
    let ok = false;
    await source.start(
      (key) => {
        arrived = { key, at: performance.now() };
      },
      (status) => {
        ok = status === 'ok';
      },
    );
    await waitFor(() => ok, { timeoutMs: 10_000, message: 'keyboard hook' });
    const toKey: number[] = [];
    const toExit: number[] = [];
    for (let i = 0; i < count; i++) {
      arrived = undefined;
      const t0 = performance.now();
      const xdotool = spawn('xdotool', ['key', 'a'], { env: x.env, stdio: 'ignore' });
      await once(xdotool, 'exit');
      toExit.push(performance.now() - t0);
      const got = await waitFor(() => arrived, { timeoutMs: 5_000, intervalMs: 1 });
      toKey.push(got.at - t0);
    }
    toKey.sort((a, b) => a - b);
    toExit.sort((a, b) => a - b);
    const hookPid = source.hookPid ?? 0;
    const cpu0 = cpuSeconds(hookPid, false);
    await delay(10_000);
    const hookIdle = ((cpuSeconds(hookPid, false) - cpu0) / 10) * 100;
    console.log(`keyboard hook, ${count} keys injected with xdotool into a 1280x800 Xvfb`);
    console.log(`xdotool start → key delivered   p50 ${ms(percentile(toKey, 50))} ms   p95 ${ms(percentile(toKey, 95))} ms`);
    console.log(`xdotool start → xdotool exited  p50 ${ms(percentile(toExit, 50))} ms   p95 ${ms(percentile(toExit, 95))} ms`);
    console.log(`hook child idle: cpu ${hookIdle.toFixed(2)} % of one core, ${memory(hookPid)}`);
  } finally {
    await source.stop();
    await x.stop();
  }
}

/** Resident and private (not shared with the parent's node binary) memory of the hook child. */
function memory(pid: number): string {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? Number.NaN);
    return `rss ${(kb('Rss') / 1024).toFixed(1)} MB, private ${(kb('Private_Dirty') / 1024).toFixed(1)} MB`;
  } catch {
    return 'memory unknown';
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
