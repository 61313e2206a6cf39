import type { Notifier } from '../../core/ports.ts';

export class FakeNotifier implements Notifier {
  readonly messages: { title: string; body: string }[] = [];

  async notify(title: string, body: string): Promise<void> {
    this.messages.push({ title, body });
  }
}
