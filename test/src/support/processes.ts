// Child processes for the whole-system tests: `node <script>` from the repository root
// with a small explicit environment, output collected by line, stopped by PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** PATH, HOME, LANG and TMPDIR from the runner, plus `extra`: nothing else leaks in. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}

export type LogLine = Record<string, unknown>;

export interface NodeProcess {
  readonly child: ChildProcess;
  readonly stdout: string[];
  readonly stderr: string[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** JSON lines (pino) of stdout and stderr. */
  logs(): LogLine[];
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function startNode(script: string, args: readonly string[], env: NodeJS.ProcessEnv): NodeProcess {
  return startProcess(process.execPath, [script, ...args], env);
}

/** Any program (an installed package's command line), collected and stopped like `startNode`. */
export function startProcess(command: string, args: readonly string[], env: NodeJS.ProcessEnv): NodeProcess {
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const collect = (into: string[]) => {
    let partial = '';
    return (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop() ?? '';
      into.push(...parts);
    };
  };
  child.stdout?.on('data', collect(stdout));
  child.stderr?.on('data', collect(stderr));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => setImmediate(() => resolve({ code, signal })));
  });
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    stdout,
    stderr,
    exited,
    get running() {
      return isRunning();
    },
    logs: () => parseLines([...stdout, ...stderr]),
    output: () => [...stdout, ...stderr].join('\n'),
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!isRunning()) return;
      child.kill(signal);
      await exited;
    },
  };
}

export async function runNode(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = startNode(script, args, env);
  const { code } = await proc.exited;
  return { code, stdout: proc.stdout.join('\n').trim(), stderr: proc.stderr.join('\n').trim() };
}

function parseLines(lines: readonly string[]): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of lines) {
    if (!raw.startsWith('{')) continue;
    try {
      const line: unknown = JSON.parse(raw);
      if (typeof line === 'object' && line !== null && !Array.isArray(line)) out.push({ ...line });
    } catch {
      // Not a log line after all.
    }
  }
  return out;
}
