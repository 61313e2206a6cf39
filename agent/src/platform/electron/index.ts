import { pino, type Logger } from 'pino';
import type { AgentPlatform } from '../../core/agent.ts';
import type { Clock, KeySource, ScreenLocker, WindowSource } from '../../core/ports.ts';
import { systemClock } from '../node/clock.node.ts';
import { NodeKeySource } from '../node/key-source.node.ts';
import { NodeScreenLocker } from '../node/screen-locker.node.ts';
import { NodeWindowSource } from '../node/window-source.node.ts';
import type { ElectronApi } from './electron-api.ts';
import { ElectronIdleSource } from './idle-source.electron.ts';
import { ElectronNotifier, type MessageDisplay } from './notifier.electron.ts';
import { OsLockEvents } from './os-lock-events.electron.ts';
import { ElectronScreenCapture } from './screen-capture.electron.ts';
import { ElectronScreenLocker, type LockOverlayPort } from './screen-locker.electron.ts';

export { ElectronIdleSource, ElectronNotifier, ElectronScreenCapture, ElectronScreenLocker, OsLockEvents };
export type { LockOverlayPort, MessageDisplay };
export type * from './electron-api.ts';

export interface ElectronPlatformOptions {
  electron: Pick<ElectronApi, 'powerMonitor' | 'desktopCapturer' | 'screen'>;
  overlay: LockOverlayPort;
  messages: MessageDisplay;
  log?: Logger;
  clock?: Clock;
  /** The `command` locker for idle locks (agent option `lockCommand`); default: the OS lock. */
  lockCommand?: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Replacements (tests): the focused-window and keyboard sources and the OS locker default to the node adapters. */
  windows?: WindowSource;
  keys?: KeySource;
  osLocker?: ScreenLocker;
}

/**
 * The tray app's adapters: Electron for idle time, OS lock events, screenshots, the overlay
 * and the message window; the node adapters for the focused window, the keyboard hook (a
 * child process run by Electron's own Node) and the OS session lock.
 */
export function createElectronPlatform(opts: ElectronPlatformOptions): { platform: AgentPlatform; osLockEvents: OsLockEvents; dispose(): void } {
  const log = opts.log ?? pino({ level: 'silent' });
  const child = (module: string) => log.child({ module });
  const env = opts.env ?? process.env;
  const osLockEvents = new OsLockEvents(opts.electron.powerMonitor);
  // fork() from Electron runs the child as plain Node; said explicitly so a copied env cannot lose it.
  const keyEnv = { ...env, ELECTRON_RUN_AS_NODE: '1' };
  const osLocker =
    opts.osLocker ??
    new NodeScreenLocker({
      log: child('screen-locker'),
      env,
      ...(opts.lockCommand === undefined ? {} : { mode: 'command' as const, command: opts.lockCommand }),
    });
  const platform: AgentPlatform = {
    clock: opts.clock ?? systemClock,
    windows: opts.windows ?? new NodeWindowSource({ log: child('window-source') }),
    keys: opts.keys ?? new NodeKeySource({ log: child('key-source'), env: keyEnv }),
    capture: new ElectronScreenCapture({ desktopCapturer: opts.electron.desktopCapturer, screen: opts.electron.screen }),
    idle: new ElectronIdleSource(opts.electron.powerMonitor),
    locker: new ElectronScreenLocker({ overlay: opts.overlay, osLocker, osLockEvents }),
    notifier: new ElectronNotifier(opts.messages),
  };
  return { platform, osLockEvents, dispose: () => osLockEvents.dispose() };
}
