import { createHash } from 'node:crypto';
import type { AgentPlatform } from '../../core/agent.ts';
import type {
  ActiveWindow,
  CapturedImage,
  IdleSource,
  Key,
  KeySource,
  KeySourceStatus,
  LockRequest,
  Notifier,
  NotifyOptions,
  NotifyVia,
  ScreenCapture,
  ScreenLocker,
  WindowSource,
} from '../../core/ports.ts';
import { systemClock } from '../node/clock.node.ts';
import type { SessionLink } from './session-link.ts';

// The core's ports, served by the session helper over its link: the system service runs the
// unchanged core on these. While no helper is connected, keys are `unavailable`, requests
// fail (the core already copes with a capture, idle read or lock that fails) and the window
// is whatever the helper last said; a helper that comes back reports its window and keys again.

/** How long each request may take: a capture encodes a JPEG, a lock waits for the locker's window. */
const TIMEOUTS = { capture: 15_000, lock: 20_000, default: 5_000 } as const;

class RemoteWindowSource implements WindowSource {
  readonly #link: SessionLink;
  readonly #watchers = new Set<(win: ActiveWindow | undefined) => void>();
  constructor(link: SessionLink) {
    this.#link = link;
    link.on({ onWindow: (win) => [...this.#watchers].forEach((w) => w(win)) });
  }
  watch(onChange: (win: ActiveWindow | undefined) => void): () => void {
    this.#watchers.add(onChange);
    return () => this.#watchers.delete(onChange);
  }
  async current(): Promise<ActiveWindow | undefined> {
    if (!this.#link.connected) return undefined;
    return (await this.#link.request({ op: 'current-window' })) ?? undefined;
  }
}

class RemoteKeySource implements KeySource {
  #onKey: ((key: Key) => void) | undefined;
  #onStatus: ((status: KeySourceStatus, detail?: string) => void) | undefined;
  #status: KeySourceStatus | undefined;
  /** What the connected helper last said; undefined until it says (its hook may still be starting). */
  #helperStatus: KeySourceStatus | undefined;
  readonly #link: SessionLink;
  constructor(link: SessionLink) {
    this.#link = link;
    link.on({
      // Straight into the matcher's in-memory line: never stored, never logged.
      onKey: (key) => this.#onKey?.(key),
      onKeyStatus: (status, detail) => {
        this.#helperStatus = status;
        this.#report(status, detail);
      },
      onConnected: (connected) => {
        this.#helperStatus = undefined;
        if (!connected) this.#report('unavailable', 'the session helper stopped');
      },
    });
  }
  async start(onKey: (key: Key) => void, onStatus: (status: KeySourceStatus, detail?: string) => void): Promise<void> {
    this.#onKey = onKey;
    this.#onStatus = onStatus;
    if (!this.#link.connected) this.#report('unavailable', 'no session helper yet');
    else if (this.#helperStatus !== undefined) this.#report(this.#helperStatus);
  }
  async stop(): Promise<void> {
    this.#onKey = undefined;
    this.#onStatus = undefined;
    this.#status = undefined;
  }
  #report(status: KeySourceStatus, detail?: string): void {
    if (this.#onStatus === undefined || status === this.#status) return;
    this.#status = status;
    this.#onStatus(status, detail);
  }
}

class RemoteScreenCapture implements ScreenCapture {
  readonly #link: SessionLink;
  constructor(link: SessionLink) {
    this.#link = link;
  }
  async capture(opts: { maxWidth: number; quality?: number }): Promise<CapturedImage> {
    const shot = await this.#link.request({ op: 'capture', maxWidth: opts.maxWidth, quality: opts.quality }, TIMEOUTS.capture);
    const bytes = new Uint8Array(Buffer.from(shot.base64, 'base64'));
    if (bytes.byteLength === 0) throw new Error('session helper: empty screenshot');
    // Our own hash of the bytes we got, not the helper's word for it.
    return { bytes, width: shot.width, height: shot.height, mime: shot.mime, sha256: createHash('sha256').update(bytes).digest('hex') };
  }
}

class RemoteIdleSource implements IdleSource {
  readonly #link: SessionLink;
  constructor(link: SessionLink) {
    this.#link = link;
  }
  idleSeconds(): Promise<number> {
    return this.#link.request({ op: 'idle-seconds' });
  }
}

class RemoteScreenLocker implements ScreenLocker {
  readonly #link: SessionLink;
  constructor(link: SessionLink) {
    this.#link = link;
  }
  async lock(opts?: LockRequest): Promise<void> {
    await this.#link.request({ op: 'lock', request: opts }, TIMEOUTS.lock);
  }
  async unlock(): Promise<void> {
    await this.#link.request({ op: 'unlock' }, TIMEOUTS.lock);
  }
  isLocked(): Promise<boolean> {
    return this.#link.request({ op: 'is-locked' });
  }
}

class RemoteNotifier implements Notifier {
  readonly #link: SessionLink;
  constructor(link: SessionLink) {
    this.#link = link;
  }
  async notify(title: string, body: string, opts: NotifyOptions = {}): Promise<NotifyVia | undefined> {
    const countdown = opts.countdownTo === undefined ? {} : { countdownTo: Math.max(0, Math.round(opts.countdownTo)) };
    const notice = opts.notice === true ? { notice: true } : {};
    return (await this.#link.request({ op: 'notify', title: title.slice(0, 512), body: body.slice(0, 8_192), ...countdown, ...notice })) ?? undefined;
  }
}

/** Every port of the core, served by whichever session helper `link` has connected. */
export function createRemotePlatform(link: SessionLink): AgentPlatform {
  return {
    clock: systemClock,
    windows: new RemoteWindowSource(link),
    keys: new RemoteKeySource(link),
    capture: new RemoteScreenCapture(link),
    idle: new RemoteIdleSource(link),
    locker: new RemoteScreenLocker(link),
    notifier: new RemoteNotifier(link),
  };
}
