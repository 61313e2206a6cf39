import type { Notifier, NotifyVia } from '../../core/ports.ts';

/** Where the tray app shows a message: its message window. */
export interface MessageDisplay {
  show(title: string, body: string): void;
}

/** Teacher messages and idle warnings go to the tray app's message window, not a desktop toast. */
export class ElectronNotifier implements Notifier {
  readonly #window: MessageDisplay;

  constructor(window: MessageDisplay) {
    this.#window = window;
  }

  async notify(title: string, body: string): Promise<NotifyVia> {
    this.#window.show(title, body);
    return 'window';
  }
}
