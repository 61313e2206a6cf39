import type { ActiveWindow, WindowSource } from '../../core/ports.ts';

/** Focus changes on demand. Like the real source, a watcher hears the current window first, then only changes. */
export class FakeWindowSource implements WindowSource {
  #current: ActiveWindow | undefined;
  #watchers = new Set<(win: ActiveWindow | undefined) => void>();

  constructor(initial?: ActiveWindow) {
    this.#current = initial;
  }

  set(win: ActiveWindow | undefined): void {
    const prev = this.#current;
    this.#current = win === undefined ? undefined : { ...win };
    const same = prev === undefined || win === undefined ? prev === win : prev.app === win.app && prev.title === win.title && prev.url === win.url;
    if (same) return;
    for (const watcher of this.#watchers) watcher(this.#current);
  }

  async current(): Promise<ActiveWindow | undefined> {
    return this.#current;
  }

  watch(onChange: (win: ActiveWindow | undefined) => void): () => void {
    const watcher = (win: ActiveWindow | undefined) => onChange(win);
    this.#watchers.add(watcher);
    // The real source reports its first reading asynchronously; so does the fake.
    queueMicrotask(() => {
      if (this.#watchers.has(watcher)) onChange(this.#current);
    });
    return () => {
      this.#watchers.delete(watcher);
    };
  }

  get watcherCount(): number {
    return this.#watchers.size;
  }
}
