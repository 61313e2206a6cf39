import { stat } from 'node:fs/promises';
import { hostname as osHostname, release, userInfo } from 'node:os';
import { join } from 'node:path';
import { pino, type Logger } from 'pino';
import { ulid } from 'ulid';
import { pinOfToken, type AgentCapability } from '@vigil/shared/protocol';
import { ActivityService } from './activity.service.ts';
import { agentSocketUrl, type AgentConfig } from './agent-config.ts';
import { chooseTransport } from './collector-transport.ts';
import { CollectorTrust } from './collector-trust.ts';
import { ConnectionService } from './connection.service.ts';
import { DetectorService } from './detector.service.ts';
import { IdleLockService } from './idle-lock.service.ts';
import { LiveService } from './live.service.ts';
import { LockService } from './lock.service.ts';
import { Outbox, diskErrorCode } from './outbox/index.ts';
import { PolicyState } from './policy-state.ts';
import type { Clock, IdleSource, KeySource, Notifier, ScreenCapture, ScreenLocker, WindowSource } from './ports.ts';
import { beginRun, endRun, ensureStateDir, readDeviceCredentials, readDeviceTrust, readPreviousExit, type PreviousExit } from './state-dir.ts';
import { TeacherLockStore } from './teacher-lock.store.ts';
import { showTeacherMessage } from './teacher-message.ts';
import { AGENT_VERSION } from './version.ts';
import { WindowFeed } from './window-feed.ts';
import { WordlistState } from './wordlist-state.ts';

/** One adapter per port: createNodePlatform() in the headless agent, createFakePlatform() in tests. */
export interface AgentPlatform {
  clock: Clock;
  windows: WindowSource;
  keys: KeySource;
  capture: ScreenCapture;
  idle: IdleSource;
  locker: ScreenLocker;
  notifier: Notifier;
}

export interface CreateAgentOptions {
  platform: AgentPlatform;
  config: AgentConfig;
  log?: Logger;
  /** Test seam for the reconnect jitter. */
  random?: () => number;
  /** Times a supervisor restarted this agent after it died (reported in heartbeats as a tamper signal). */
  agentRestarts?: number;
  /** The OS user to report when it changes while the agent runs (system mode: the session being served). */
  osUser?: () => string;
  /** More tamper counters for the heartbeat's `health` (system mode: `sessionHelperRestarts`). */
  health?: () => { sessionHelperRestarts?: number };
}

/** A startup problem an operator must fix (not enrolled, unusable state folder, a collector address that would not be safe). */
export class AgentStartError extends Error {
  readonly code: 'not-enrolled' | 'state-dir' | 'plain-refused' | 'no-pin';
  constructor(code: AgentStartError['code'], message: string) {
    super(message);
    this.name = 'AgentStartError';
    this.code = code;
  }
}

const CAPABILITIES: AgentCapability[] = ['keyboard', 'window', 'screenshot', 'lock', 'live', 'idle', 'message'];

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

export type Agent = Awaited<ReturnType<typeof createAgent>>;

