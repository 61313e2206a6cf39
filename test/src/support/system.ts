// The whole system as real processes: the collector (`node collector/src/main.ts`) on a
// test database, the admin CLI, and the headless agent (`node agent/src/headless/main.ts`)
// on a private X display. Every process is started and stopped by PID.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { AupAckStore, waitFor } from '@vigil/agent/testing';
import { findFreePort } from '@vigil/collector/free-port';
import { baseEnv, repoRoot, runNode, startNode, type LogLine, type NodeProcess } from './processes.ts';

export type { LogLine } from './processes.ts';

const COLLECTOR = 'collector/src/main.ts';
const CLI = 'collector/src/cli/main.ts';
const AGENT = 'agent/src/headless/main.ts';

async function waitForLine(proc: NodeProcess, match: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
  try {
    return await waitFor(
      () => {
        const found = proc.logs().find(match);
        if (found === undefined && !proc.running) throw new Error('the process exited');
        return found;
      },
      { timeoutMs, intervalMs: 25, message: what },
    );
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n--- output ---\n${proc.output().slice(-4_000)}`);
  }
}

export class CollectorProcess {
  readonly port: number;
  /** HTTPS + WSS (TLS_PORT); the key under dataDir/tls is what agents pin. */
  readonly tlsPort: number;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  #proc: NodeProcess | undefined;

  private constructor(port: number, tlsPort: number, dataDir: string, env: NodeJS.ProcessEnv) {
    this.port = port;
    this.tlsPort = tlsPort;
    this.dataDir = dataDir;
    this.env = env;
  }

  /** `extraEnv`: more collector settings (PUBLIC_URL, …). */
  static async create(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<CollectorProcess> {
    const port = await findFreePort();
    let tlsPort = await findFreePort();
    while (tlsPort === port) tlsPort = await findFreePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-e2e-collector-'));
    const env = baseEnv({
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      TLS_PORT: String(tlsPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WORDLISTS_DIR: join(repoRoot, 'wordlists'),
      LOG_LEVEL: 'info',
      ...extraEnv,
    });
    return new CollectorProcess(port, tlsPort, dataDir, env);
  }

  /** Plain ws:// on loopback: agents enrol here and move to `tlsUrl` when the welcome offers it. */
  get url(): string {
    return `ws://127.0.0.1:${this.port}`;
  }

  get tlsUrl(): string {
    return `wss://127.0.0.1:${this.tlsPort}`;
  }

  async start(): Promise<void> {
    if (this.#proc?.running === true) return;
    this.#proc = startNode(COLLECTOR, [], this.env);
    await waitForLine(this.#proc, (l) => typeof l.msg === 'string' && l.msg.startsWith('Vigil collector listening'), 60_000, 'the collector to listen');
  }

  /** SIGTERM to its PID, as an operator or systemd would stop it. */
  async stop(): Promise<void> {
    await this.#proc?.stop('SIGTERM');
  }

  /** SIGKILL to its PID: a crash or a power cut, no orderly shutdown (devices are not marked offline). */
  async kill9(): Promise<void> {
    await this.#proc?.stop('SIGKILL');
  }

  /** The current run's log lines. */
  logs(): LogLine[] {
    return this.#proc?.logs() ?? [];
  }

  /** The current run's raw output, stdout then stderr, line by line (plain notices as well as JSON log lines). */
  outputLines(): string[] {
    return this.#proc === undefined ? [] : [...this.#proc.stdout, ...this.#proc.stderr];
  }

  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 15_000, what = 'a collector log line'): Promise<LogLine> {
    if (this.#proc === undefined) throw new Error('the collector was never started');
    return waitForLine(this.#proc, match, timeoutMs, what);
  }

  /** `vigil admin <args>` against this collector's database; its trimmed stdout. */
  async admin(args: readonly string[], env: Record<string, string> = {}): Promise<string> {
    const result = await runNode(CLI, ['admin', ...args], { ...this.env, ...env });
    if (result.code !== 0) throw new Error(`vigil admin ${args.join(' ')} failed (${String(result.code)}): ${result.stderr}`);
    return result.stdout.trim();
  }

  /** A site, a room and an enrolment token for it, through the admin CLI (after start(): the collector migrates). */
  async createEnrolmentToken(uses = 20): Promise<string> {
    const cli = (...args: string[]) => this.admin(args);
    await cli('create-site', '--name', 'E2E School');
    await cli('create-room', '--name', 'ICT Suite', '--site', 'E2E School');
    return cli('create-token', '--room', 'ICT Suite', '--uses', String(uses), '--expires', '1d');
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

export interface AgentProcessOptions {
  collectorUrl: string;
  display: string;
  /** Agent options beyond the CLI flags (written to a --config file). */
  config?: Record<string, unknown>;
  /** More flags, e.g. `--system --session-user …` (the agent as a root service). */
  args?: readonly string[];
  /**
   * Whether the person at the PC has read the acceptable-use notice (version `"1"`, the collector's default
   * policy) before the test: true by default, so the notice does not sit over the screens other tests
   * look at; the notice's own test passes false.
   */
  aupRead?: boolean;
}

export class AgentProcess {
  readonly stateDir: string;
  readonly #root: string;
  readonly #configPath: string;
  readonly #opts: AgentProcessOptions;
  #proc: NodeProcess | undefined;

  private constructor(root: string, opts: AgentProcessOptions) {
    this.#root = root;
    this.stateDir = join(root, 'state');
    this.#configPath = join(root, 'e2e-agent.json');
    this.#opts = opts;
  }

  static async create(opts: AgentProcessOptions): Promise<AgentProcess> {
    const agent = new AgentProcess(await mkdtemp(join(tmpdir(), 'vigil-e2e-agent-')), opts);
    // Short reconnect delays so a restarted collector is found within a second, not a minute.
    await writeFile(agent.#configPath, JSON.stringify({ reconnectBaseMs: 200, reconnectCapMs: 1_000, stopFlushMs: 3_000, ...opts.config }));
    // (Not for --system: its state folder is made and secured by the agent itself.)
    if (opts.aupRead !== false && opts.args?.includes('--system') !== true) await new AupAckStore(agent.stateDir).record(userInfo().username, '1', Date.now());
    return agent;
  }

  get pid(): number | undefined {
    return this.#proc?.child.pid;
  }

  /** The current run's log lines (the agent logs JSON to stderr). */
  logs(): LogLine[] {
    return this.#proc?.logs() ?? [];
  }

  /** Starts the agent (with a token on first enrolment) and waits until its keyboard hook runs. */
  async start(enrolToken?: string, env: Record<string, string> = {}): Promise<void> {
    const args = ['--collector', this.#opts.collectorUrl, '--state-dir', this.stateDir, '--config', this.#configPath, ...(this.#opts.args ?? [])];
    if (enrolToken !== undefined) args.push('--enrol-token', enrolToken);
    this.#proc = startNode(AGENT, args, baseEnv({ DISPLAY: this.#opts.display, VIGIL_LOG_LEVEL: 'debug', ...env }));
    await this.waitForLog((l) => l.msg === 'keyboard hook running', 30_000, 'the keyboard hook');
  }

  waitForLog(match: (line: LogLine) => boolean, timeoutMs = 15_000, what = 'an agent log line'): Promise<LogLine> {
    if (this.#proc === undefined) throw new Error('the agent was never started');
    return waitForLine(this.#proc, match, timeoutMs, what);
  }

  /** Waits until the window the agent last saw take focus is `title` (keys typed earlier count for the window before). */
  async focused(title: string): Promise<void> {
    const latest = () =>
      this.logs()
        .filter((l) => l.msg === 'focused window changed')
        .at(-1);
    await this.waitForLog(() => latest()?.title === title, 10_000, `the agent to see "${title}" focused`);
  }

  async stop(): Promise<void> {
    await this.#proc?.stop('SIGTERM');
  }

  async kill9(): Promise<void> {
    await this.#proc?.stop('SIGKILL');
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.#root, { recursive: true, force: true });
  }
}
