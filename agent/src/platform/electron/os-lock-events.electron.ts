import type { PowerMonitorLike } from './electron-api.ts';

/**
 * The OS session lock as Electron reports it ('lock-screen' / 'unlock-screen', Windows and
 * macOS). On Linux Electron emits neither, so `locked` stays undefined ("not known") and the
 * locker falls back on logind / the locker process.
 */
export class OsLockEvents {
  readonly #powerMonitor: Pick<PowerMonitorLike, 'on' | 'removeListener'>;
  readonly #listeners = new Set<(locked: boolean) => void>();
  #locked: boolean | undefined;
  readonly #onLock = () => this.#set(true);
  readonly #onUnlock = () => this.#set(false);

  constructor(powerMonitor: Pick<PowerMonitorLike, 'on' | 'removeListener'>) {
    this.#powerMonitor = powerMonitor;
    powerMonitor.on('lock-screen', this.#onLock);
    powerMonitor.on('unlock-screen', this.#onUnlock);
  }

  /** true / false once the OS has said; undefined before the first event or where it never says. */
  get locked(): boolean | undefined {
    return this.#locked;
  }

  onChange(listener: (locked: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  dispose(): void {
    this.#powerMonitor.removeListener('lock-screen', this.#onLock);
    this.#powerMonitor.removeListener('unlock-screen', this.#onUnlock);
    this.#listeners.clear();
  }

  #set(locked: boolean): void {
    if (this.#locked === locked) return;
    this.#locked = locked;
    for (const listener of this.#listeners) listener(locked);
  }
}
