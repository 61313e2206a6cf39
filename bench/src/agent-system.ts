// The real system for the agent benchmarks: PostgreSQL (VIGIL_BENCH_DATABASE_URL /
// TEST_DATABASE_URL server, else an embedded one), `node collector/src/main.ts`, the admin
// CLI and `node agent/src/headless/main.ts` on a given X display; plus /proc readings.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, copyFile, mkdtemp, open, readFile, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectDatabase, createLogger, startEmbeddedPostgres, type Database } from '@vigil/collector';
import { AupAckStore, waitFor } from '@vigil/agent/testing';
import { findFreePort } from '@vigil/collector/free-port';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const quietLog = createLogger('error');

export interface BenchDatabase {
  url: string;
  database: Database;
  dispose(): Promise<void>;
}

/** A fresh database on the configured server, or on an embedded PostgreSQL started for the run. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const external = (process.env.VIGIL_BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL)?.trim();
  let serverUrl: string;
  let stopServer = async () => {};
  if (external !== undefined && external !== '') {
    serverUrl = external;
  } else {
    const baseDir = await mkdtemp(join(tmpdir(), 'vigil-bench-pg-'));
    await chmod(baseDir, 0o755); // as root the server runs as `postgres` and must get in
    const server = await startEmbeddedPostgres({ baseDir, log: quietLog, database: 'postgres' });
    serverUrl = server.serverUrl;
    stopServer = async () => {
      await server.stop();
      await rm(baseDir, { recursive: true, force: true });
    };
  }
  const name = `vigil_bench_${Date.now().toString(36)}`;
  const admin = await connectDatabase(serverUrl, quietLog, { migrate: false, poolSize: 1 });
  await admin.pool.query(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const database = await connectDatabase(url.toString(), quietLog, { migrate: true, poolSize: 3 });
  return {
    url: url.toString(),
    database,
    async dispose() {
      await database.close();
      await admin.pool.query(`drop database if exists ${name} with (force)`);
      await admin.close();
      await stopServer();
    },
  };
}

export interface Proc {
  child: ChildProcess;
  lines: string[];
  /** Waits for a JSON log line whose `msg` satisfies `match`. */
  waitForMsg(match: (msg: string, line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  stop(): Promise<void>;
}

export interface NodeRun {
  /** The node binary (default: this one). */
  execPath?: string;
  /** Node flags before the script (`--max-semi-space-size=1` …). */
  nodeArgs?: readonly string[];
}

export function startNode(script: string, args: string[], env: Record<string, string>, run: NodeRun = {}): Proc {
  const base: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[name] !== undefined) base[name] = process.env[name];
  const child = spawn(run.execPath ?? process.execPath, [...(run.nodeArgs ?? []), script, ...args], {
    cwd: repoRoot,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let partial = '';
  const collect = (chunk: Buffer) => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const parsed = () => {
    const out: Record<string, unknown>[] = [];
    for (const raw of lines) {
      if (!raw.startsWith('{')) continue;
      try {
        const line: unknown = JSON.parse(raw);
        if (typeof line === 'object' && line !== null && !Array.isArray(line)) out.push({ ...line });
      } catch {
        // not a log line
      }
    }
    return out;
  };
  return {
    child,
    lines,
    waitForMsg: (match, timeoutMs = 30_000) =>
      waitFor(
        () => {
          if (child.exitCode !== null) throw new Error(`${script} exited:\n${lines.slice(-20).join('\n')}`);
          return parsed().find((l) => typeof l.msg === 'string' && match(l.msg, l));
        },
        { timeoutMs, intervalMs: 20, message: `a log line from ${script}` },
      ),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function runCli(env: Record<string, string>, ...args: string[]): Promise<string> {
  const proc = startNode('collector/src/cli/main.ts', ['admin', ...args], env);
  const [code]: unknown[] = await once(proc.child, 'exit');
  if (code !== 0) throw new Error(`vigil admin ${args.join(' ')} failed: ${proc.lines.join('\n')}`);
  // The CLI's answer is plain text; JSON lines are the collector's log (warnings on stderr).
  return (proc.lines.find((l) => l.trim() !== '' && !l.startsWith('{')) ?? '').trim();
}

export interface BenchSystem {
  db: BenchDatabase;
  collector: Proc;
  collectorEnv: Record<string, string>;
  collectorUrl: string;
  siteId: string;
  token: string;
  dispose(): Promise<void>;
}

/** PostgreSQL, the collector listening on 127.0.0.1, and an enrolment token. */
export async function startCollectorSystem(): Promise<BenchSystem> {
  const db = await benchDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-bench-collector-'));
  const port = await findFreePort();
  // The agents' TLS listener (default 8443) on a free port too: another collector may hold 8443.
  const tlsPort = await findFreePort();
  const collectorEnv = {
    DATABASE_URL: db.url,
    PORT: String(port),
    TLS_PORT: String(tlsPort),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    WORDLISTS_DIR: join(repoRoot, 'wordlists'),
    LOG_LEVEL: 'warn',
  };
  const collector = startNode('collector/src/main.ts', [], { ...collectorEnv, LOG_LEVEL: 'info' });
  let siteId: string;
  let token: string;
  try {
    await collector.waitForMsg((m) => m.startsWith('Vigil collector listening'), 60_000);
    siteId = await runCli(collectorEnv, 'create-site', '--name', 'Bench School');
    await runCli(collectorEnv, 'create-room', '--name', 'Bench Room', '--site', siteId);
    token = await runCli(collectorEnv, 'create-token', '--room', 'Bench Room', '--uses', '10');
  } catch (err) {
    // Never leave a collector behind when the bench fails to set up.
    await collector.stop();
    await db.dispose();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    db,
    collector,
    collectorEnv,
    collectorUrl: `ws://127.0.0.1:${port}`,
    siteId,
    token,
    async dispose() {
      await collector.stop();
      await db.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sets the site's policy layer and tells connected agents, as the console's policy editor does. */
export async function setSitePolicy(system: BenchSystem, settings: Record<string, unknown>): Promise<void> {
  const pool = system.db.database.pool;
  await pool.query(
    `insert into policies (id, scope, scope_id, settings) values ($1, 'site', $2, $3)
     on conflict (scope, scope_id) do update set settings = excluded.settings, updated_at = now()`,
    [`bench-${system.siteId}`, system.siteId, JSON.stringify(settings)],
  );
  await pool.query(`select pg_notify('vigil_agent_control', $1)`, [JSON.stringify({ kind: 'policy', scope: 'site', scopeId: system.siteId })]);
}

export async function startAgent(
  system: BenchSystem,
  display: string,
  config: Record<string, unknown> = {},
  env: Record<string, string> = {},
  run: NodeRun & {
    supervised?: boolean;
    /** Reuse this folder (state, config) and keep it after stop. */
    root?: string;
    /** The script run directly (default VIGIL_BENCH_AGENT_SCRIPT, else main.ts). */
    script?: string;
    /** More agent options (default VIGIL_BENCH_AGENT_ARGS). */
    args?: readonly string[];
    /** The session's user, whose acceptable-use notice is acknowledged (default this process's user). */
    osUser?: string;
  } = {},
): Promise<Proc & { stateDir: string }> {
  const root = run.root ?? (await mkdtemp(join(tmpdir(), 'vigil-bench-agent-')));
  // A --system agent's session helper runs as another user: it may pass through (not list) this folder.
  await chmod(root, 0o711);
  const configPath = join(root, 'agent.json');
  await writeFile(configPath, JSON.stringify(config));
  // The pupil has read the acceptable-use notice (the steady state of a school day): it does not cover the
  // screen the live phase streams.
  await new AupAckStore(join(root, 'state')).record(run.osUser ?? userInfo().username, '1', Date.now());
  // VIGIL_BENCH_AGENT_SCRIPT: measure another build of the agent (e.g. a bundled .mjs).
  // Supervised: what `pnpm agent` runs (launch.mjs → supervise.sh on Linux → the bundle).
  const script =
    run.supervised === true ? 'agent/src/headless/launch.mjs' : (run.script ?? process.env.VIGIL_BENCH_AGENT_SCRIPT ?? 'agent/src/headless/main.ts');
  // VIGIL_BENCH_AGENT_FLAGS: node flags for an agent run directly (e.g. the bundle's, "--max-semi-space-size=1 --lite-mode").
  const flags = (process.env.VIGIL_BENCH_AGENT_FLAGS ?? '').split(' ').filter((f) => f !== '');
  // VIGIL_BENCH_AGENT_ARGS: more agent options, e.g. "--system --session-user root --display {display}" (the .deb's way).
  const extraArgs =
    run.args ??
    (process.env.VIGIL_BENCH_AGENT_ARGS ?? '')
      .replaceAll('{display}', display)
      .split(' ')
      .filter((a) => a !== '');
  const agent = startNode(
    script,
    ['--collector', system.collectorUrl, '--enrol-token', system.token, '--state-dir', join(root, 'state'), '--config', configPath, ...extraArgs],
    { DISPLAY: display, VIGIL_LOG_LEVEL: 'info', ...env },
    { ...run, nodeArgs: run.nodeArgs ?? flags },
  );
  // In --system mode the keyboard hook runs in the session helper, which logs to its own service channel.
  if (!extraArgs.includes('--system')) await agent.waitForMsg((m) => m === 'keyboard hook running');
  await agent.waitForMsg((m) => m === 'word list in force');
  return {
    ...agent,
    stateDir: join(root, 'state'),
    async stop() {
      await agent.stop();
      if (run.root === undefined) await rm(root, { recursive: true, force: true });
    },
  };
}

export interface Memory {
  /** Resident set: every page mapped in, including the node binary and libraries shared with other processes. */
  rss: number;
  /** Proportional set: shared pages divided among the processes that share them (sums fairly across processes). */
  pss: number;
  /** Pages only this process uses (what ending it would free). */
  private: number;
}

/** Memory of a process in MiB, from /proc/<pid>/smaps_rollup. */
export async function memoryMiB(pid: number): Promise<Memory> {
  const text = await readFile(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { rss: kb('Rss') / 1024, pss: kb('Pss') / 1024, private: (kb('Private_Clean') + kb('Private_Dirty')) / 1024 };
}

/**
 * The tree's resident set as one set: every physical page any of `pids` has resident, each
 * counted once (a page of the node binary mapped by two processes is one page of memory,
 * where summing their RSS counts it twice). Reads /proc/<pid>/pagemap, whose page frame
 * numbers only root may see; undefined when they read as 0 (not root).
 */
export async function residentUnionMiB(pids: readonly number[]): Promise<number | undefined> {
  const frames = new Set<bigint>();
  let present = 0;
  for (const pid of pids) {
    let smaps: string;
    let pagemap: FileHandle;
    try {
      smaps = await readFile(`/proc/${pid}/smaps`, 'utf8');
      pagemap = await open(`/proc/${pid}/pagemap`, 'r');
    } catch {
      continue; // gone between the walk and this reading
    }
    try {
      let range: [number, number] | undefined;
      for (const line of smaps.split('\n')) {
        const head = /^([0-9a-f]+)-([0-9a-f]+) /.exec(line);
        if (head !== null) {
          range = [parseInt(head[1] ?? '0', 16), parseInt(head[2] ?? '0', 16)];
          continue;
        }
        const rss = /^Rss:\s+(\d+) kB/.exec(line);
        if (rss === null || range === undefined || Number(rss[1]) === 0) continue;
        const pages = (range[1] - range[0]) / PAGE;
        const buf = Buffer.alloc(pages * 8);
        await pagemap.read(buf, 0, buf.length, (range[0] / PAGE) * 8);
        for (let i = 0; i < pages; i++) {
          const entry = buf.readBigUInt64LE(i * 8);
          if (entry >> 63n === 0n) continue; // not resident
          present++;
          frames.add(entry & PFN_MASK);
        }
      }
    } finally {
      await pagemap.close();
    }
  }
  if (present > 0 && frames.size === 1 && frames.has(0n)) return undefined;
  return (frames.size * PAGE) / 2 ** 20;
}
const PAGE = 4096;
const PFN_MASK = (1n << 55n) - 1n;

/**
 * A copy of the node binary for the processes measured: their code pages are then shared
 * only among themselves, so PSS shows what they cost together, not diluted by every other
 * node process on the machine (test runners, the collector) that maps the same file.
 */
export async function privateNodeBinary(): Promise<{ path: string; dispose(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-node-'));
  await chmod(dir, 0o755); // the system service's session helper runs it as the pupil
  const path = join(dir, 'node');
  await copyFile(process.execPath, path);
  await chmod(path, 0o755);
  return { path, dispose: () => rm(dir, { recursive: true, force: true }) };
}
