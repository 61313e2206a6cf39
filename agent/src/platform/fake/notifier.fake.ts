import type { Notifier, NotifyOptions, NotifyVia } from '../../core/ports.ts';

export class FakeNotifier implements Notifier {
  readonly messages: ({ title: string; body: string } & NotifyOptions)[] = [];
  /** What notify() says it did; undefined = a notifier that cannot tell. */
  via: NotifyVia | undefined;

  async notify(title: string, body: string, opts: NotifyOptions = {}): Promise<NotifyVia | undefined> {
    this.messages.push({ title, body, ...opts });
    return this.via;
  }
}
