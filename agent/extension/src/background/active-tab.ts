// The focused window's active tab: the browser agent's "active window". Changes of tab,
// window focus, title or URL are reported once each; the browser losing focus to another
// program reports `undefined` (no tab in front).

export interface ActiveTab {
  tabId: number;
  windowId: number;
  title: string;
  url: string;
}

type Listener = (tab: ActiveTab | undefined) => void;

function same(a: ActiveTab | undefined, b: ActiveTab | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.tabId === b.tabId && a.title === b.title && a.url === b.url;
}

export class ActiveTabWatch {
  #current: ActiveTab | undefined;
  readonly #titles = new Map<number, { title: string; url: string }>();
  readonly #listeners = new Set<Listener>();

  get current(): ActiveTab | undefined {
    return this.#current;
  }

  /** The last title and URL seen for any tab (keys arrive from tabs that may not be in front). */
  tabInfo(tabId: number): { title: string; url: string } | undefined {
    return this.#titles.get(tabId);
  }

  onChange(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Registers the chrome.* listeners; must run synchronously at worker start. */
  listen(): void {
    chrome.tabs.onActivated.addListener(() => void this.refresh());
    chrome.tabs.onUpdated.addListener((tabId, change, tab) => {
      if (change.title === undefined && change.url === undefined && change.status !== 'complete') return;
      this.#remember(tab);
      if (tab.active) void this.refresh();
    });
    chrome.tabs.onRemoved.addListener((tabId) => this.#titles.delete(tabId));
    chrome.windows.onFocusChanged.addListener(() => void this.refresh());
  }

  async refresh(): Promise<void> {
    let next: ActiveTab | undefined;
    try {
      const focused = await chrome.windows.getLastFocused({ populate: false });
      if (focused.focused && focused.id !== undefined) {
        const [tab] = await chrome.tabs.query({ active: true, windowId: focused.id });
        if (tab?.id !== undefined) {
          this.#remember(tab);
          next = { tabId: tab.id, windowId: tab.windowId, title: tab.title ?? '', url: tab.url ?? tab.pendingUrl ?? '' };
        }
      }
    } catch {
      next = undefined;
    }
    if (same(next, this.#current)) return;
    this.#current = next;
    for (const listener of this.#listeners) listener(next);
  }

  #remember(tab: chrome.tabs.Tab): void {
    if (tab.id === undefined) return;
    this.#titles.set(tab.id, { title: tab.title ?? '', url: tab.url ?? tab.pendingUrl ?? '' });
  }
}
