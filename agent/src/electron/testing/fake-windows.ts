// Fake windows, web contents, tray and menus for the fake `electron` (fake-electron.ts): they record
// what the app did to them, and the test plays the user (closes a window, crashes a page, blurs it).
import { EventEmitter } from 'node:events';
import type {
  BrowserWindowConstructorOptions,
  MenuItemConstructorOptions,
  MenuLike,
  Rectangle,
  ThumbnailLike,
  TrayLike,
  WindowLevel,
} from '../../platform/electron/electron-api.ts';

export class FakeEvent {
  defaultPrevented = false;
  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly sent: { channel: string; args: unknown[] }[] = [];
  openHandler: (() => { action: 'deny' }) | undefined;

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: () => { action: 'deny' }): void {
    this.openHandler = handler;
  }

  /** The last payload sent on `channel`. */
  last(channel: string): unknown {
    return this.sent.filter((s) => s.channel === channel).at(-1)?.args[0];
  }
}

export class FakeMenu {
  readonly items: MenuItemConstructorOptions[];
  constructor(items: MenuItemConstructorOptions[]) {
    this.items = items;
  }

  get labels(): string[] {
    return this.items.filter((i) => i.type !== 'separator').map((i) => i.label ?? '');
  }

  /** Chooses the item with this label, as a click would. */
  choose(label: string): void {
    const item = this.items.find((i) => i.label === label);
    if (item === undefined) throw new Error(`no menu item "${label}" in ${JSON.stringify(this.labels)}`);
    if (item.enabled === false) throw new Error(`menu item "${label}" is disabled`);
    (item.click as (() => void) | undefined)?.();
  }
}

export class FakeTray implements TrayLike {
  image: string;
  toolTip = '';
  menu: FakeMenu | undefined;
  destroyed = false;
  constructor(image: string) {
    this.image = image;
  }
  setImage(image: string): void {
    this.image = image;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: MenuLike | null): void {
    this.menu = menu instanceof FakeMenu ? menu : undefined;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export class FakeNativeImage implements ThumbnailLike {
  readonly width: number;
  readonly height: number;
  readonly qualities: number[] = [];
  constructor(width: number, height: number) {
    this.width = width;
    this.height = height;
  }
  toJPEG(quality: number): Buffer {
    this.qualities.push(quality);
    // Not a real JPEG: a stand-in whose bytes depend on size and quality.
    return Buffer.from(`\xff\xd8fake-jpeg ${this.width}x${this.height} q${quality}`, 'latin1');
  }
  getSize(): { width: number; height: number } {
    return { width: this.width, height: this.height };
  }
  isEmpty(): boolean {
    return this.width === 0 || this.height === 0;
  }
}

/** What one fake `electron` shares between its windows. */
export interface FakeWorld {
  windows: FakeBrowserWindow[];
  trays: FakeTray[];
  focused: FakeBrowserWindow | undefined;
}

export class FakeBrowserWindow extends EventEmitter {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new FakeWebContents();
  loadedFile: string | undefined;
  visible = false;
  destroyed = false;
  bounds: Partial<Rectangle>;
  alwaysOnTop: { flag: boolean; level: WindowLevel | undefined } = { flag: false, level: undefined };
  allWorkspaces: { visible: boolean; options?: { visibleOnFullScreen?: boolean } } = { visible: false };
  kiosk: boolean;
  fullScreen: boolean;
  moveTopCalls = 0;
  readonly #world: FakeWorld;

  constructor(options: BrowserWindowConstructorOptions, world: FakeWorld) {
    super();
    this.options = options;
    this.#world = world;
    this.bounds = { x: options.x, y: options.y, width: options.width, height: options.height };
    this.kiosk = options.kiosk ?? false;
    this.fullScreen = options.fullscreen ?? false;
    if (options.alwaysOnTop === true) this.alwaysOnTop = { flag: true, level: 'floating' };
    world.windows.push(this);
  }

  loadFile(filePath: string): Promise<void> {
    this.loadedFile = filePath;
    // Like Electron: the page loads after this call returns.
    setImmediate(() => {
      if (this.destroyed) return;
      this.webContents.emit('did-finish-load');
      this.emit('ready-to-show');
    });
    return Promise.resolve();
  }
  setAlwaysOnTop(flag: boolean, level?: WindowLevel): void {
    this.alwaysOnTop = { flag, level };
  }
  setVisibleOnAllWorkspaces(visible: boolean, options?: { visibleOnFullScreen?: boolean }): void {
    this.allWorkspaces = { visible, options };
  }
  setBounds(bounds: Partial<Rectangle>): void {
    this.bounds = { ...this.bounds, ...bounds };
  }
  setFullScreen(flag: boolean): void {
    this.fullScreen = flag;
  }
  setKiosk(flag: boolean): void {
    this.kiosk = flag;
  }
  show(): void {
    this.#live();
    this.visible = true;
  }
  focus(): void {
    this.#live();
    this.#world.focused = this;
  }
  isFocused(): boolean {
    return this.#world.focused === this && !this.destroyed;
  }
  moveTop(): void {
    this.moveTopCalls += 1;
  }
  /** A close request (title-bar button, Alt+F4, another program): the app may refuse it. */
  close(): void {
    if (this.destroyed) return;
    const event = new FakeEvent();
    this.emit('close', event);
    if (!event.defaultPrevented) this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.visible = false;
    if (this.#world.focused === this) this.#world.focused = undefined;
    this.emit('closed');
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Focus moves to another program. */
  blur(): void {
    if (this.#world.focused === this) this.#world.focused = undefined;
    this.emit('blur');
  }
  /** The page's renderer process crashed or was killed. */
  crash(): void {
    this.webContents.emit('render-process-gone', new FakeEvent(), { reason: 'killed' });
  }
  #live(): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
  }
}
