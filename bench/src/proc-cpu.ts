import { readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

// Linux /proc accounting for benchmarks: CPU seconds of a process, optionally including the children it has
// already reaped (short-lived helpers such as xprop or ImageMagick's import).

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux we target

export function cpuSeconds(pid: number | 'self' = 'self', withReapedChildren = true): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 (comm) may contain spaces; the fields we want follow its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const at = (field: number) => Number(fields[field - 3]);
  const ticks = at(14) + at(15) + (withReapedChildren ? at(16) + at(17) : 0);
  return ticks / TICKS_PER_SECOND;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? Number.NaN;
}

export const ms = (n: number) => n.toFixed(1);

/** Processes whose parent is `pid` (scanning /proc: works without CONFIG_PROC_CHILDREN). */
export async function childrenOf(pid: number): Promise<{ pid: number; cmd: string }[]> {
  const out: { pid: number; cmd: string }[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      const cmd = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).split('\0').join(' ').trim();
      out.push({ pid: Number(entry), cmd });
    } catch {
      // Gone between readdir and read.
    }
  }
  return out;
}

/** CPU seconds of `root` (with the children it reaped) and of every live process below it. */
export async function treeCpuSeconds(root: number): Promise<number> {
  let total = 0;
  const queue = [root];
  while (queue.length > 0) {
    const next = queue.shift() ?? 0;
    try {
      total += cpuSeconds(next, true);
    } catch {
      continue; // exited
    }
    queue.push(...(await childrenOf(next)).map((child) => child.pid));
  }
  return total;
}
