// `vigil-agent`: the headless agent as a Node service (`pnpm agent -- --collector wss://host:8443 --enrol-token …`).
import { join } from 'node:path';
import { pino } from 'pino';
import { defaultPolicy } from '@vigil/shared/protocol';
import { AgentStartError, createAgent, type Agent } from '../core/agent.ts';
import { AupAckStore } from '../core/aup-ack.store.ts';
import { AupNoticeService } from '../core/aup-notice.service.ts';
import { createNodePlatform, stopImageWorker } from '../platform/node/index.ts';
import { describeOptions, loadOptions, USAGE } from './options.ts';
import { createSystemMode, SystemModeError, type SystemMode } from './system-mode.ts';

const options = loadOptions(process.argv.slice(2), process.env);
if (options.ok === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (!options.ok) {
  // One line an operator can act on.
  process.stderr.write(`vigil-agent: ${options.message}\n`);
  process.exit(2);
}
const { config } = options;
const log = pino({ level: config.logLevel, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
const mainLog = log.child({ module: 'main' });
mainLog.info({ config: describeOptions(config), system: options.system !== undefined }, 'vigil-agent starting');

// --system: the ports are served by a session helper running as the signed-in user.
let system: SystemMode | undefined;
if (options.system !== undefined) {
  try {
    system = await createSystemMode(config, options.system, log);
  } catch (err) {
    if (!(err instanceof SystemModeError)) throw err;
    process.stderr.write(`vigil-agent: ${err.message}\n`);
    process.exit(2);
  }
}

// The locker's PID is kept in the state folder: a restarted agent takes over a locker still on screen.
const lockerPidFile = join(config.stateDir, 'locker.pid');
const platform =
  system?.platform ??
  createNodePlatform({
    log,
    // Teacher locks show the agent's own lock screen (message, teacher, countdown) unless a locker is configured.
    locker:
      config.lockCommand === undefined ? { pidFile: lockerPidFile, overlay: true } : { mode: 'command', command: config.lockCommand, pidFile: lockerPidFile },
  });

// Set by supervisor.ts: how often it restarted this agent after it died (a tamper signal).
const restarts = Number(process.env.VIGIL_AGENT_RESTARTS ?? '0');
const agentRestarts = Number.isSafeInteger(restarts) && restarts >= 0 ? restarts : 0;

let agent: Agent;
try {
  agent = await createAgent({ platform, config, log, agentRestarts, osUser: system?.osUser, health: system?.health });
  // The helper first, so a teacher lock kept from the last run goes straight back on screen.
  await system?.start();
  await agent.start();
} catch (err) {
  if (err instanceof AgentStartError) {
    process.stderr.write(`vigil-agent: ${err.message}\n`);
    process.exit(2);
  }
  mainLog.fatal({ err }, 'could not start the agent');
  process.exit(1);
}

const aupLog = log.child({ module: 'aup' });
// The acceptable-use notice (policy `showAupOnLogin`): at start when the school's policy is already known
// (cached from the collector), else when it arrives; again for each new session and each new version.
const aup = new AupNoticeService({
  notifier: platform.notifier,
  store: new AupAckStore(config.stateDir),
  policy: () => agent.policy.current,
  osUser: agent.osUser,
  clock: platform.clock,
  log: aupLog,
});
const checkAup = (why: string) => void aup.check().then((result) => aupLog.debug({ why, result }, 'acceptable-use notice checked'));
if (agent.policy.current !== defaultPolicy) checkAup('start');
agent.policy.onChange(() => checkAup('policy'));
system?.link.on({ onConnected: (up) => up && checkAup('session') });

/** The same signal twice within this long is one stop: a service manager signalling every process while the supervisor forwards its own. */
const SAME_STOP_MS = 1_000;
let stopping: { signal: NodeJS.Signals; at: number } | undefined;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping !== undefined) {
    if (signal === stopping.signal && Date.now() - stopping.at < SAME_STOP_MS) return;
    // A second signal: the operator wants out now (the run counts as unclean).
    mainLog.warn({ signal }, 'second signal; exiting without an orderly stop');
    process.exit(1);
  }
  stopping = { signal, at: Date.now() };
  mainLog.info({ signal }, 'stopping');
  let code = 0;
  try {
    await agent.stop();
    await system?.stop();
    // The image worker's child (screenshots, thumbnails, lock pictures) goes with the agent, not after it.
    await stopImageWorker();
  } catch (err) {
    mainLog.error({ err }, 'orderly stop failed');
    code = 1;
  }
  process.exit(code);
}
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, (received) => void shutdown(received));
process.on('uncaughtException', (err) => {
  // The running marker stays behind, so the next start reports an unclean exit.
  mainLog.fatal({ err }, 'uncaught exception');
  process.exit(1);
});
