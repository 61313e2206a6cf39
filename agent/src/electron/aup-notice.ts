import { pino, type Logger } from 'pino';
import type { Policy } from '@vigil/shared/protocol';
import type { Clock } from '../core/ports.ts';
import type { BrowserWindowLike, ElectronApi, IpcEventLike } from '../platform/electron/electron-api.ts';
import type { AupAckStore } from '../core/aup-ack.store.ts';
import { IPC, type AupView } from './ipc-channels.ts';
import type { ShellPaths } from './shell-paths.ts';
import { lockDownNavigation, secureWebPreferences } from './window-security.ts';

export type AupPolicy = Pick<Policy, 'aupText' | 'aupVersion' | 'showAupOnLogin'>;

export interface AupNoticeOptions {
  electron: Pick<ElectronApi, 'BrowserWindow' | 'ipcMain'>;
  paths: Pick<ShellPaths, 'page' | 'preload'>;
  store: AupAckStore;
  /** The OS user at this computer. */
  user: string;
  clock: Clock;
  log?: Logger;
}

/**
 * The acceptable-use notice: shown at login to each OS user once per notice version (when the
 * policy asks for it), and whenever the tray menu's first line is chosen. "I understand" is
 * remembered per user and version, so a new version of the policy is shown again.
 */
export class AupNotice {
  readonly #o: AupNoticeOptions;
  readonly #log: Logger;
  #win: BrowserWindowLike | undefined;
  #view: AupView | undefined;
  #checking: Promise<void> = Promise.resolve();

  constructor(opts: AupNoticeOptions) {
    this.#o = opts;
    this.#log = opts.log ?? pino({ level: 'silent' });
    opts.electron.ipcMain.handle(IPC.aupAcknowledge, (event) => this.#acknowledge(event));
  }

  get window(): BrowserWindowLike | undefined {
    return this.#win !== undefined && !this.#win.isDestroyed() ? this.#win : undefined;
  }

  /** The notice on screen, if any. */
  get view(): AupView | undefined {
    return this.window === undefined ? undefined : this.#view;
  }

  /** At login and when the policy changes: shows the notice unless this user has acknowledged this version. */
  onPolicy(policy: AupPolicy): Promise<void> {
    // One check at a time: a policy arriving twice in quick succession shows one window.
    this.#checking = this.#checking.then(async () => {
      if (!policy.showAupOnLogin) return;
      if (this.view?.version === policy.aupVersion) return;
      let seen = false;
      try {
        seen = await this.#o.store.acknowledged(this.#o.user, policy.aupVersion);
      } catch (err) {
        this.#log.warn({ err }, 'could not read the acknowledgement; showing the notice');
      }
      if (!seen) this.show(policy);
    });
    return this.#checking;
  }

  /** Shows (or brings forward) the notice. */
  show(policy: Pick<Policy, 'aupText' | 'aupVersion'>): void {
    this.#view = { text: policy.aupText, version: policy.aupVersion };
    const open = this.window;
    if (open !== undefined) {
      open.webContents.send(IPC.aup, this.#view);
      open.show();
      open.focus();
      return;
    }
    this.#win = this.#create();
  }

  dispose(): void {
    this.#o.electron.ipcMain.removeHandler(IPC.aupAcknowledge);
    const win = this.window;
    this.#win = undefined;
    win?.destroy();
  }

  async #acknowledge(event: IpcEventLike): Promise<boolean> {
    const win = this.window;
    const view = this.#view;
    if (win === undefined || view === undefined || event.sender !== win.webContents) return false;
    try {
      await this.#o.store.record(this.#o.user, view.version, this.#o.clock.now());
    } catch (err) {
      // Still closed: the person has read it; it shows again next login.
      this.#log.error({ err }, 'could not store the acknowledgement');
    }
    this.#log.info({ version: view.version }, 'acceptable use notice acknowledged');
    win.close();
    return true;
  }

  #create(): BrowserWindowLike {
    const win = new this.#o.electron.BrowserWindow({
      width: 640,
      height: 560,
      show: false,
      center: true,
      resizable: true,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      title: 'This computer is monitored',
      webPreferences: secureWebPreferences(this.#o.paths.preload('aup')),
    });
    lockDownNavigation(win);
    win.webContents.on('did-finish-load', () => {
      if (this.#view !== undefined) win.webContents.send(IPC.aup, this.#view);
    });
    win.on('ready-to-show', () => {
      win.show();
      win.focus();
    });
    win.on('closed', () => {
      if (this.#win === win) this.#win = undefined;
    });
    win.loadFile(this.#o.paths.page('aup')).catch((err: unknown) => this.#log.error({ err }, 'acceptable use page failed to load'));
    return win;
  }
}
