import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: processes run from here, as `pnpm start` does. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A small, explicit environment so nothing from the test runner leaks in. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface RunningProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  /** Resolves with the first JSON log line matching, rejects if the process exits first. */
  waitForLog(match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `node <script> …args` from the repository root and collects its output by line. */
export function startNode(script: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess {
  const child = spawn(process.execPath, [script, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts);
      for (const wake of waiters) wake();
    };
  };
  child.stdout.on('data', collect(stdout));
  child.stderr.on('data', collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      // Let the last output arrive before anyone looks at it.
      setImmediate(() => {
        resolve({ code, signal });
        for (const wake of waiters) wake();
      });
    });
  });
  let done = false;
  void exited.then(() => (done = true));

  const waitForLog: RunningProcess['waitForLog'] = (match, timeoutMs = 60_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => finish(new Error(`no matching log line within ${timeoutMs} ms:\n${stdout.join('\n')}\n${stderr.join('\n')}`)), timeoutMs);
      const finish = (result: Record<string, unknown> | Error) => {
        clearTimeout(timer);
        waiters.delete(check);
        if (result instanceof Error) reject(result);
        else resolve(result);
      };
      const check = () => {
        for (const raw of stdout) {
          if (!raw.startsWith('{')) continue;
          const line: unknown = JSON.parse(raw);
          if (isRecord(line) && match(line)) return finish(line);
        }
        if (done) finish(new Error(`process exited before the log line:\n${stdout.join('\n')}\n${stderr.join('\n')}`));
      };
      waiters.add(check);
      check();
    });

  return { child, stdout, stderr, waitForLog, exited };
}

/** Runs a command to completion: the admin CLI in tests. */
export async function runNode(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const running = startNode(script, args, env);
  const { code } = await running.exited;
  return { code, stdout: running.stdout.join('\n').trim(), stderr: running.stderr.join('\n').trim() };
}
