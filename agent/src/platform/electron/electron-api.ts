// The slice of Electron's main-process API the tray app and its adapters use, as plain
// structural types. The real `electron` module is passed where an `ElectronApi` is expected
// (see ../../electron/main.ts), so the compiler checks these against Electron's own types;
// tests pass the fake in ../../electron/testing/fake-electron.ts instead.
import type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, Rectangle } from 'electron';

export type { BrowserWindowConstructorOptions, MenuItemConstructorOptions, Rectangle };

export interface PreventableEvent {
  preventDefault(): void;
}

export interface DisplayLike {
  id: number;
  bounds: Rectangle;
  scaleFactor: number;
}

export interface ScreenLike {
  getAllDisplays(): DisplayLike[];
  getPrimaryDisplay(): DisplayLike;
  on(event: 'display-added', listener: (event: unknown, display: DisplayLike) => void): unknown;
  on(event: 'display-removed', listener: (event: unknown, display: DisplayLike) => void): unknown;
  on(event: 'display-metrics-changed', listener: (event: unknown, display: DisplayLike) => void): unknown;
  removeListener(event: 'display-added' | 'display-removed' | 'display-metrics-changed', listener: (event: unknown, display: DisplayLike) => void): unknown;
}

export interface WebContentsLike {
  send(channel: string, ...args: unknown[]): void;
  on(event: 'did-finish-load', listener: () => void): unknown;
  on(event: 'will-navigate', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string }) => void): unknown;
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
}

export type WindowLevel = 'normal' | 'floating' | 'screen-saver';

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadFile(filePath: string): Promise<void>;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  on(event: 'blur', listener: () => void): unknown;
  on(event: 'ready-to-show', listener: () => void): unknown;
  /** Windows only: the session is about to end / is ending (log off, shut down, restart). */
  on(event: 'query-session-end' | 'session-end', listener: () => void): unknown;
  setAlwaysOnTop(flag: boolean, level?: WindowLevel): void;
  setVisibleOnAllWorkspaces(visible: boolean, options?: { visibleOnFullScreen?: boolean }): void;
  setBounds(bounds: Partial<Rectangle>): void;
  setFullScreen(flag: boolean): void;
  setKiosk(flag: boolean): void;
  show(): void;
  focus(): void;
  isFocused(): boolean;
  moveTop(): void;
  close(): void;
  destroy(): void;
  isDestroyed(): boolean;
}

export type BrowserWindowClass = new (options: BrowserWindowConstructorOptions) => BrowserWindowLike;

/** An opaque built menu: only handed back to the tray. */
export type MenuLike = object;

export interface TrayLike {
  setImage(image: string): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: MenuLike | null): void;
  destroy(): void;
}

export interface AppLike {
  requestSingleInstanceLock(): boolean;
  quit(): void;
  exit(exitCode?: number): void;
  relaunch(options?: { args?: string[] }): void;
  whenReady(): Promise<void>;
  getPath(name: 'logs' | 'userData'): string;
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'window-all-closed', listener: () => void): unknown;
  readonly dock: { hide(): void } | undefined;
}

export interface IpcEventLike {
  sender: unknown;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
  on(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: IpcEventLike, ...args: unknown[]) => void): unknown;
}

export interface PowerMonitorLike {
  getSystemIdleTime(): number;
  on(event: 'lock-screen' | 'unlock-screen' | 'shutdown', listener: (event?: PreventableEvent) => void): unknown;
  removeListener(event: 'lock-screen' | 'unlock-screen' | 'shutdown', listener: (event?: PreventableEvent) => void): unknown;
}

export interface ThumbnailLike {
  toJPEG(quality: number): Buffer;
  getSize(): { width: number; height: number };
  isEmpty(): boolean;
}

export interface CapturerSourceLike {
  id: string;
  /** The display this screen source shows (as a string), or '' where the platform does not say. */
  display_id: string;
  name: string;
  thumbnail: ThumbnailLike;
}

export interface DesktopCapturerLike {
  getSources(options: {
    types: Array<'screen' | 'window'>;
    thumbnailSize?: { width: number; height: number };
    fetchWindowIcons?: boolean;
  }): Promise<CapturerSourceLike[]>;
}

export interface GlobalShortcutLike {
  register(accelerator: string, callback: () => void): boolean;
  unregister(accelerator: string): void;
}

export interface SessionLike {
  defaultSession: {
    setPermissionRequestHandler(handler: (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  };
}

/** Everything the tray app takes from `electron`. */
export interface ElectronApi {
  app: AppLike;
  Tray: new (image: string) => TrayLike;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): MenuLike };
  BrowserWindow: BrowserWindowClass;
  screen: ScreenLike;
  globalShortcut: GlobalShortcutLike;
  powerMonitor: PowerMonitorLike;
  desktopCapturer: DesktopCapturerLike;
  ipcMain: IpcMainLike;
  session: SessionLike;
}
