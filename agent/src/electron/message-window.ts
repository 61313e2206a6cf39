import { pino, type Logger } from 'pino';
import type { BrowserWindowLike, ElectronApi, IpcEventLike } from '../platform/electron/electron-api.ts';
import type { MessageDisplay } from '../platform/electron/notifier.electron.ts';
import { IPC, type MessageView } from './ipc-channels.ts';
import type { ShellPaths } from './shell-paths.ts';
import { lockDownNavigation, secureWebPreferences } from './window-security.ts';

export interface MessageWindowOptions {
  electron: Pick<ElectronApi, 'BrowserWindow' | 'ipcMain'>;
  paths: Pick<ShellPaths, 'page' | 'preload'>;
  log?: Logger;
  /** Messages kept while the person has not pressed OK; older ones beyond this are dropped. Default 20. */
  maxWaiting?: number;
}

/**
 * A small always-on-top window for teacher messages and idle-lock warnings. Messages queue:
 * OK shows the next one, and the window closes after the last. Only this window's own page
 * can dismiss a message.
 */
export class MessageWindow implements MessageDisplay {
  readonly #o: MessageWindowOptions;
  readonly #log: Logger;
  readonly #queue: { title: string; body: string }[] = [];
  #win: BrowserWindowLike | undefined;
  readonly #onDismiss = (event: IpcEventLike) => {
    const win = this.#win;
    if (win === undefined || win.isDestroyed() || event.sender !== win.webContents) return;
    this.#queue.shift();
    if (this.#queue.length === 0) win.close();
    else this.#send(win);
  };

  constructor(opts: MessageWindowOptions) {
    this.#o = opts;
    this.#log = opts.log ?? pino({ level: 'silent' });
    opts.electron.ipcMain.on(IPC.messageDismiss, this.#onDismiss);
  }

  /** The message on screen and those waiting behind it. */
  get queue(): readonly { title: string; body: string }[] {
    return this.#queue;
  }

  get window(): BrowserWindowLike | undefined {
    return this.#win !== undefined && !this.#win.isDestroyed() ? this.#win : undefined;
  }

  show(title: string, body: string): void {
    this.#queue.push({ title, body });
    const max = this.#o.maxWaiting ?? 20;
    if (this.#queue.length > max) {
      // Keep the one on screen and the newest.
      const dropped = this.#queue.splice(1, this.#queue.length - max).length;
      this.#log.warn({ dropped }, 'too many unread messages; dropped the oldest');
    }
    const open = this.window;
    if (open !== undefined) {
      this.#send(open);
      open.show();
      return;
    }
    this.#win = this.#create();
  }

  dispose(): void {
    this.#o.electron.ipcMain.removeListener(IPC.messageDismiss, this.#onDismiss);
    this.#queue.length = 0;
    const win = this.window;
    this.#win = undefined;
    win?.destroy();
  }

  #create(): BrowserWindowLike {
    const win = new this.#o.electron.BrowserWindow({
      width: 520,
      height: 320,
      show: false,
      center: true,
      resizable: false,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
      alwaysOnTop: true,
      skipTaskbar: false,
      autoHideMenuBar: true,
      backgroundColor: '#ffffff',
      title: 'Message',
      webPreferences: secureWebPreferences(this.#o.paths.preload('message')),
    });
    win.setAlwaysOnTop(true, 'floating');
    lockDownNavigation(win);
    win.webContents.on('did-finish-load', () => this.#send(win));
    win.on('ready-to-show', () => {
      win.show();
      win.focus();
    });
    win.on('closed', () => {
      if (this.#win === win) this.#win = undefined;
      // Closed with the title-bar button: what was on screen has been seen.
      if (this.#queue.length > 0) this.#queue.shift();
      if (this.#queue.length > 0) this.#win = this.#create();
    });
    win.loadFile(this.#o.paths.page('message')).catch((err: unknown) => this.#log.error({ err }, 'message page failed to load'));
    return win;
  }

  #send(win: BrowserWindowLike): void {
    const head = this.#queue[0];
    if (head === undefined) return;
    const view: MessageView = { title: head.title, body: head.body, waiting: this.#queue.length - 1 };
    win.webContents.send(IPC.message, view);
  }
}
