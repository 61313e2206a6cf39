// A host element with a closed shadow root, attached to <html> (which exists even at
// document_start, before <body>), that the page cannot easily get rid of:
// - a MutationObserver puts it back if the page removes it, moves it back after anything the page
//   appends later to <html> (equal z-index paints in tree order), strips attributes the page adds
//   (hidden, inert, class…) and restores its inline style;
// - blocking hosts also go in the top layer as a manual popover, above the page's own fixed
//   elements, fullscreen elements and dialogs shown before them.
// Events inside the shadow tree stop at the shadow root, so the page's bubble-phase listeners
// never learn what the pupil does in our UI.

export interface GuardedHostOptions {
  /** A custom-element-style name (no definition needed to attach a shadow root). */
  readonly tag: string;
  /** The host's exact inline style (see ui-styles.ts). */
  readonly hostStyle: string;
  readonly css: string;
  /** Put the host in the top layer; higher layers are kept above lower ones. */
  readonly topLayer?: number;
}

const CONTAINED_EVENTS = [
  'keydown',
  'keyup',
  'keypress',
  'beforeinput',
  'input',
  'paste',
  'cut',
  'copy',
  'mousedown',
  'mouseup',
  'click',
  'dblclick',
  'auxclick',
  'contextmenu',
  'pointerdown',
  'pointerup',
  'wheel',
  'touchstart',
  'touchend',
  'focusin',
  'focusout',
] as const;

/** More re-attachments than this in a second means the page is fighting back: stop reordering. */
const MAX_MOVES_PER_SECOND = 30;

const hosts = new Set<GuardedHost>();

/** Is this element one of ours (any live guarded host)? */
export function isGuardedHost(node: unknown): boolean {
  for (const guarded of hosts) if (guarded.host === node) return true;
  return false;
}

export class GuardedHost {
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
  readonly #options: GuardedHostOptions;
  readonly #observer: MutationObserver;
  #observedHtml: Element | null = null;
  #destroyed = false;
  #moves = 0;
  #movesSince = 0;

  constructor(options: GuardedHostOptions) {
    this.#options = options;
    this.host = document.createElement(options.tag);
    this.root = this.host.attachShadow({ mode: 'closed' });
    const style = document.createElement('style');
    style.textContent = options.css;
    this.root.append(style);
    const stop = (event: Event): void => event.stopPropagation();
    for (const type of CONTAINED_EVENTS) this.root.addEventListener(type, stop);
    hosts.add(this);
    this.#observer = new MutationObserver(() => this.repair());
    this.#observer.observe(document, { childList: true });
    this.#observer.observe(this.host, { attributes: true });
    this.repair();
  }

  get topLayer(): number | undefined {
    return this.#options.topLayer;
  }

  /** Restore attributes, position in the tree and top-layer placement. Cheap when nothing is wrong. */
  repair(): void {
    if (this.#destroyed) return;
    this.#enforceAttributes();
    const html = document.documentElement;
    if (html === null) return; // a new root is on its way; the observer on document sees it arrive
    if (html !== this.#observedHtml) {
      this.#observedHtml = html;
      this.#observer.observe(html, { childList: true, attributes: true, attributeFilter: ['inert', 'hidden'] });
    }
    if (html.hasAttribute('inert')) html.removeAttribute('inert');
    if (html.hasAttribute('hidden')) html.removeAttribute('hidden');
    if (this.host.parentNode !== html || (this.#followedByPage() && this.#mayMove())) {
      html.append(this.host);
      if (this.#options.topLayer !== undefined) raiseAbove(this.#options.topLayer);
    }
    if (this.#options.topLayer !== undefined && !isOpen(this.host)) {
      showPopover(this.host);
      raiseAbove(this.#options.topLayer);
    }
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    hosts.delete(this);
    this.#observer.disconnect();
    if (isOpen(this.host)) {
      try {
        this.host.hidePopover();
      } catch {
        // already hidden
      }
    }
    this.host.remove();
  }

  #enforceAttributes(): void {
    const wanted: Record<string, string> = { style: this.#options.hostStyle };
    if (this.#options.topLayer !== undefined) wanted['popover'] = 'manual';
    for (const name of this.host.getAttributeNames()) if (!(name in wanted)) this.host.removeAttribute(name);
    for (const [name, value] of Object.entries(wanted)) {
      if (this.host.getAttribute(name) !== value) this.host.setAttribute(name, value);
    }
  }

  /** Is any page element after this host among <html>'s children? */
  #followedByPage(): boolean {
    for (let next = this.host.nextElementSibling; next !== null; next = next.nextElementSibling) {
      if (!isGuardedHost(next)) return true;
    }
    return false;
  }

  #mayMove(): boolean {
    const now = Date.now();
    if (now - this.#movesSince > 1_000) {
      this.#movesSince = now;
      this.#moves = 0;
    }
    this.#moves += 1;
    return this.#moves <= MAX_MOVES_PER_SECOND;
  }
}

function isOpen(host: HTMLElement): boolean {
  try {
    return host.matches(':popover-open');
  } catch {
    return false; // no popover support: the z-index has to do
  }
}

function showPopover(host: HTMLElement): void {
  if (typeof host.showPopover !== 'function' || !host.isConnected) return;
  try {
    host.showPopover();
  } catch {
    // not supported here, or already open
  }
}

/** Re-show our top-layer hosts above `layer`, lowest first, so they stay above a lower one just shown. */
function raiseAbove(layer: number): void {
  const above = [...hosts]
    .filter((h) => h.topLayer !== undefined && h.topLayer > layer && isOpen(h.host))
    .sort((a, b) => (a.topLayer ?? 0) - (b.topLayer ?? 0));
  for (const guarded of above) {
    try {
      guarded.host.hidePopover();
    } catch {
      // fine: shown again just below
    }
    showPopover(guarded.host);
  }
}
