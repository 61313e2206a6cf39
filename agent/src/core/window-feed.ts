import type { ActiveWindow, WindowSource } from './ports.ts';

/**
 * One watch on the platform's window source, shared by every service that needs the
 * focused window (detector, activity). On Linux a watch is two long-lived xprop
 * processes; this keeps it at two however many listeners there are.
 */
export class WindowFeed implements WindowSource {
  readonly #source: WindowSource;
  readonly #watchers = new Set<(win: ActiveWindow | undefined) => void>();
  #last: { win: ActiveWindow | undefined } | undefined;
  #stop: (() => void) | undefined;

  constructor(source: WindowSource) {
    this.#source = source;
  }

  /** The last window the source reported, if it has reported one. */
  get last(): ActiveWindow | undefined {
    return this.#last?.win;
  }

  async current(): Promise<ActiveWindow | undefined> {
    return this.#last === undefined ? this.#source.current() : this.#last.win;
  }

  watch(onChange: (win: ActiveWindow | undefined) => void): () => void {
    const watcher = (win: ActiveWindow | undefined) => onChange(win);
    this.#watchers.add(watcher);
    if (this.#stop === undefined) {
      this.#stop = this.#source.watch((win) => {
        this.#last = { win };
        for (const w of [...this.#watchers]) w(win);
      });
    } else if (this.#last !== undefined) {
      // Like a fresh watch on the source: the current window first, asynchronously.
      const known = this.#last;
      queueMicrotask(() => {
        if (this.#watchers.has(watcher)) onChange(known.win);
      });
    }
    return () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size === 0) {
        this.#stop?.();
        this.#stop = undefined;
        this.#last = undefined;
      }
    };
  }
}
