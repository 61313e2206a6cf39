import type { IdleSource } from '../../core/ports.ts';
import { win32IdleSeconds } from '../win32/idle.win32.ts';
import { loadUser32, type User32 } from '../win32/user32.ts';
import { run } from './exec.ts';

export interface NodeIdleSourceOptions {
  /** Environment for the helper command (DISPLAY on Linux). Default process.env. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /** Windows: binds user32 / kernel32 (default: through koffi, on first use). */
  user32?: () => Promise<User32>;
}

/**
 * Seconds since the last keyboard / mouse input.
 * - Linux: `xprintidle` (X screensaver extension; Debian package `xprintidle`).
 * - macOS: `ioreg -c IOHIDSystem` HIDIdleTime — parser unit-tested, not yet run on a Mac.
 * - Windows: GetLastInputInfo + GetTickCount (user32 / kernel32 through koffi, 32-bit tick wrap-around
 *   handled) — unit-tested against a fake, not yet run on Windows. If koffi cannot load, it throws (never 0).
 */
export class NodeIdleSource implements IdleSource {
  readonly #env: NodeJS.ProcessEnv;
  readonly #platform: NodeJS.Platform;
  readonly #user32: (() => Promise<User32>) | undefined;

  constructor(opts: NodeIdleSourceOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.#platform = opts.platform ?? process.platform;
    this.#user32 = opts.user32;
  }

  async idleSeconds(): Promise<number> {
    switch (this.#platform) {
      case 'linux': {
        const { stdout } = await run('xprintidle', [], { env: this.#env, timeoutMs: 5_000 });
        return parseXprintidle(stdout);
      }
      case 'darwin': {
        const { stdout } = await run('ioreg', ['-c', 'IOHIDSystem', '-d', '4', '-r', '-k', 'HIDIdleTime'], { env: this.#env, timeoutMs: 5_000 });
        return parseIoregIdle(stdout);
      }
      case 'win32': {
        return win32IdleSeconds(await (this.#user32 ?? loadUser32)());
      }
      default:
        throw new Error(`idle time is not implemented on ${this.#platform}`);
    }
  }
}

export function parseXprintidle(stdout: string): number {
  const ms = Number(stdout.trim());
  if (!Number.isFinite(ms) || ms < 0 || stdout.trim() === '') throw new Error(`xprintidle printed "${stdout.trim()}"`);
  return ms / 1_000;
}

/** `"HIDIdleTime" = 1234567890` is in nanoseconds. */
export function parseIoregIdle(stdout: string): number {
  const m = /"HIDIdleTime"\s*=\s*(\d+)/.exec(stdout);
  if (!m?.[1]) throw new Error('ioreg printed no HIDIdleTime');
  return Number(BigInt(m[1]) / 1_000_000n) / 1_000;
}
