import { pino, type Logger } from 'pino';
import type { Clock, LockRequest } from '../core/ports.ts';
import type { BrowserWindowLike, DisplayLike, ElectronApi } from '../platform/electron/electron-api.ts';
import type { LockOverlayPort } from '../platform/electron/screen-locker.electron.ts';
import { IPC, type LockScreenState } from './ipc-channels.ts';
import type { ShellPaths } from './shell-paths.ts';
import { lockDownNavigation, secureWebPreferences } from './window-security.ts';

/**
 * Key combinations taken while locked, so they reach no other window. The OS keeps some
 * for itself whatever an app asks (Ctrl+Alt+Del and Win+L on Windows, Cmd+Option+Esc and
 * the power key on macOS, Ctrl+Alt+F1..F12 on Linux; a bare Windows / Super key is not
 * an accelerator at all): those are refused or never offered, and the overlay relies on
 * being always on top at screen-saver level, on every display, and re-asserted.
 */
export const BLOCKED_SHORTCUTS: readonly string[] = [
  'Alt+F4',
  'Alt+Tab',
  'Alt+Shift+Tab',
  'Alt+Space',
  'Super+Tab',
  'Super+D',
  'Super+M',
  'Super+R',
  'CommandOrControl+W',
  'CommandOrControl+Q',
  'CommandOrControl+Tab',
  'CommandOrControl+H',
  'F11',
  'Escape',
];

/** Node's timers overflow past 2^31-1 ms (about 24.8 days) and fire at once: longer waits are taken in steps. */
const MAX_TIMER_MS = 2_147_483_647;

export interface LockOverlayOptions {
  electron: Pick<ElectronApi, 'BrowserWindow' | 'screen' | 'globalShortcut'>;
  paths: Pick<ShellPaths, 'page' | 'preload'>;
  clock: Clock;
  log?: Logger;
  /** How often, while locked, the windows are put back on top and missing ones re-created. Default 1 s. */
  reassertMs?: number;
}

type Timer = { cancel(): void };

/**
 * The teacher-lock overlay: one kiosk, always-on-top window per display showing the
 * teacher's message, who locked and the time left. Windows refuse to close while locked,
 * are re-created if they go anyway (or their page crashes), follow displays being added,
 * removed or changed, and are all removed on unlock or when a timed lock runs out.
 */
