// The agent core talks only to these ports. Adapters live in ../platform/{node,electron,fake}.
// Every port has a fake good enough for the end-to-end tests.

export interface ActiveWindow {
  /** Application / process name ("firefox", "xterm"). */
  app: string;
  title: string;
  /** Present where the platform exposes the browser URL (macOS, Windows for some browsers). */
  url?: string;
  pid?: number;
}

export interface WindowSource {
  /** Calls `onChange` whenever the focused window (app, title or url) changes; returns a stop function. */
  watch(onChange: (win: ActiveWindow | undefined) => void): () => void;
  current(): Promise<ActiveWindow | undefined>;
}

/** One key as the matcher's KeyStream understands it: a printable character or a named key. */
export type Key = string;

export type KeySourceStatus = 'ok' | 'unavailable';

export interface KeySource {
  /** Starts delivering keys; status changes when the hook dies, restarts or cannot run at all. */
  start(onKey: (key: Key) => void, onStatus: (status: KeySourceStatus, detail?: string) => void): Promise<void>;
  stop(): Promise<void>;
  /**
   * A lock screen the agent did not start (another program's keyboard grab, the screen saver) comes or goes.
   * The source withholds keys typed under it itself; the detector also pauses (and forgets the line). Optional:
   * sources that cannot see lock screens leave it out.
   */
  watchForeignLock?(listener: (lock: ForeignLock | undefined) => void): () => void;
}

/** Why keys are withheld: another program grabs the keyboard (a lock screen), or the screen saver is on. */
export interface ForeignLock {
  reason: 'keyboard-grab' | 'screen-saver';
}

export interface CapturedImage {
  bytes: Uint8Array;
  width: number;
  height: number;
  mime: 'image/jpeg' | 'image/png' | 'image/webp';
  /** Hex sha256 of `bytes`. */
  sha256: string;
}

export interface ScreenCapture {
  /** Captures the whole screen (primary display), downscaled to at most `maxWidth` px wide, encoded as JPEG. */
  capture(opts: { maxWidth: number; quality?: number }): Promise<CapturedImage>;
}

export interface IdleSource {
  /** Seconds since the last user input. */
  idleSeconds(): Promise<number>;
}

export interface LockRequest {
  /** Shown on the lock screen (teacher locks). */
  message?: string;
  /** Who locked (a teacher's name), shown on the lock screen. */
  by?: string;
  /** A timed teacher lock lifts by itself at this instant (epoch ms): the overlay shows a countdown. */
  until?: number;
  /**
   * Why: 'teacher' (a teacher lock from the collector: the Electron shell shows its
   * overlay) or 'idle' (the policy's idle lock: always the OS session lock / locker
   * command, so the pupil's session is protected by their own password). Absent = 'teacher'.
   */
  reason?: 'teacher' | 'idle';
}

export interface ScreenLocker {
  /** Locks the screen with the OS / configured locker; resolves once the lock is in place. */
  lock(opts?: LockRequest): Promise<void>;
  /**
   * Removes the teacher lock this agent applied. An idle lock stays (the person signs in
   * themselves), as do OS locks, which may not be removable at all.
   */
  unlock(): Promise<void>;
  isLocked(): Promise<boolean>;
  /** True while the lock in force shows the teacher's message itself (no separate notification needed). Optional. */
  readonly showsMessage?: boolean;
  /**
   * Calls `listener` as soon as a lock this locker put up ends without unlock() (its process killed or closed),
   * so the lock in force is put back at once instead of at the next isLocked() poll. Optional: a locker
   * without it is polled only. Returns the unsubscribe function.
   */
  onLost?(listener: () => void): () => void;
}

/** Where a notification ended up: a desktop notification, the agent's own window, or nowhere (logged only). */
export type NotifyVia = 'notification' | 'window' | 'none';

export interface NotifyOptions {
  /** The idle warning: the instant (epoch ms) the screen locks, shown as a countdown where the notifier can. */
  countdownTo?: number;
  /**
   * The acceptable-use notice: shown where the person cannot miss it (the agent's own box in the middle of
   * the screen where the notifier has one), staying until they press "I understand".
   */
  notice?: boolean;
}

export interface Notifier {
  /**
   * Shows a teacher message / warning to the person at the PC; resolves once it is on screen with where it
   * went (an adapter that cannot tell resolves with nothing).
   */
  notify(title: string, body: string, opts?: NotifyOptions): Promise<NotifyVia | void>;
}

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}
