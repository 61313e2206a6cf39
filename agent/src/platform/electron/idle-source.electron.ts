import type { IdleSource } from '../../core/ports.ts';
import type { PowerMonitorLike } from './electron-api.ts';

/** Seconds since the last keyboard / mouse input, from the OS through Electron (Windows, macOS, X11). */
export class ElectronIdleSource implements IdleSource {
  readonly #powerMonitor: Pick<PowerMonitorLike, 'getSystemIdleTime'>;

  constructor(powerMonitor: Pick<PowerMonitorLike, 'getSystemIdleTime'>) {
    this.#powerMonitor = powerMonitor;
  }

  async idleSeconds(): Promise<number> {
    const seconds = this.#powerMonitor.getSystemIdleTime();
    if (!Number.isFinite(seconds) || seconds < 0) throw new Error(`powerMonitor reported idle time ${String(seconds)}`);
    return seconds;
  }
}