export class LockOverlay implements LockOverlayPort {
  readonly #o: LockOverlayOptions;
  readonly #log: Logger;
  readonly #windows = new Map<number, BrowserWindowLike>();
  /** Windows we are closing on purpose: their 'closed' event must not bring them back. */
  readonly #retiring = new Set<BrowserWindowLike>();
  readonly #listeners = new Set<(shown: boolean) => void>();
  readonly #registered: string[] = [];
  #refused: string[] = [];
  #state: LockScreenState | undefined;
  #expiry: Timer | undefined;
  #reassert: Timer | undefined;
  #refocus: Timer | undefined;
  readonly #onDisplaysChanged = () => {
    if (this.shown) this.#layout();
  };
  readonly #onMetricsChanged = (_event: unknown, display: DisplayLike) => {
    if (!this.shown) return;
    // A new resolution or position: a fresh full-screen window fits it more surely than a resize.
    const win = this.#windows.get(display.id);
    if (win !== undefined) this.#retire(display.id, win);
    this.#layout();
  };

  constructor(opts: LockOverlayOptions) {
    this.#o = opts;
    this.#log = opts.log ?? pino({ level: 'silent' });
    const { screen } = opts.electron;
    screen.on('display-added', this.#onDisplaysChanged);
    screen.on('display-removed', this.#onDisplaysChanged);
    screen.on('display-metrics-changed', this.#onMetricsChanged);
  }

  get shown(): boolean {
    return this.#state !== undefined;
  }

  /** What the overlay shows, while it is shown. */
  get state(): Readonly<LockScreenState> | undefined {
    return this.#state;
  }

  /** The overlay windows by display id. */
  get windows(): ReadonlyMap<number, BrowserWindowLike> {
    return this.#windows;
  }

  /** Shortcuts the OS would not let us take during the current lock. */
  get refusedShortcuts(): readonly string[] {
    return this.#refused;
  }

  onChange(listener: (shown: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  show(request: LockRequest): void {
    const now = this.#o.clock.now();
    if (request.until !== undefined && request.until <= now) {
      this.#log.info({ until: request.until }, 'timed lock already over; overlay not shown');
      this.hide();
      return;
    }
    const wasShown = this.shown;
    const state: LockScreenState = { message: request.message ?? '', by: request.by ?? '' };
    if (request.until !== undefined) state.until = request.until;
    this.#state = state;
    this.#layout();
    for (const win of this.#windows.values()) win.webContents.send(IPC.lockState, state);
    if (!wasShown) this.#blockShortcuts();
    this.#scheduleExpiry();
    this.#scheduleReassert();
    this.#focusPrimary();
    this.#log.info({ displays: this.#windows.size, until: request.until }, 'lock overlay shown');
    if (!wasShown) this.#emit();
  }

  hide(): void {
    if (!this.shown) return;
    this.#state = undefined;
    for (const timer of [this.#expiry, this.#reassert, this.#refocus]) timer?.cancel();
    this.#expiry = this.#reassert = this.#refocus = undefined;
    this.#releaseShortcuts();
    for (const [displayId, win] of [...this.#windows]) this.#retire(displayId, win);
    this.#log.info('lock overlay removed');
    this.#emit();
  }

  /** Removes the overlay and stops following displays (app quit). */
  dispose(): void {
    this.hide();
    const { screen } = this.#o.electron;
    screen.removeListener('display-added', this.#onDisplaysChanged);
    screen.removeListener('display-removed', this.#onDisplaysChanged);
    screen.removeListener('display-metrics-changed', this.#onMetricsChanged);
    this.#listeners.clear();
  }

  /** One live window per current display; windows of displays that went are closed. */
  #layout(): void {
    const displays = this.#o.electron.screen.getAllDisplays();
    const present = new Set(displays.map((d) => d.id));
    for (const [displayId, win] of [...this.#windows]) {
      if (!present.has(displayId) || win.isDestroyed()) this.#retire(displayId, win);
    }
    for (const display of displays) {
      if (!this.#windows.has(display.id)) this.#windows.set(display.id, this.#create(display));
    }
  }

  #create(display: DisplayLike): BrowserWindowLike {
    const { BrowserWindow } = this.#o.electron;
    const { x, y, width, height } = display.bounds;
    const win = new BrowserWindow({
      x,
      y,
      width,
      height,
      show: false,
      frame: false,
      fullscreen: true,
      kiosk: true,
      alwaysOnTop: true,
      skipTaskbar: true,
      closable: false,
      minimizable: false,
      maximizable: false,
      movable: false,
      resizable: false,
      focusable: true,
      hasShadow: false,
      backgroundColor: '#0b1f33',
      title: 'Vigil: screen locked',
      webPreferences: secureWebPreferences(this.#o.paths.preload('lock')),
    });
    win.setAlwaysOnTop(true, 'screen-saver');
    win.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    lockDownNavigation(win);
    win.on('close', (event) => {
      if (this.shown && !this.#retiring.has(win)) event.preventDefault();
    });
    win.on('closed', () => this.#closed(display.id, win));
    win.on('blur', () => this.#scheduleRefocus());
    win.webContents.on('did-finish-load', () => {
      if (this.#state !== undefined) win.webContents.send(IPC.lockState, this.#state);
    });
    win.webContents.on('render-process-gone', (_event, details) => {
      // A crashed (or killed) page leaves an empty window: replace it.
      this.#log.warn({ displayId: display.id, reason: details.reason }, 'lock page gone; re-creating its window');
      this.#retire(display.id, win);
      if (this.shown) this.#layout();
    });
    win.loadFile(this.#o.paths.page('lock')).catch((err: unknown) => this.#log.error({ err }, 'lock page failed to load'));
    // Shown at once: the dark background covers the screen before the page paints.
    win.show();
    return win;
  }

  #closed(displayId: number, win: BrowserWindowLike): void {
    if (this.#retiring.delete(win)) return;
    if (this.#windows.get(displayId) === win) this.#windows.delete(displayId);
    if (!this.shown) return;
    this.#log.warn({ displayId }, 'lock overlay window was closed; showing it again');
    this.#layout();
    this.#focusPrimary();
  }

  #retire(displayId: number, win: BrowserWindowLike): void {
    if (this.#windows.get(displayId) === win) this.#windows.delete(displayId);
    if (win.isDestroyed()) return;
    this.#retiring.add(win);
    win.destroy();
  }

  #focusPrimary(): void {
    const primary = this.#o.electron.screen.getPrimaryDisplay();
    const win = this.#windows.get(primary.id) ?? this.#windows.values().next().value;
    if (win === undefined || win.isDestroyed()) return;
    win.show();
    win.focus();
    win.moveTop();
  }

  #scheduleRefocus(): void {
    if (!this.shown) return;
    this.#refocus?.cancel();
    // Moving between our own windows (two displays) blurs one and focuses the other: only act
    // when, a moment later, none of ours has focus.
    this.#refocus = this.#o.clock.setTimeout(() => {
      this.#refocus = undefined;
      if (!this.shown) return;
      const ours = [...this.#windows.values()].some((w) => !w.isDestroyed() && w.isFocused());
      if (!ours) this.#focusPrimary();
    }, 100);
  }

  #scheduleExpiry(): void {
    this.#expiry?.cancel();
    this.#expiry = undefined;
    const until = this.#state?.until;
    if (until === undefined) return;
    const wait = until - this.#o.clock.now();
    if (wait <= 0) {
      this.#log.info('timed lock ended');
      this.hide();
      return;
    }
    this.#expiry = this.#o.clock.setTimeout(() => this.#scheduleExpiry(), Math.min(wait, MAX_TIMER_MS));
  }

  #scheduleReassert(): void {
    this.#reassert?.cancel();
    this.#reassert = this.#o.clock.setTimeout(() => {
      if (!this.shown) return;
      this.#layout();
      for (const win of this.#windows.values()) {
        win.setAlwaysOnTop(true, 'screen-saver');
        win.moveTop();
      }
      this.#scheduleReassert();
    }, this.#o.reassertMs ?? 1_000);
  }

  #blockShortcuts(): void {
    this.#refused = [];
    for (const accelerator of BLOCKED_SHORTCUTS) {
      let ok = false;
      try {
        ok = this.#o.electron.globalShortcut.register(accelerator, () => {});
      } catch (err) {
        this.#log.debug({ err, accelerator }, 'shortcut not understood here');
      }
      if (ok) this.#registered.push(accelerator);
      else this.#refused.push(accelerator);
    }
    if (this.#refused.length > 0) this.#log.info({ refused: this.#refused }, 'the OS kept some shortcuts; the overlay stays on top instead');
  }

  #releaseShortcuts(): void {
    for (const accelerator of this.#registered.splice(0)) this.#o.electron.globalShortcut.unregister(accelerator);
  }

  #emit(): void {
    for (const listener of this.#listeners) listener(this.shown);
  }
}
