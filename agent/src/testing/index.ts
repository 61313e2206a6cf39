export { startXvfb, stopProcesses, type Xvfb, type XvfbOptions, type XWindow } from './xvfb.harness.ts';
export { waitFor, type WaitForOptions } from './wait-for.ts';
export { ensureTools, X11_TEST_TOOLS, type SystemTool } from './system-tools.ts';
export { isBlank } from '../platform/node/image-encode.ts';
export { pressKeycodes } from './x11-keys.ts';
export { AupAckStore } from '../core/aup-ack.store.ts';
