// Keystroke → alert row committed: the real headless agent under Xvfb, the real collector and
// PostgreSQL on this machine. The clock starts when `xdotool key Return` (the key that completes
// the phrase) is launched and stops when PostgreSQL delivers a NOTIFY sent by an AFTER INSERT
// trigger on `alerts` — notifications are delivered at commit, so this is "committed".
// Measured with the policy's screenshots off, then on (evidence JPEG at 1280 px).
// Run alone: node bench/src/keystroke-latency.bench.ts   (VIGIL_BENCH_ALERTS=n per phase, default 30)
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startXvfb, waitFor } from '@vigil/agent/testing';
import { setSitePolicy, startAgent, startCollectorSystem } from './agent-system.ts';
import { ms, percentile } from './proc-cpu.ts';

const PHRASE = 'i want to kill myself';

export default async function run(): Promise<void> {
  const count = Number(process.env.VIGIL_BENCH_ALERTS ?? 30);
  const x = await startXvfb();
  const system = await startCollectorSystem();
  const listener = await system.db.database.pool.connect();
  try {
    await system.db.database.pool.query(`
      create or replace function bench_alert_committed() returns trigger language plpgsql as $$
      begin perform pg_notify('bench_alert', new.id); return new; end $$;
      create trigger bench_alert_committed after insert on alerts for each row execute function bench_alert_committed();`);
    const committed: { id: string; at: number }[] = [];
    listener.on('notification', (n) => committed.push({ id: n.payload ?? '', at: performance.now() }));
    await listener.query('listen bench_alert');

    // Cooldown 0: the same phrase in the same window alerts every time.
    await setSitePolicy(system, { captureScreenshots: false, alertCooldownSeconds: 0 });
    await x.openXterm('Latency');
    const agent = await startAgent(system, x.display);
    try {
      const policies = () => agent.lines.filter((l) => l.includes('new policy from the collector')).length;
      console.log(`keystroke → alert committed, ${count} alerts per phase, agent + collector + PostgreSQL on this machine`);
      const off = await measure(x.env, count, committed);
      report('screenshot off', off);
      const before = policies();
      await setSitePolicy(system, { captureScreenshots: true, alertCooldownSeconds: 0 });
      await waitFor(() => policies() > before, { timeoutMs: 10_000, message: 'the new policy to reach the agent' });
      const on = await measure(x.env, count, committed);
      report('screenshot on ', on);
      console.log('budget (DESIGN.md): p95 ≤ 500 ms without screenshot');
    } finally {
      await agent.stop();
    }
  } finally {
    listener.release(true);
    await system.dispose();
    await x.stop();
  }
}

async function measure(env: NodeJS.ProcessEnv, count: number, committed: { id: string; at: number }[]): Promise<number[]> {
  const samples: number[] = [];
  // One warm-up alert: the first capture loads sharp and the capture backend.
  for (let i = -1; i < count; i++) {
    await xdotool(env, 'type', '--delay', '5', '--', PHRASE);
    const seen = committed.length;
    const t0 = performance.now();
    await xdotool(env, 'key', 'Return');
    const hit = await waitFor(() => committed[seen], { timeoutMs: 10_000, intervalMs: 1, message: 'the alert to be committed' });
    if (i >= 0) samples.push(hit.at - t0);
  }
  return samples.sort((a, b) => a - b);
}

async function xdotool(env: NodeJS.ProcessEnv, ...args: string[]): Promise<void> {
  const child = spawn('xdotool', args, { env, stdio: 'ignore' });
  const [code]: unknown[] = await once(child, 'exit');
  if (code !== 0) throw new Error(`xdotool ${args.join(' ')} exited ${String(code)}`);
}

function report(label: string, samples: number[]): void {
  console.log(`${label}: p50 ${ms(percentile(samples, 50))} ms   p95 ${ms(percentile(samples, 95))} ms   max ${ms(samples.at(-1) ?? NaN)} ms`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run();
