// `vigil-agent --system`: the agent as a root service. The core (identity, outbox, policy and
// word-list caches, matcher, connection) runs here, in a state folder only root can reach; the
// signed-in pupil's session is served by a session helper running as that pupil
// (session-helper.ts), which this process starts, watches and restarts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { AgentConfig } from '../core/agent-config.ts';
import type { AgentPlatform } from '../core/agent.ts';
import { securePrivateStateDir } from '../core/private-state-dir.ts';
import { createRemotePlatform } from '../platform/session/remote-platform.ts';
import { configuredSession, logindSessions, type ConfiguredSession, type SessionWatcher } from '../platform/session/session-discovery.ts';
import { SessionLink } from '../platform/session/session-link.ts';
import type { SessionTarget } from '../platform/session/session-target.ts';
import type { HelperOptions } from './session-helper-options.ts';

export interface SystemModeOptions {
  /** A fixed session (kiosks, suites without logind, tests); else logind's active session on seat0. */
  session?: ConfiguredSession;
}

/** A system-mode problem the operator must fix; main.ts prints it and exits 2. */
export class SystemModeError extends Error {}

// Beside this module: the bundle's helper when this is the bundle (dist/headless/main.mjs), else the source.
const BUNDLED = import.meta.url.endsWith('.mjs');
export const HELPER_SCRIPT = fileURLToPath(new URL(BUNDLED ? './session-helper.mjs' : './session-helper.ts', import.meta.url));
/** As the agent's own (supervisor.ts): the helper is a small process that forwards events. */
const HELPER_NODE_FLAGS = BUNDLED ? ['--max-semi-space-size=1', '--lite-mode'] : ['--max-semi-space-size=1'];

export interface SystemMode {
  platform: AgentPlatform;
  link: SessionLink;
  /** The user of the session being served: what alerts and spans report. */
  osUser(): string;
  health(): { sessionHelperRestarts: number };
  /** Starts following sessions; resolves once a helper is connected or `waitMs` passed. */
  start(waitMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function createSystemMode(config: AgentConfig, opts: SystemModeOptions, log: Logger): Promise<SystemMode> {
  if (process.getuid?.() !== 0) throw new SystemModeError('--system must run as root (it keeps the device identity where only root can read it)');
  const dir = await securePrivateStateDir(config.stateDir, { uid: 0 });
  if (!dir.ok) throw new SystemModeError(`state folder: ${dir.path} ${dir.problem}`);
  for (const fix of dir.fixed) log.warn({ fix }, 'state folder permissions corrected');

  let watcher: SessionWatcher;
  try {
    watcher = opts.session !== undefined ? await configuredSession(opts.session) : logindSessions({ log: log.child({ module: 'sessions' }) });
  } catch (err) {
    throw new SystemModeError(`--session-user: ${err instanceof Error ? err.message : String(err)}`);
  }
  const helperOptions = (target: SessionTarget): HelperOptions => {
    const runtime = join('/run/user', String(target.uid));
    return {
      logLevel: config.logLevel,
      lockCommand: config.lockCommand === undefined ? undefined : [...config.lockCommand],
      lockerPidFile: existsSync(runtime) ? join(runtime, 'vigil-locker.pid') : undefined,
    };
  };
  const link = new SessionLink({
    log: log.child({ module: 'session-link' }),
    command: (target) => ({ execPath: process.execPath, args: [...HELPER_NODE_FLAGS, HELPER_SCRIPT, '--options', JSON.stringify(helperOptions(target))] }),
  });
  const platform = createRemotePlatform(link);
  return {
    platform,
    link,
    osUser: () => link.target?.user ?? config.osUser ?? '',
    health: () => ({ sessionHelperRestarts: link.restarts }),
    async start(waitMs = 10_000) {
      const connected = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        link.on({ onConnected: (up) => up && (clearTimeout(timer), resolve()) });
      });
      watcher.start((target) => void link.setTarget(target));
      await connected;
    },
    async stop() {
      watcher.stop();
      await link.stop();
    },
  };
}