/** The composition root: every service wired to the ports, the outbox and the connection. */
export async function createAgent(opts: CreateAgentOptions) {
  const { platform: p, config } = opts;
  const log = opts.log ?? pino({ level: 'silent' });
  const child = (module: string) => log.child({ module });
  try {
    await ensureStateDir(config.stateDir);
  } catch (err) {
    // A folder that exists but refuses writes (full disk, failing device): run degraded, not into a restart loop.
    if (diskErrorCode(err) !== undefined && (await isDirectory(config.stateDir))) log.error({ err, stateDir: config.stateDir }, 'state folder refuses writes');
    else throw new AgentStartError('state-dir', `cannot use state folder ${config.stateDir}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const stored = await readDeviceCredentials(config.stateDir);
  if (!stored.ok && stored.code !== 'missing')
    log.error({ code: stored.code, detail: stored.detail }, 'device.json is unreadable; enrolling again if a token was given');
  const credentials = stored.ok ? stored.value : undefined;
  if (credentials === undefined && config.enrolToken === undefined) {
    throw new AgentStartError('not-enrolled', `not enrolled: no device.json in ${config.stateDir}; start once with --enrol-token <token from IT>`);
  }
  // How to reach the collector, and which keys it may present: decided before any connection.
  const socketUrl = agentSocketUrl(config.collector);
  const storedTrust = credentials === undefined ? {} : await readDeviceTrust(config.stateDir);
  const tokenPin = credentials === undefined && config.enrolToken !== undefined ? pinOfToken(config.enrolToken) : undefined;
  const transport = chooseTransport({
    url: socketUrl,
    insecure: config.insecure,
    configPins: config.collectorPins ?? [],
    tokenPin,
    stored: storedTrust,
    enrolled: credentials !== undefined,
  });
  if (!transport.ok) throw new AgentStartError(transport.code, transport.message);
  const trust = new CollectorTrust({
    transport: transport.transport,
    configuredUrl: socketUrl,
    insecure: config.insecure,
    stored: storedTrust,
    stateDir: config.stateDir,
    log: child('connection'),
  });

  const fixedOsUser = config.osUser ?? currentOsUser();
  const osUser = opts.osUser ?? (() => fixedOsUser);
  const outbox = await Outbox.open({ dir: join(config.stateDir, 'outbox'), logger: child('outbox'), maxBytes: config.outboxMaxBytes });
  const policy = new PolicyState({ cacheDir: config.stateDir, log: child('policy') });
  const wordlist = new WordlistState({ cacheDir: config.stateDir, log: child('wordlist') });
  await policy.load();
  await wordlist.load();

  const windows = new WindowFeed(p.windows);
  const lock = new LockService({
    locker: p.locker,
    notifier: p.notifier,
    clock: p.clock,
    outbox,
    log: child('lock'),
    pollMs: config.lockPollMs,
    store: new TeacherLockStore(config.stateDir),
  });
  const idleLock = new IdleLockService({ idle: p.idle, lock, notifier: p.notifier, clock: p.clock, policy, log: child('idle-lock') });
  const detector = new DetectorService({
    keys: p.keys,
    windows,
    capture: p.capture,
    clock: p.clock,
    outbox,
    policy,
    wordlist,
    lock,
    osUser,
    log: child('detector'),
    evidenceWidth: config.evidenceWidth,
    evidenceQuality: config.evidenceQuality,
    typingPauseMs: config.typingPauseMs,
  });
  const activity = new ActivityService({
    windows,
    idle: p.idle,
    clock: p.clock,
    outbox,
    osUser,
    log: child('activity'),
    maxSpanMs: config.maxSpanMs,
    idleAfterSeconds: config.idleAfterSeconds,
    idlePollMs: config.idlePollMs,
  });
  let previousExit: PreviousExit = credentials === undefined ? 'first-run' : 'clean';
  const startedAt = p.clock.now();
  // The connection is created after `live`, which sends through it: a small indirection.
  let sendBinary: (frame: Uint8Array) => boolean = () => false;
  const live = new LiveService({
    capture: p.capture,
    clock: p.clock,
    send: (frame) => sendBinary(frame),
    log: child('live'),
    currentWindow: () => windows.last,
  });
  // One id for this run of the process, the same on every reconnect: the collector audits one unclean exit per run.
  const runId = ulid();
  // An unclean exit is told once: after a welcome (the collector has recorded it) this run's reconnects say 'clean'.
  let uncleanExitTold = false;
  const hello = {
    agentVersion: AGENT_VERSION,
    runId,
    os: { platform: process.platform, release: release(), arch: process.arch },
    hostname: config.hostname ?? osHostname(),
    get osUser() {
      return osUser();
    },
    capabilities: CAPABILITIES,
    get previousExit() {
      return uncleanExitTold ? 'clean' : previousExit;
    },
  };
  const connection = new ConnectionService({
    url: transport.transport.url,
    trust,
    stateDir: config.stateDir,
    credentials,
    enrolToken: config.enrolToken,
    hello,
    outbox,
    policy,
    wordlist,
    handlers: {
      lock: (cmd) => lock.handle(cmd),
      message: (msg) => showTeacherMessage({ notifier: p.notifier, clock: p.clock, outbox, log: child('message') }, msg),
      live: (cmd) => live.handle(cmd),
      screenshotRequest: (req) => live.screenshot(req),
    },
    status: () => ({
      uptimeSeconds: Math.max(0, Math.floor((p.clock.now() - startedAt) / 1_000)),
      locked: lock.locked,
      // The teacher lock on screen now: a collector that restarted confirms it from here.
      teacherLockId: lock.locked ? (lock.teacherLockId ?? null) : null,
      idleSeconds: Math.max(0, Math.floor(activity.idleSeconds)),
      keyboard: detector.keyboardState(),
      health: { keyboardHookRestarts: detector.stats.keyboardHookRestarts, agentRestarts: opts.agentRestarts ?? 0, ...opts.health?.() },
    }),
    clock: p.clock,
    log: child('connection'),
    reconnect: { baseMs: config.reconnectBaseMs, capMs: config.reconnectCapMs, refusedMs: config.authRetryMs },
    random: opts.random,
  });
  sendBinary = (frame) => connection.sendBinary(frame);
  connection.onConnectedChange((connected) => {
    if (!connected) live.stop();
    else if (previousExit === 'unclean') uncleanExitTold = true;
  });

  let state: 'created' | 'running' | 'stopped' = 'created';
  return {
    outbox,
    policy,
    wordlist,
    detector,
    activity,
    lock,
    idleLock,
    live,
    connection,
    /** The OS user alerts and spans report now (system mode: the session being served). */
    osUser,
    get previousExit(): PreviousExit {
      return previousExit;
    },
    async start(): Promise<void> {
      if (state !== 'created') return;
      state = 'running';
      try {
        previousExit = await beginRun(config.stateDir, credentials !== undefined);
      } catch (err) {
        // A full state folder must not stop the agent (the supervisor would restart it for
        // ever, with nothing matched, delivered or locked): run degraded instead.
        if (diskErrorCode(err) === undefined) throw err;
        previousExit = await readPreviousExit(config.stateDir, credentials !== undefined);
        outbox.noteDiskError(err);
        log.error({ err, stateDir: config.stateDir }, 'state folder refuses writes: running degraded (records held in memory, sent straight)');
      }
      log.info(
        { stateDir: config.stateDir, previousExit, pending: outbox.stats().pending, degraded: outbox.stats().degraded, version: AGENT_VERSION },
        'agent starting',
      );
      // A teacher lock kept from the last run is back on screen before the collector is asked.
      await lock.start();
      await detector.start();
      activity.start();
      idleLock.start();
      connection.start();
    },
    /** Orderly stop: final hits and the open span into the outbox, a moment to deliver, bye, close. */
    async stop(): Promise<void> {
      if (state !== 'running') return;
      state = 'stopped';
      live.stop();
      idleLock.stop();
      await detector.stop();
      await activity.stop();
      await lock.stop();
      await connection.stop({ reason: 'shutdown', flushMs: config.stopFlushMs });
      await outbox.close();
      await endRun(config.stateDir);
      log.info('agent stopped');
    },
  };
}
