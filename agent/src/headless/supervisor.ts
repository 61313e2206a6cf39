// The headless agent under a small supervisor (`pnpm agent` runs it through launch.mjs). The
// agent (main.ts) runs as a child process; when it dies — a crash, an out-of-memory abort,
// `kill -9` — it is started again with backoff, at most `maxRestarts` times a minute, and told
// how often that happened (VIGIL_AGENT_RESTARTS), which its heartbeat reports as a tamper
// signal. SIGTERM / SIGINT / SIGHUP are forwarded and end both. `--no-supervise` runs the
// agent in this process instead. On Linux systemd's `Restart=always` can do the same job.
//
// Only node: built-ins here: this process stays small (no pino, no zod, no agent code).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Backoff } from '../platform/node/backoff.ts';

/** Exit code of main.ts for a bad option or a missing enrolment: restarting cannot help. */
export const EXIT_CONFIG = 2;
export const RESTARTS_ENV = 'VIGIL_AGENT_RESTARTS';

export type SupervisorLog = (level: 'info' | 'warn' | 'error', fields: Record<string, unknown>, msg: string) => void;

export interface SupervisorOptions {
  /** The script to run (default: main.ts beside this file). */
  script?: string;
  args?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Node flags for the child (default: AGENT_NODE_FLAGS, then this process's, so `node --flag supervisor.ts` reaches the agent). */
  execArgv?: readonly string[];
  execPath?: string;
  /** Restarts allowed within `windowMs` before waiting for the window to clear (default 5 per 60 s). */
  maxRestarts?: number;
  windowMs?: number;
  /** Delay before a restart: `initialMs` doubling to `maxMs` (default 1 s → 30 s), jittered. */
  backoff?: { initialMs?: number; maxMs?: number };
  /** A child that ran this long before dying restarts from the shortest delay again (default 60 s). */
  stableAfterMs?: number;
  /** After forwarding a stop signal, SIGKILL the child if it has not exited after this long (default 15 s). */
  stopTimeoutMs?: number;
  log?: SupervisorLog;
}

export const AGENT_SCRIPT = fileURLToPath(new URL('./main.ts', import.meta.url));

/**
 * V8 flags for the agent: a 1 MiB young generation instead of 16 MiB saves ~10 MiB at idle
 * for a few more (cheap) scavenges; CPU stays well under 1 % (bench/src/agent-idle.bench.ts).
 * Flags given to the supervisor itself come after these, so they win.
 */
export const AGENT_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1'];

/**
 * V8 flags for the bundled agent (dist/headless/main.mjs): plain JavaScript, so no type
 * stripping, which needs WebAssembly and hence the JIT. `--lite-mode` (interpreter only, type
 * feedback allocated lazily) saves ~16 MiB of RSS at idle; the agent matches a few keys a
 * second and idles at ~0.3 % of a core with it (bench/src/agent-idle.bench.ts,
 * keystroke-latency.bench.ts; numbers in agent/README.md).
 */
export const AGENT_BUNDLE_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=1', '--lite-mode'];

/** The flags the agent runs with: the bundle's, or the sources' (main.ts). */
export function agentNodeFlags(script: string): readonly string[] {
  return script.endsWith('.mjs') || script.endsWith('.js') ? AGENT_BUNDLE_NODE_FLAGS : AGENT_NODE_FLAGS;
}

/** One JSON line per event on stderr, shaped like the agent's pino lines. */
export const stderrLog: SupervisorLog = (level, fields, msg) => {
  const numeric = { info: 30, warn: 40, error: 50 }[level];
  process.stderr.write(`${JSON.stringify({ level: numeric, time: Date.now(), pid: process.pid, module: 'supervisor', ...fields, msg })}\n`);
};

export class Supervisor {
  readonly #o: Required<Omit<SupervisorOptions, 'backoff' | 'env'>> & Pick<SupervisorOptions, 'env'>;
  readonly #backoff: Backoff;
  readonly #restartTimes: number[] = [];
  #child: ChildProcess | undefined;
  #startedAt = 0;
  #restarts = 0;
  #stopping: NodeJS.Signals | undefined;
  #timer: NodeJS.Timeout | undefined;
  #resolveDone: (code: number) => void = () => {};
  /** Resolves with the exit code the supervisor should end with. */
  readonly done: Promise<number>;

  constructor(opts: SupervisorOptions = {}) {
    this.#o = {
      script: opts.script ?? AGENT_SCRIPT,
      args: opts.args ?? [],
      env: opts.env,
      execArgv: opts.execArgv ?? [...agentNodeFlags(opts.script ?? AGENT_SCRIPT), ...process.execArgv],
      execPath: opts.execPath ?? process.execPath,
      maxRestarts: opts.maxRestarts ?? 5,
      windowMs: opts.windowMs ?? 60_000,
      stableAfterMs: opts.stableAfterMs ?? 60_000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 15_000,
      log: opts.log ?? stderrLog,
    };
    this.#backoff = new Backoff({ initialMs: opts.backoff?.initialMs ?? 1_000, maxMs: opts.backoff?.maxMs ?? 30_000 });
    this.done = new Promise((resolve) => {
      this.#resolveDone = resolve;
    });
  }

