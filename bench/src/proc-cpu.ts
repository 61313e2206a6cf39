import { readFileSync } from 'node:fs';

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
