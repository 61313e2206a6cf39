import { pino, type Logger } from 'pino';
import { systemClock } from './clock.node.ts';
import { NodeIdleSource, type NodeIdleSourceOptions } from './idle-source.node.ts';
import { NodeKeySource, type NodeKeySourceOptions } from './key-source.node.ts';
import { NodeNotifier, type NodeNotifierOptions } from './notifier.node.ts';
import { NodeScreenCapture, type NodeScreenCaptureOptions } from './screen-capture.node.ts';
import { NodeScreenLocker, type NodeScreenLockerOptions } from './screen-locker.node.ts';
import { NodeWindowSource, type NodeWindowSourceOptions } from './window-source.node.ts';

export { systemClock, NodeIdleSource, NodeKeySource, NodeNotifier, NodeScreenCapture, NodeScreenLocker, NodeWindowSource };
export type { NodeIdleSourceOptions, NodeKeySourceOptions, NodeNotifierOptions, NodeScreenCaptureOptions, NodeScreenLockerOptions, NodeWindowSourceOptions };
export type { WindowSourceStrategy } from './window-source.node.ts';
export type { LockerMode } from './screen-locker.node.ts';
export type { CaptureBackendName } from './capture-backends.ts';
export { captureBackend, type CaptureBackend } from './capture-backends.ts';
export { encodeJpeg, isBlank, sha256Hex, type GrabbedFrame } from './image-encode.ts';
export { stopImageWorker } from './image-worker.ts';
export type { ActiveWindow, Key, KeySourceStatus } from '../../core/ports.ts';

export interface NodePlatformOptions {
  log?: Logger;
  windows?: NodeWindowSourceOptions;
  keys?: NodeKeySourceOptions;
  capture?: NodeScreenCaptureOptions;
  idle?: NodeIdleSourceOptions;
  locker?: NodeScreenLockerOptions;
  notifier?: NodeNotifierOptions;
}

/** The real adapters for the headless agent, each with a module-tagged child logger. */
export function createNodePlatform(opts: NodePlatformOptions = {}) {
  const log = opts.log ?? pino({ level: 'silent' });
  const child = (module: string) => log.child({ module });
  return {
    clock: systemClock,
    windows: new NodeWindowSource({ log: child('window-source'), ...opts.windows }),
    keys: new NodeKeySource({ log: child('key-source'), ...opts.keys }),
    capture: new NodeScreenCapture({ log: child('screen-capture'), ...opts.capture }),
    idle: new NodeIdleSource(opts.idle),
    locker: new NodeScreenLocker({ log: child('screen-locker'), ...opts.locker }),
    notifier: new NodeNotifier({ log: child('notifier'), ...opts.notifier }),
  };
}

export type NodePlatform = ReturnType<typeof createNodePlatform>;