  /** PID of the running agent, if any. */
  get childPid(): number | undefined {
    return running(this.#child) ? this.#child?.pid : undefined;
  }

  /** Times the agent was started again after it died. */
  get restarts(): number {
    return this.#restarts;
  }

  start(): void {
    if (this.#child !== undefined || this.#stopping !== undefined) return;
    this.#spawn();
  }

  /**
   * Forwards `signal` to the agent (a second call forwards again: the agent then exits at
   * once) and restarts nothing more; resolves with the exit code, as `done` does.
   */
  stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number> {
    const first = this.#stopping === undefined;
    this.#stopping = signal;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (!running(child)) {
      if (first) this.#resolveDone(0);
      return this.done;
    }
    this.#o.log('info', { signal, agentPid: child?.pid }, 'stopping the agent');
    child?.kill(signal);
    if (first) {
      const force = setTimeout(() => {
        this.#o.log('error', { agentPid: child?.pid, afterMs: this.#o.stopTimeoutMs }, 'the agent did not stop; killing it');
        child?.kill('SIGKILL');
      }, this.#o.stopTimeoutMs);
      void this.done.finally(() => clearTimeout(force));
    }
    return this.done;
  }

  #spawn(): void {
    const env = { ...(this.#o.env ?? process.env), [RESTARTS_ENV]: String(this.#restarts) };
    // Its own process group: a Ctrl-C at a terminal reaches the supervisor alone, which
    // forwards it once (a second SIGINT would make the agent skip its orderly stop).
    const child = spawn(this.#o.execPath, [...this.#o.execArgv, this.#o.script, ...this.#o.args], { env, stdio: 'inherit', detached: true });
    this.#child = child;
    this.#startedAt = Date.now();
    child.once('error', (err) => this.#o.log('error', { err: err.message }, 'could not start the agent'));
    child.once('exit', (code, signal) => this.#onExit(child, code, signal));
    if (child.pid !== undefined) this.#o.log('info', { agentPid: child.pid, restarts: this.#restarts }, 'agent started');
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.#child !== child) return;
    this.#child = undefined;
    const ranMs = Date.now() - this.#startedAt;
    if (this.#stopping !== undefined) {
      this.#o.log('info', { code, signal }, 'agent stopped');
      this.#resolveDone(code ?? 1);
      return;
    }
    if (code === EXIT_CONFIG) {
      // A bad option or no enrolment: the agent said why; starting it again cannot help.
      this.#o.log('error', { code }, 'the agent cannot run with this configuration; not restarting');
      this.#resolveDone(EXIT_CONFIG);
      return;
    }
    // Anything else was not asked for: a crash, a kill, or a stop signal sent around us.
    if (ranMs >= this.#o.stableAfterMs) this.#backoff.reset();
    let delayMs = this.#backoff.next();
    const now = Date.now();
    while (this.#restartTimes.length > 0 && (this.#restartTimes[0] ?? 0) <= now - this.#o.windowMs) this.#restartTimes.shift();
    if (this.#restartTimes.length >= this.#o.maxRestarts) {
      const windowClears = (this.#restartTimes[0] ?? now) + this.#o.windowMs - now;
      delayMs = Math.max(delayMs, windowClears);
      this.#o.log(
        'error',
        { restartsInWindow: this.#restartTimes.length, windowMs: this.#o.windowMs, retryInMs: delayMs },
        'the agent keeps dying; restarting more slowly',
      );
    }
    this.#o.log('warn', { code, signal, ranMs, retryInMs: delayMs, restarts: this.#restarts + 1 }, 'the agent died; restarting it');
    this.#timer = setTimeout(() => {
      if (this.#stopping !== undefined) return;
      this.#restarts++;
      this.#restartTimes.push(Date.now());
      this.#spawn();
    }, delayMs);
  }
}

function running(child: ChildProcess | undefined): boolean {
  return child !== undefined && child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

/**
 * Supervises the agent (`script`: main.ts, or the bundle launch.mjs chose) with these
 * arguments, or runs it in this process with --no-supervise (and --help). launch.mjs calls
 * this once Node's compile cache is on.
 */
export async function runSupervisor(argv: readonly string[], script: string = AGENT_SCRIPT): Promise<void> {
  // --help exits at once: nothing to supervise (a supervised exit 0 would be started again).
  if (argv.includes('--no-supervise') || argv.includes('--help') || argv.includes('-h')) {
    process.argv = [...process.argv.slice(0, 2), ...argv.filter((a) => a !== '--no-supervise')];
    await import(pathToFileURL(script).href);
    return;
  }
  const supervisor = new Supervisor({ script, args: argv });
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void supervisor.stop(signal));
  supervisor.start();
  process.exitCode = await supervisor.done;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await runSupervisor(process.argv.slice(2));
