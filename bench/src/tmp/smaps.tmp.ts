import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { startXvfb } from '@vigil/agent/testing';
import { childrenOf, privateNodeBinary, startAgent, startCollectorSystem } from '../agent-system.ts';

function groups(pid: number) {
  const text = readFileSync(`/proc/${pid}/smaps`, 'utf8');
  const out = new Map<string, { rss: number; priv: number; pss: number }>();
  let name = '';
  for (const line of text.split('\n')) {
    const head = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (head) { name = head[1] || '[anon]'; if (name.includes('/')) name = name.split('/').pop()!; continue; }
    const m = /^(Rss|Pss|Private_Clean|Private_Dirty):\s+(\d+) kB/.exec(line);
    if (!m) continue;
    const g = out.get(name) ?? { rss: 0, priv: 0, pss: 0 };
    const v = Number(m[2]) / 1024;
    if (m[1] === 'Rss') g.rss += v; else if (m[1] === 'Pss') g.pss += v; else g.priv += v;
    out.set(name, g);
  }
  return [...out].sort((a, b) => b[1].rss - a[1].rss).slice(0, 14).map(([n, g]) => `${n.padEnd(40)} rss ${g.rss.toFixed(1).padStart(6)} pss ${g.pss.toFixed(1).padStart(6)} priv ${g.priv.toFixed(1).padStart(6)}`).join('\n');
}
const flags = (process.env.FLAGS ?? '').split(' ').filter(Boolean);
const node = await privateNodeBinary();
const x = await startXvfb();
const system = await startCollectorSystem();
await x.openXterm('History homework');
const agent = await startAgent(system, x.display, {}, {}, { execPath: node.path, nodeArgs: flags });
await agent.waitForMsg((m) => m === 'connected to the collector');
await delay(8000);
const pid = agent.child.pid!;
console.log('--- agent', flags.join(' '));
console.log(groups(pid));
const hook = (await childrenOf(pid)).find((k) => k.cmd.includes('key-hook'));
console.log('--- hook');
console.log(groups(hook!.pid));
await agent.stop(); await system.dispose(); await x.stop(); await node.dispose();
