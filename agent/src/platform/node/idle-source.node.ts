import type { IdleSource } from '../../core/ports.ts';
import { run } from './exec.ts';

export interface NodeIdleSourceOptions {
  /** Environment for the helper command (DISPLAY on Linux). Default process.env. */
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
}

/**
 * Seconds since the last keyboard / mouse input.
 * - Linux: `xprintidle` (X screensaver extension; Debian package `xprintidle`).
 * - macOS: `ioreg -c IOHIDSystem` HIDIdleTime — parser unit-tested, not yet run on a Mac.
 * - Windows: GetLastInputInfo needs a native call; not written yet, so it throws rather than report 0.
 */
export class NodeIdleSource implements IdleSource {
  readonly #env: NodeJS.ProcessEnv;
  readonly #platform: NodeJS.Platform;

  constructor(opts: NodeIdleSourceOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.#platform = opts.platform ?? process.platform;
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
      default:
        // Seam: Windows GetLastInputInfo (user32) via a small native helper or PowerShell.
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
