import type { ElectronApi, MenuItemConstructorOptions, TrayLike } from '../platform/electron/electron-api.ts';

export type TrayStatus = 'connected' | 'offline' | 'locked';

/** The tray menu's first line: monitoring is never hidden. */
export const MONITORED_NOTICE = 'This computer is monitored — acceptable use policy';

export interface TrayFacts {
  connected: boolean;
  locked: boolean;
  /** Why the agent is not running (not set up, cannot start), shown instead of "offline". */
  problem?: string;
}

export interface TrayControllerOptions {
  electron: Pick<ElectronApi, 'Tray' | 'Menu'>;
  iconFor: (status: TrayStatus) => string;
  onShowAup: () => void;
}

export function trayStatus(facts: TrayFacts): TrayStatus {
  if (facts.locked) return 'locked';
  return facts.connected ? 'connected' : 'offline';
}

export function statusLine(facts: TrayFacts): string {
  switch (trayStatus(facts)) {
    case 'locked':
      return 'Status: this screen is locked';
    case 'connected':
      return 'Status: connected to the school';
    case 'offline':
      return facts.problem === undefined ? 'Status: offline — activity is kept and sent later' : `Status: not running — ${facts.problem}`;
  }
}

/** The tray icon: its picture and tooltip follow the status; its menu opens the acceptable use policy. */
export class TrayController {
  readonly #o: TrayControllerOptions;
  readonly #tray: TrayLike;
  #facts: TrayFacts = { connected: false, locked: false };
  #shown = '';

  constructor(opts: TrayControllerOptions, initial?: TrayFacts) {
    this.#o = opts;
    if (initial !== undefined) this.#facts = initial;
    this.#tray = new opts.electron.Tray(opts.iconFor(trayStatus(this.#facts)));
    this.#render();
  }

  get status(): TrayStatus {
    return trayStatus(this.#facts);
  }

  get statusText(): string {
    return statusLine(this.#facts);
  }

  update(facts: TrayFacts): void {
    this.#facts = facts;
    this.#render();
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #render(): void {
    const status = this.status;
    const line = statusLine(this.#facts);
    const key = `${status}\n${line}`;
    if (key === this.#shown) return;
    this.#shown = key;
    this.#tray.setImage(this.#o.iconFor(status));
    this.#tray.setToolTip(`Vigil — this computer is monitored. ${line.replace(/^Status: /, '')}`);
    const template: MenuItemConstructorOptions[] = [
      { label: MONITORED_NOTICE, click: () => this.#o.onShowAup() },
      { type: 'separator' },
      { label: line, enabled: false },
    ];
    this.#tray.setContextMenu(this.#o.electron.Menu.buildFromTemplate(template));
  }
}
