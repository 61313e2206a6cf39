import { userInfo } from 'node:os';
import { pino, type Logger } from 'pino';
import { defaultPolicy, type Policy } from '@vigil/shared/protocol';
import { createAgent, type AgentPlatform } from '../core/agent.ts';
import type { AgentConfig } from '../core/agent-config.ts';
import type { Clock } from '../core/ports.ts';
import { systemClock } from '../platform/node/clock.node.ts';
import { createElectronPlatform, type ElectronApi, type ElectronPlatformOptions } from '../platform/electron/index.ts';
import { AupAckStore } from '../core/aup-ack.store.ts';
import { AupNotice } from './aup-notice.ts';
import { CoreSupervisor, type CoreSupervisorOptions } from './core-supervisor.ts';
import { crashCount, installCrashRelaunch, startDelayAfterCrashes, type ProcessEvents } from './crash-relaunch.ts';
import { LockOverlay } from './lock-overlay.ts';
import { MessageWindow } from './message-window.ts';
import { watchSessionEnd } from './session-end.ts';
import type { ShellPaths } from './shell-paths.ts';
import { TrayController } from './tray.controller.ts';

export interface TrayAppOptions {
  /** The computer's agent.json, loaded and validated (tray-config.ts), or why it could not be. */
  config: { ok: true; config: AgentConfig } | { ok: false; message: string };
  paths: ShellPaths;
  log?: Logger;
  clock?: Clock;
  platform?: NodeJS.Platform;
  /** The OS user at this computer. Default: config.osUser, else the user running the app. */
  osUser?: string;
  /** This process's arguments (crash count after a relaunch). Default process.argv. */
  argv?: readonly string[];
  /** Where uncaught exceptions are caught to relaunch the app; the real `process` in main.ts, none in tests. */
  process?: ProcessEvents;
  /** Test seams: replacements for the node adapters (focused window, keyboard hook, OS locker). */
  adapters?: Pick<ElectronPlatformOptions, 'windows' | 'keys' | 'osLocker' | 'env'>;
  supervisor?: Pick<CoreSupervisorOptions, 'retryBaseMs' | 'retryCapMs' | 'notSetUpRetryMs'>;
  /** Test seam for the reconnect jitter. */
  random?: () => number;
}

export interface TrayApp {
  tray: TrayController;
  overlay: LockOverlay;
  messages: MessageWindow;
  aup: AupNotice;
  supervisor: CoreSupervisor;
  /** The adapters the core runs on (Electron's and the node ones). */
  platform: AgentPlatform;
  /** The orderly stop (`bye` to the collector), then the windows and tray go; what quitting does. */
  shutdown(reason: string): Promise<void>;
}

function currentOsUser(): string {
  try {
    return userInfo().username;
  } catch {
    return '';
  }
}

/**
 * The tray app: one per signed-in user, no window while idle, a tray icon saying the computer
 * is monitored, the acceptable-use notice, teacher messages, the lock overlay, and the agent
 * core running inside it. `electron` is the real module in main.ts and a fake in tests.
 * Resolves to undefined when another instance already runs for this user (this one quits).
 */
