// Stops the pupil using the page while a lock or notice is up. `inert` cannot go on <html> (our
// overlay lives there too), so: capture-phase listeners on window, registered once and kept (call
// preparePageBlocker() at document_start to get in before the page's own window listeners), that
// cancel and swallow input events while anything is blocking. Events pass only when they are real
// (isTrusted) and aimed at a live control ([data-live]) inside one of our own shadow roots.
// While blocking it also keeps focus out of the page, the document unscrollable, and the top
// layer clear of the page's fullscreen element, modal dialogs and popovers.
import { isGuardedHost } from './guarded-host.ts';

const BLOCKED_EVENTS = [
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
  'touchmove',
  'touchend',
  'dragstart',
  'drop',
  'selectstart',
  'focusin',
] as const;

const POINTER_EVENTS = new Set(['mousedown', 'mouseup', 'click', 'dblclick', 'auxclick', 'contextmenu', 'pointerdown', 'pointerup', 'wheel']);
const TOUCH_EVENTS = new Set(['touchstart', 'touchmove', 'touchend']);
const WATCH_INTERVAL_MS = 250;

/** A shadow root of ours whose [data-live] elements the pupil may use while the page is blocked. */
export interface UiZone {
  readonly host: HTMLElement;
  readonly root: ShadowRoot;
}

export interface PageBlock {
  /** The blocking UI's own host: only the highest layer's host takes input (one under it waits). */
  readonly host: HTMLElement;
  /** The highest layer's focus home gets focus back whenever the page tries to take it. */
  readonly layer: number;
  readonly focusHome: () => HTMLElement | null;
}

const zones = new Set<UiZone>();
const blocks = new Set<PageBlock>();
let installed = false;
let watch: ReturnType<typeof setInterval> | undefined;
let savedOverflow: { value: string; priority: string } | null = null;

/** Register the window listeners now (idle until something blocks). Safe to call repeatedly. */
export function preparePageBlocker(): void {
  if (installed) return;
  installed = true;
  for (const type of BLOCKED_EVENTS) window.addEventListener(type, onEvent, { capture: true, passive: false });
}

export function registerZone(zone: UiZone): () => void {
  zones.add(zone);
  return () => void zones.delete(zone);
}

export function isPageBlocked(): boolean {
  return blocks.size > 0;
}

/** Start blocking the page; returns the function that stops this block. */
export function blockPage(block: PageBlock): () => void {
  preparePageBlocker();
  blocks.add(block);
  if (blocks.size === 1) {
    savedOverflow = {
      value: document.documentElement.style.getPropertyValue('overflow'),
      priority: document.documentElement.style.getPropertyPriority('overflow'),
    };
    watch = setInterval(enforce, WATCH_INTERVAL_MS);
  }
  enforce();
  return () => {
    if (!blocks.delete(block) || blocks.size > 0) return;
    clearInterval(watch);
    watch = undefined;
    restoreOverflow();
  };
}

function onEvent(event: Event): void {
  if (blocks.size === 0 || isAllowed(event)) return;
  if (event.type === 'focusin') refuseFocus(event.target);
  if (event.cancelable) event.preventDefault();
  event.stopImmediatePropagation();
}

function isAllowed(event: Event): boolean {
  if (!event.isTrusted) return false;
  const zone = [...zones].find((z) => z.host === event.target);
  if (zone === undefined || isCovered(zone.host)) return false;
  if (event.type === 'focusin') return true;
  if (TOUCH_EVENTS.has(event.type)) {
    const touch = (event as TouchEvent).touches[0] ?? (event as TouchEvent).changedTouches[0];
    return touch !== undefined && isLive(zone.root.elementFromPoint(touch.clientX, touch.clientY));
  }
  // A click with detail 0 comes from the keyboard (Enter/Space on a focused button).
  if (POINTER_EVENTS.has(event.type) && !(event.type === 'click' && (event as MouseEvent).detail === 0)) {
    const { clientX, clientY } = event as MouseEvent;
    return isLive(zone.root.elementFromPoint(clientX, clientY));
  }
  return isLive(zone.root.activeElement);
}

function isLive(element: Element | null): boolean {
  return element?.closest('[data-live]') != null;
}

/** A blocking host under a higher one (a notice under the lock). */
function isCovered(host: HTMLElement): boolean {
  for (const block of blocks) if (block.host === host) return topBlock() !== block;
  return false;
}

function topBlock(): PageBlock | undefined {
  let top: PageBlock | undefined;
  for (const block of blocks) if (top === undefined || block.layer >= top.layer) top = block;
  return top;
}

function refocus(): void {
  topBlock()?.focusHome()?.focus({ preventScroll: true });
}

function refuseFocus(target: EventTarget | null): void {
  if (target instanceof HTMLElement || target instanceof SVGElement) target.blur();
  refocus();
}

/** Run on block and every WATCH_INTERVAL_MS while blocking. */
function enforce(): void {
  if (blocks.size === 0) return;
  const html = document.documentElement;
  if (html.style.getPropertyValue('overflow') !== 'hidden' || html.style.getPropertyPriority('overflow') !== 'important') {
    html.style.setProperty('overflow', 'hidden', 'important');
  }
  const active = document.activeElement;
  if (active !== null && active !== document.body && (!isGuardedHost(active) || isCovered(active as HTMLElement))) {
    refuseFocus(active);
  } else if (active === null || active === document.body) refocus();
  clearTopLayer();
}

/** The page's fullscreen element, modal dialogs and popovers sit in the top layer: close them. */
function clearTopLayer(): void {
  if (document.fullscreenElement !== null) void document.exitFullscreen().catch(() => undefined);
  for (const dialog of document.querySelectorAll('dialog[open]')) {
    if (dialog instanceof HTMLDialogElement && dialog.matches(':modal')) dialog.close();
  }
  let open: NodeListOf<Element>;
  try {
    open = document.querySelectorAll(':popover-open');
  } catch {
    return;
  }
  for (const popover of open) {
    if (popover instanceof HTMLElement && !isGuardedHost(popover)) {
      try {
        popover.hidePopover();
      } catch {
        // gone already
      }
    }
  }
}

function restoreOverflow(): void {
  const style = document.documentElement.style;
  if (savedOverflow === null || savedOverflow.value === '') style.removeProperty('overflow');
  else style.setProperty('overflow', savedOverflow.value, savedOverflow.priority);
  savedOverflow = null;
}
