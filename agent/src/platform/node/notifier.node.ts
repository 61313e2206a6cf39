import { pino, type Logger } from 'pino';
import type { Notifier } from '../../core/ports.ts';
import { findExecutable, run } from './exec.ts';

export interface NodeNotifierOptions {
  /** Environment for notify-send (DISPLAY, DBUS_SESSION_BUS_ADDRESS). Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** notify-send --expire-time. Default 15 s. */
  expireMs?: number;
  log?: Logger;
}

/**
 * Desktop notification through `notify-send` (Debian package libnotify-bin) when it is installed and a
 * notification daemon answers; otherwise the message is logged so it is never silently lost. The Electron
 * shell shows its own window instead.
 */
export class NodeNotifier implements Notifier {
  readonly #env: NodeJS.ProcessEnv;
  readonly #expireMs: number;
  readonly #log: Logger;
  #notifySend: Promise<string | undefined> | undefined;

  constructor(opts: NodeNotifierOptions = {}) {
    this.#env = opts.env ?? process.env;
    this.#expireMs = opts.expireMs ?? 15_000;
    this.#log = opts.log ?? pino({ level: 'silent' });
  }

  async notify(title: string, body: string): Promise<void> {
    this.#notifySend ??= findExecutable('notify-send', this.#env);
    const bin = await this.#notifySend;
    if (bin !== undefined) {
      try {
        await run(bin, ['--app-name=Vigil', `--expire-time=${this.#expireMs}`, '--', title, body], { env: this.#env, timeoutMs: 5_000 });
        return;
      } catch (err) {
        this.#log.warn({ err }, 'notify-send failed; logging the message instead');
      }
    }
    this.#log.info({ title, body }, 'message for the person at this computer');
  }
}