export async function startTrayApp(electron: ElectronApi, options: TrayAppOptions): Promise<TrayApp | undefined> {
  const { app } = electron;
  const log = options.log ?? pino({ level: 'silent' });
  const child = (module: string) => log.child({ module });
  if (!app.requestSingleInstanceLock()) {
    log.info('the Vigil tray app already runs for this user; this copy quits');
    app.quit();
    return undefined;
  }
  const clock = options.clock ?? systemClock;
  const argv = options.argv ?? process.argv;
  if (options.process !== undefined) installCrashRelaunch({ process: options.process, app, argv, log: child('crash'), now: () => clock.now() });
  // A tray app: closing its last window must not quit it.
  app.on('window-all-closed', () => {});
  await app.whenReady();
  app.dock?.hide();
  // Our pages need no camera, notifications or anything else a site might ask for.
  electron.session.defaultSession.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));

  const { paths } = options;
  const config = options.config.ok ? options.config.config : undefined;
  const overlay = new LockOverlay({ electron, paths, clock, log: child('lock-overlay') });
  const messages = new MessageWindow({ electron, paths, log: child('message-window') });
  const stateDir = config?.stateDir ?? app.getPath('userData');
  const user = options.osUser ?? config?.osUser ?? currentOsUser();
  const aup = new AupNotice({ electron, paths, store: new AupAckStore(stateDir), user, clock, log: child('aup') });
  const shell = createElectronPlatform({ electron, overlay, messages, log, clock, lockCommand: config?.lockCommand, ...options.adapters });
  const supervisor = new CoreSupervisor({
    create: (restarts) => {
      if (config === undefined) return Promise.reject(new Error('no configuration'));
      // Relaunches after a crash and restarts here both count: the heartbeat reports them as a tamper signal.
      return createAgent({ platform: shell.platform, config, log, random: options.random, agentRestarts: crashCount(argv) + restarts });
    },
    clock,
    log: child('supervisor'),
    ...options.supervisor,
  });
  const currentPolicy = (): Readonly<Policy> => supervisor.agent?.policy.current ?? defaultPolicy;
  const tray = new TrayController({ electron, iconFor: (status) => paths.trayIcon(status), onShowAup: () => aup.show(currentPolicy()) });
  const configProblem = options.config.ok ? undefined : 'not set up, ask IT';
  if (!options.config.ok) child('config').error({ detail: options.config.message }, 'no usable agent configuration; the agent core does not run');

  // Taken from the change events: while they run, the connection's own getter may still say the old value.
  let connected = false;
  const refresh = () => {
    const agent = supervisor.agent;
    tray.update({
      connected: agent !== undefined && connected,
      locked: overlay.shown || (agent?.lock.locked ?? false),
      problem: configProblem ?? supervisor.problem,
    });
  };
  const unsubscribe: (() => void)[] = [];
  supervisor.onChange(() => {
    for (const off of unsubscribe.splice(0)) off();
    const agent = supervisor.agent;
    connected = agent?.connection.connected ?? false;
    if (agent !== undefined) {
      unsubscribe.push(
        agent.connection.onConnectedChange((now) => {
          connected = now;
          refresh();
        }),
        agent.lock.onChange(refresh),
        agent.policy.onChange((policy) => void aup.onPolicy(policy)),
      );
      void aup.onPolicy(agent.policy.current);
    }
    refresh();
  });
  overlay.onChange(refresh);
  refresh();
  app.on('second-instance', () => aup.show(currentPolicy()));

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ reason }, 'tray app stopping');
      // The orderly stop waits at most stopFlushMs for the outbox; this bounds anything else that hangs.
      let timer: { cancel(): void } | undefined;
      const timedOut = new Promise<void>((resolve) => {
        timer = clock.setTimeout(
          () => {
            log.warn('orderly stop took too long; quitting anyway');
            resolve();
          },
          (config?.stopFlushMs ?? 2_000) + 5_000,
        );
      });
      await Promise.race([supervisor.stop(), timedOut]);
      timer?.cancel();
      for (const off of unsubscribe.splice(0)) off();
      overlay.dispose();
      messages.dispose();
      aup.dispose();
      shell.dispose();
      sessionWatch?.dispose();
      tray.destroy();
    })();
    return stopping;
  };
  let quitAllowed = false;
  let sessionEnding = false;
  const stopThenQuit = (reason: string) => {
    void shutdown(reason).finally(() => {
      quitAllowed = true;
      app.quit();
    });
  };
  app.on('before-quit', (event) => {
    if (quitAllowed) return;
    event.preventDefault();
    if (overlay.shown && !sessionEnding) {
      // Cmd+Q on macOS, or a close request from another program, while a teacher lock is on.
      log.warn('quit refused while the screen is locked');
      return;
    }
    stopThenQuit('quit');
  });
  electron.powerMonitor.on('shutdown', (event) => {
    // Linux and macOS: Electron delays the shutdown while we send bye.
    sessionEnding = true;
    event?.preventDefault();
    stopThenQuit('os-shutdown');
  });
  // Windows sends no before-quit at log-off / shutdown, only session-end to a window.
  const sessionWatch =
    (options.platform ?? process.platform) === 'win32'
      ? watchSessionEnd(electron, () => {
          sessionEnding = true;
          stopThenQuit('session-end');
        })
      : undefined;

  const delay = startDelayAfterCrashes(crashCount(argv));
  const firstStart = async () => {
    if (config !== undefined) await supervisor.start();
    // Shown at login even when the core cannot run: monitoring is never hidden.
    if (supervisor.agent === undefined) await aup.onPolicy(defaultPolicy);
  };
  if (delay === 0) await firstStart();
  else {
    log.warn({ delayMs: delay }, 'started again after a crash; waiting before starting the core');
    clock.setTimeout(() => void firstStart(), delay);
  }
  return { tray, overlay, messages, aup, supervisor, platform: shell.platform, shutdown };
}
