import type { LockRequest, ScreenLocker } from '../../core/ports.ts';
import type { OsLockEvents } from './os-lock-events.electron.ts';

/** The tray app's full-screen lock overlay, as the locker sees it. */
export interface LockOverlayPort {
  show(request: LockRequest): void;
  hide(): void;
  readonly shown: boolean;
}

export interface ElectronScreenLockerOptions {
  overlay: LockOverlayPort;
  /** The OS session lock (LockWorkStation, pmset, loginctl / the locker command): NodeScreenLocker. */
  osLocker: ScreenLocker;
  osLockEvents?: Pick<OsLockEvents, 'locked'>;
}

/**
 * Teacher locks show the overlay (the teacher can lift them, the pupil sees the message and
 * countdown); idle locks use the OS lock, so the session is protected by the pupil's own
 * password. unlock() lifts only the overlay: a teacher unlock never opens an OS lock.
 */
export class ElectronScreenLocker implements ScreenLocker {
  readonly #o: ElectronScreenLockerOptions;

  constructor(opts: ElectronScreenLockerOptions) {
    this.#o = opts;
  }

  async lock(request?: LockRequest): Promise<void> {
    if (request?.reason === 'idle') {
      await this.#o.osLocker.lock(request);
      return;
    }
    this.#o.overlay.show(request ?? {});
  }

  async unlock(): Promise<void> {
    this.#o.overlay.hide();
  }

  async isLocked(): Promise<boolean> {
    if (this.#o.overlay.shown) return true;
    if (this.#o.osLockEvents?.locked === true) return true;
    return this.#o.osLocker.isLocked();
  }
}
