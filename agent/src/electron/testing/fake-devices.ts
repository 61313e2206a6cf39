// The fake `electron`'s OS side: displays, global shortcuts, power monitor, screen capturer.
import { EventEmitter } from 'node:events';
import type { CapturerSourceLike, DisplayLike, Rectangle } from '../../platform/electron/electron-api.ts';
import { FakeEvent, FakeNativeImage } from './fake-windows.ts';

export class FakeScreen extends EventEmitter {
  displays: DisplayLike[];
  primaryId: number;

  constructor(displays: DisplayLike[]) {
    super();
    this.displays = displays;
    this.primaryId = displays[0]?.id ?? 1;
  }
  getAllDisplays(): DisplayLike[] {
    return this.displays.map((d) => ({ ...d, bounds: { ...d.bounds } }));
  }
  getPrimaryDisplay(): DisplayLike {
    const primary = this.displays.find((d) => d.id === this.primaryId) ?? this.displays[0];
    if (primary === undefined) throw new Error('no displays');
    return { ...primary, bounds: { ...primary.bounds } };
  }
  addDisplay(display: DisplayLike): void {
    this.displays.push(display);
    this.emit('display-added', new FakeEvent(), display);
  }
  removeDisplay(id: number): void {
    const gone = this.displays.find((d) => d.id === id);
    this.displays = this.displays.filter((d) => d.id !== id);
    if (gone !== undefined) this.emit('display-removed', new FakeEvent(), gone);
  }
  changeDisplay(id: number, bounds: Rectangle): void {
    const display = this.displays.find((d) => d.id === id);
    if (display === undefined) throw new Error(`no display ${id}`);
    display.bounds = bounds;
    this.emit('display-metrics-changed', new FakeEvent(), display, ['bounds']);
  }
}

const MODIFIERS = new Set(['Alt', 'Option', 'Shift', 'Control', 'Ctrl', 'Command', 'Cmd', 'CommandOrControl', 'CmdOrCtrl', 'Super', 'Meta', 'AltGr']);

export class FakeGlobalShortcut {
  readonly registered = new Map<string, () => void>();
  /** Accelerators the OS keeps for itself: register() returns false for them. */
  readonly reserved = new Set<string>();

  register(accelerator: string, callback: () => void): boolean {
    const key = accelerator.split('+').at(-1) ?? '';
    // Like Electron, an accelerator needs a key that is not a modifier.
    if (key === '' || MODIFIERS.has(key)) throw new Error(`invalid accelerator "${accelerator}"`);
    if (this.reserved.has(accelerator) || this.registered.has(accelerator)) return false;
    this.registered.set(accelerator, callback);
    return true;
  }
  unregister(accelerator: string): void {
    this.registered.delete(accelerator);
  }
}

export class FakePowerMonitor extends EventEmitter {
  idleSeconds = 0;
  getSystemIdleTime(): number {
    return this.idleSeconds;
  }
  /** The OS session locks / unlocks (Windows, macOS). */
  lockScreen(): void {
    this.emit('lock-screen');
  }
  unlockScreen(): void {
    this.emit('unlock-screen');
  }
  /** Linux / macOS: the machine is shutting down. */
  shutdown(): FakeEvent {
    const event = new FakeEvent();
    this.emit('shutdown', event);
    return event;
  }
}

type SourcesOptions = { types: Array<'screen' | 'window'>; thumbnailSize?: { width: number; height: number } };

export class FakeDesktopCapturer {
  readonly calls: SourcesOptions[] = [];
  /** The display ids sources are returned for (default: every display); [] = no screens. */
  sourceDisplayIds: string[] | undefined;
  /** Thumbnails come back empty (a capture the OS refused). */
  emptyThumbnails = false;
  readonly #screen: FakeScreen;

  constructor(screen: FakeScreen) {
    this.#screen = screen;
  }

  async getSources(options: SourcesOptions): Promise<CapturerSourceLike[]> {
    this.calls.push(options);
    const ids = this.sourceDisplayIds ?? this.#screen.displays.map((d) => String(d.id));
    return ids.map((displayId, i) => {
      const display = this.#screen.displays.find((d) => String(d.id) === displayId);
      const size = options.thumbnailSize ?? { width: 150, height: 150 };
      // Scaled to fit inside the size asked, keeping the display's shape, as Chromium does.
      const aspect = display === undefined ? 1 : display.bounds.width / display.bounds.height;
      const width = Math.min(size.width, Math.round(size.height * aspect));
      const height = Math.round(width / aspect);
      if (this.emptyThumbnails) return { id: `screen:${i}:0`, display_id: displayId, name: `Screen ${i + 1}`, thumbnail: new FakeNativeImage(0, 0) };
      return { id: `screen:${i}:0`, display_id: displayId, name: `Screen ${i + 1}`, thumbnail: new FakeNativeImage(width, height) };
    });
  }
}
