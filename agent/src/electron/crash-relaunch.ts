import { backoffCeiling } from '@vigil/shared/backoff';
import type { Logger } from 'pino';
import type { AppLike } from '../platform/electron/electron-api.ts';

/** Carried to the relaunched instance so repeated crashes back off instead of looping hot. */
export const CRASH_COUNT_FLAG = '--vigil-crash-count';
/** A run this long counts as healthy: a crash after it starts the count again. */
export const STABLE_RUN_MS = 10 * 60_000;

export function crashCount(argv: readonly string[]): number {
  for (const arg of argv) {
    if (!arg.startsWith(`${CRASH_COUNT_FLAG}=`)) continue;
    const n = Number(arg.slice(CRASH_COUNT_FLAG.length + 1));
    if (Number.isInteger(n) && n >= 0 && n < 1_000) return n;
  }
  return 0;
}

/** The relaunched instance's arguments: ours (after the executable), with the crash count replaced. */
export function relaunchArgs(argv: readonly string[], count: number): string[] {
  return [...argv.slice(1).filter((arg) => !arg.startsWith(`${CRASH_COUNT_FLAG}=`)), `${CRASH_COUNT_FLAG}=${count}`];
}

/** How long a relaunched instance waits before starting the core: 0, then 1 s doubling to 60 s. */
export function startDelayAfterCrashes(count: number): number {
  return count <= 0 ? 0 : backoffCeiling(count - 1, { baseMs: 1_000, capMs: 60_000 });
}

export interface ProcessEvents {
  on(event: 'uncaughtException', listener: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

export interface CrashRelaunchOptions {
  process: ProcessEvents;
  app: Pick<AppLike, 'relaunch' | 'exit'>;
  argv: readonly string[];
  log: Logger;
  now: () => number;
}

/**
 * An uncaught exception leaves the main process (and the core inside it) in an unknown
 * state, so the tray app starts again rather than limp on: relaunch, then exit without the
 * orderly stop. The "running" marker stays behind, so the next `hello` reports
 * `previousExit: unclean` to the collector, and the teacher lock comes back with the core.
 * (Without a handler Electron would show an error dialog and keep running.)
 */
export function installCrashRelaunch(opts: CrashRelaunchOptions): void {
  const startedAt = opts.now();
  const previous = crashCount(opts.argv);
  opts.process.on('uncaughtException', (err) => {
    const count = opts.now() - startedAt >= STABLE_RUN_MS ? 1 : previous + 1;
    opts.log.fatal({ err, crashes: count }, 'uncaught exception; restarting the tray app');
    opts.app.relaunch({ args: relaunchArgs(opts.argv, count) });
    opts.app.exit(1);
  });
  opts.process.on('unhandledRejection', (reason) => {
    opts.log.error({ err: reason }, 'unhandled promise rejection');
  });
}
