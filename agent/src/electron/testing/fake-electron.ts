// A fake of the Electron main-process API the tray app uses (ElectronApi), for tests: windows,
// tray and menus record what was done to them, and the test plays the user and the OS —
// closes a window, crashes a page, adds a display, locks the session, asks the app to quit.
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  DisplayLike,
  ElectronApi,
  IpcEventLike,
  MenuItemConstructorOptions,
} from '../../platform/electron/electron-api.ts';
import { FakeDesktopCapturer, FakeGlobalShortcut, FakePowerMonitor, FakeScreen } from './fake-devices.ts';
import { FakeBrowserWindow, FakeEvent, FakeMenu, FakeTray, type FakeWorld } from './fake-windows.ts';

export * from './fake-devices.ts';
export * from './fake-windows.ts';

export interface FakeElectronOptions {
  displays?: DisplayLike[];
  /** False when another instance of the app already holds the single-instance lock. */
  singleInstanceLock?: boolean;
  paths?: { logs?: string; userData?: string };
}

type IpcListener = (event: IpcEventLike, ...args: unknown[]) => void;
type IpcHandler = (event: IpcEventLike, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, IpcHandler>();
  readonly listeners = new Map<string, Set<IpcListener>>();

  handle(channel: string, listener: IpcHandler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  on(channel: string, listener: IpcListener): this {
    const set = this.listeners.get(channel) ?? new Set();
    set.add(listener);
    this.listeners.set(channel, set);
    return this;
  }
  removeListener(channel: string, listener: IpcListener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  /** A page calls ipcRenderer.invoke(channel, ...args). */
  async invoke(channel: string, sender: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler({ sender }, ...args);
  }
  /** A page calls ipcRenderer.send(channel, ...args). */
  send(channel: string, sender: unknown, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({ sender }, ...args);
  }
}

export class FakeApp extends EventEmitter {
  singleInstanceLock: boolean;
  quitCalls = 0;
  exitCode: number | undefined;
  readonly relaunches: { args?: string[] }[] = [];
  dockHidden = false;
  readonly dock = { hide: () => void (this.dockHidden = true) };
  readonly #paths: { logs?: string; userData?: string };
  #quitted = false;

  constructor(singleInstanceLock: boolean, paths: { logs?: string; userData?: string }) {
    super();
    this.singleInstanceLock = singleInstanceLock;
    this.#paths = paths;
  }
  requestSingleInstanceLock(): boolean {
    return this.singleInstanceLock;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: 'logs' | 'userData'): string {
    const path = this.#paths[name];
    if (path === undefined) throw new Error(`fake app.getPath('${name}') was not given a folder`);
    return path;
  }
  /** Like app.quit(): before-quit may be cancelled; otherwise the app has quit. */
  quit(): void {
    this.quitCalls += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.#quitted = true;
  }
  get hasQuit(): boolean {
    return this.#quitted;
  }
  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
  relaunch(options?: { args?: string[] }): void {
    this.relaunches.push(options ?? {});
  }
}

type PermissionHandler = (webContents: unknown, permission: string, callback: (granted: boolean) => void) => void;

export interface FakeElectron extends ElectronApi {
  app: FakeApp;
  Tray: new (image: string) => FakeTray;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenu };
  BrowserWindow: new (options: BrowserWindowConstructorOptions) => FakeBrowserWindow;
  screen: FakeScreen;
  globalShortcut: FakeGlobalShortcut;
  powerMonitor: FakePowerMonitor;
  desktopCapturer: FakeDesktopCapturer;
  ipcMain: FakeIpcMain;
  session: { defaultSession: { permissionHandler: PermissionHandler | undefined; setPermissionRequestHandler(handler: PermissionHandler): void } };
  /** Every window ever created, in order. */
  readonly windows: readonly FakeBrowserWindow[];
  readonly trays: readonly FakeTray[];
  /** Windows not yet destroyed showing `name`.html (lock, message, aup). */
  pageWindows(name: string): FakeBrowserWindow[];
  readonly focusedWindow: FakeBrowserWindow | undefined;
}

/** Builds one fake `electron`; every window, tray and shortcut it hands out is recorded on it. */
export function createFakeElectron(opts: FakeElectronOptions = {}): FakeElectron {
  const world: FakeWorld = { windows: [], trays: [], focused: undefined };
  const screen = new FakeScreen(opts.displays ?? [{ id: 1, bounds: { x: 0, y: 0, width: 1280, height: 800 }, scaleFactor: 1 }]);
  const defaultSession = {
    permissionHandler: undefined as PermissionHandler | undefined,
    setPermissionRequestHandler(handler: PermissionHandler): void {
      this.permissionHandler = handler;
    },
  };
  return {
    app: new FakeApp(opts.singleInstanceLock ?? true, opts.paths ?? {}),
    Tray: class extends FakeTray {
      constructor(image: string) {
        super(image);
        world.trays.push(this);
      }
    },
    Menu: { buildFromTemplate: (template) => new FakeMenu(template) },
    BrowserWindow: class extends FakeBrowserWindow {
      constructor(options: BrowserWindowConstructorOptions) {
        super(options, world);
      }
    },
    screen,
    globalShortcut: new FakeGlobalShortcut(),
    powerMonitor: new FakePowerMonitor(),
    desktopCapturer: new FakeDesktopCapturer(screen),
    ipcMain: new FakeIpcMain(),
    session: { defaultSession },
    windows: world.windows,
    trays: world.trays,
    pageWindows: (name) => world.windows.filter((w) => !w.destroyed && w.loadedFile?.endsWith(`${name}.html`) === true),
    get focusedWindow() {
      return world.focused;
    },
  };
}
