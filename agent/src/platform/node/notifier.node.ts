import { pino, type Logger } from 'pino';
import type { Notifier, NotifyOptions, NotifyVia } from '../../core/ports.ts';
import { findExecutable, run } from './exec.ts';
import { X11LockScreen, X11MessageBox, type X11MessageBoxOptions } from './x11-overlay.ts';

export interface NodeNotifierOptions {
  /** Environment for notify-send and the X window (DISPLAY, DBUS_SESSION_BUS_ADDRESS). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** notify-send --expire-time. Default 15 s. */
  expireMs?: number;
  /** The agent's own message box hides by itself after this long. Default 2 minutes. */
  windowHideMs?: number;
  /** Never use notify-send, always the agent's own window (tests, desktops whose notifications are hidden). */
  ownWindowOnly?: boolean;
  log?: Logger;
}

/** What this PC can show a message with. */
export interface NotifyFacts {
  /** notify-send is installed. */
  notifySend: boolean;
  /** A notification daemon owns org.freedesktop.Notifications on the session bus. */
  daemon: boolean;
  /** An X display to draw the agent's own window on. */
  display: boolean;
}

/**
 * notify-send only when a daemon will show it (without one notify-send may wait, fail, or "succeed" with
 * nothing on screen); else the agent's own window; else nowhere (logged, and reported as not shown).
 */
export function chooseNotifyPath(facts: NotifyFacts): NotifyVia {
  if (facts.notifySend && facts.daemon) return 'notification';
  if (facts.display) return 'window';
  return 'none';
}

/**
 * Messages and warnings for the person at the PC: a desktop notification through `notify-send` (Debian
 * package libnotify-bin) when a notification daemon owns org.freedesktop.Notifications on the session bus;
 * otherwise the agent's own always-on-top box (x11-overlay.ts) on the X display; otherwise only logged.
 * notify() resolves with where it went, once it is on screen, so the agent reports what was shown.
 */
export class NodeNotifier implements Notifier {
  readonly #env: NodeJS.ProcessEnv;
  readonly #expireMs: number;
  readonly #windowHideMs: number;
  readonly #ownWindowOnly: boolean;
  readonly #log: Logger;
  #notifySend: Promise<string | undefined> | undefined;
  #box: X11MessageBox | undefined;
  #notice: X11MessageBox | undefined;

  constructor(opts: NodeNotifierOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.#expireMs = opts.expireMs ?? 15_000;
    this.#windowHideMs = opts.windowHideMs ?? 120_000;
    this.#ownWindowOnly = opts.ownWindowOnly ?? false;
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  /** What this PC offers now (the daemon is asked each time: it may start or stop with the session). */
  async facts(): Promise<NotifyFacts> {
    const display = (this.#env.DISPLAY ?? '') !== '';
    if (this.#ownWindowOnly) return { notifySend: false, daemon: false, display };
    this.#notifySend ??= findExecutable('notify-send', this.#env);
    const notifySend = (await this.#notifySend) !== undefined;
    return { notifySend, daemon: notifySend && (await this.#daemonRuns()), display };
  }

  async notify(title: string, body: string, opts: NotifyOptions = {}): Promise<NotifyVia> {
    const facts = await this.facts();
    // The notice must stay until it is read: the agent's own box, not a bubble that expires.
    const path = opts.notice === true && facts.display ? 'window' : chooseNotifyPath(facts);
    if (path === 'notification') {
      const bin = (await this.#notifySend) ?? 'notify-send';
      try {
        await run(bin, ['--app-name=Vigil', `--expire-time=${this.#expireMs}`, '--', title, body], { env: this.#env, timeoutMs: 5_000 });
        return 'notification';
      } catch (err) {
        this.#log.warn({ err }, 'notify-send failed; showing the agent window instead');
      }
    }
    if (path !== 'none') {
      try {
        await this.#showBox(title, body, opts);
        return 'window';
      } catch (err) {
        this.#log.warn({ err }, 'could not show the message window');
      }
    }
    this.#log.info({ title, body }, 'message for the person at this computer (nothing could show it)');
    return 'none';
  }

  async #showBox(title: string, body: string, opts: NotifyOptions): Promise<void> {
    // A message that comes while the agent's lock screen is up would sit under it, unseen: it waits.
    await X11LockScreen.allClosed();
    // One message box at a time (a newer message replaces the one on screen); the notice is apart from them.
    if (opts.notice === true) this.#notice?.close();
    else this.#box?.close();
    const boxOpts: X11MessageBoxOptions = { env: this.#env, log: this.#log };
    const until = opts.countdownTo;
    if (opts.notice === true) {
      boxOpts.notice = true; // stays until "I understand"
    } else if (until === undefined) {
      boxOpts.autoHideMs = this.#windowHideMs;
    } else {
      boxOpts.autoHideMs = Math.max(1_000, until - Date.now());
      boxOpts.footer = () => {
        const left = Math.max(0, Math.ceil((until - Date.now()) / 1_000));
        return `Locks in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
      };
    }
    const text = opts.notice === true ? { title, body, heading: 'Vigil · this computer is monitored', button: 'I understand' } : { title, body };
    const box = await X11MessageBox.show(text, boxOpts);
    if (opts.notice === true) this.#notice = box;
    else this.#box = box;
    void box.ended.then((how) => {
      if (this.#box === box) this.#box = undefined;
      if (this.#notice === box) this.#notice = undefined;
      this.#log.debug({ how }, 'message window closed');
    });
  }

  async #daemonRuns(): Promise<boolean> {
    if ((this.#env.DBUS_SESSION_BUS_ADDRESS ?? '') === '') return false;
    try {
      const { stdout } = await run(
        'dbus-send',
        [
          '--session',
          '--print-reply',
          '--dest=org.freedesktop.DBus',
          '/org/freedesktop/DBus',
          'org.freedesktop.DBus.NameHasOwner',
          'string:org.freedesktop.Notifications',
        ],
        { env: this.#env, timeoutMs: 2_000 },
      );
      return /boolean true/.test(stdout);
    } catch (err) {
      this.#log.debug({ err }, 'cannot ask the session bus for a notification daemon');
      return false;
    }
  }
}
