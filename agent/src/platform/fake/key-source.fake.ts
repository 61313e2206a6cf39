import type { Key, KeySource, KeySourceStatus } from '../../core/ports.ts';

const CONTROL_KEYS: Record<string, Key> = { '\n': 'Enter', '\t': 'Tab', '\b': 'Backspace' };

/** Keys typed by the test. Keys typed while stopped are dropped, as a dead hook would drop them. */
export class FakeKeySource implements KeySource {
  #onKey: ((key: Key) => void) | undefined;
  #onStatus: ((status: KeySourceStatus, detail?: string) => void) | undefined;
  #status: { status: KeySourceStatus; detail?: string };
  dropped = 0;

  constructor(initial: { status: KeySourceStatus; detail?: string } = { status: 'ok' }) {
    this.#status = initial;
  }

  get started(): boolean {
    return this.#onKey !== undefined;
  }

  async start(onKey: (key: Key) => void, onStatus: (status: KeySourceStatus, detail?: string) => void): Promise<void> {
    if (this.started) throw new Error('key source already started');
    this.#onKey = onKey;
    this.#onStatus = onStatus;
    onStatus(this.#status.status, this.#status.detail);
  }

  async stop(): Promise<void> {
    this.#onKey = undefined;
    this.#onStatus = undefined;
  }

  /** Each character as a key; \n, \t and \b become Enter, Tab and Backspace. */
  type(text: string): void {
    for (const ch of text) this.press(CONTROL_KEYS[ch] ?? ch);
  }

  /** One named key ('Backspace', 'Enter', 'ArrowLeft', 'Click') or character. */
  press(key: Key): void {
    if (this.#onKey === undefined || this.#status.status !== 'ok') {
      this.dropped += 1;
      return;
    }
    this.#onKey(key);
  }

  setStatus(status: KeySourceStatus, detail?: string): void {
    if (status === this.#status.status) return;
    this.#status = { status, detail };
    this.#onStatus?.(status, detail);
  }
}
