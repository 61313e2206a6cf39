// Single-key triage shortcuts (j/k, e, d, r, ?). WCAG 2.1.4: single-character shortcuts
// can be turned off (a visible toggle, remembered in localStorage) and never fire while
// the user is typing in a field or working in a dialog.

export type ShortcutAction = 'next' | 'previous' | 'open' | 'escalate' | 'dismiss' | 'resolve' | 'help';

export interface ShortcutHelp {
  readonly keys: string;
  readonly action: ShortcutAction;
  readonly description: string;
}

export const SHORTCUTS: readonly ShortcutHelp[] = [
  { keys: 'j', action: 'next', description: 'Next alert in the queue' },
  { keys: 'k', action: 'previous', description: 'Previous alert in the queue' },
  { keys: 'o', action: 'open', description: 'Open the highlighted alert (queue)' },
  { keys: 'e', action: 'escalate', description: 'Escalate to DSL' },
  // Never a one-key close of a serious alert (severity 4–5, restricted, escalated): the
  // page opens the dialog, which needs a reason and a ticked confirmation.
  { keys: 'd', action: 'dismiss', description: 'Dismiss as false positive (opens the dialog)' },
  { keys: 'r', action: 'resolve', description: 'Resolve (severity 4–5, restricted or escalated: opens the dialog for a reason)' },
  { keys: '?', action: 'help', description: 'Show or hide this help' },
];

const BY_KEY: ReadonlyMap<string, ShortcutAction> = new Map(SHORTCUTS.map((shortcut) => [shortcut.keys, shortcut.action]));

/** The parts of a DOM element the dispatcher looks at (a plain object in tests). */
export interface TargetLike {
  readonly tagName?: string;
  readonly type?: string;
  readonly isContentEditable?: boolean;
  closest?(selector: string): unknown;
}

/** The parts of a KeyboardEvent the dispatcher looks at. */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
  readonly isComposing?: boolean;
  readonly defaultPrevented?: boolean;
  readonly target?: TargetLike | null;
}

/** Input types where a letter key does not type text (so shortcuts still work there). */
const NON_TEXT_INPUTS = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'image', 'color', 'file', 'range']);

/** True when a key press on this element would type or pick something. */
export function isTypingTarget(target: TargetLike | null | undefined): boolean {
  if (target === null || target === undefined) return false;
  if (target.isContentEditable === true) return true;
  const tag = (target.tagName ?? '').toLowerCase();
  if (tag === 'textarea' || tag === 'select') return true;
  if (tag === 'input') return !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
  return false;
}

function insideDialog(target: TargetLike | null | undefined): boolean {
  if (target === null || target === undefined || typeof target.closest !== 'function') return false;
  const found = target.closest('dialog, [role="dialog"], [role="alertdialog"]');
  return found !== null && found !== undefined;
}

/**
 * The action for a key press, or undefined when it is not a shortcut: shortcuts off,
 * a modifier held (Ctrl+R must still reload), typing in a field, inside a dialog, or
 * the page already handled the key.
 */
export function shortcutFor(event: KeyLike, enabled: boolean): ShortcutAction | undefined {
  if (!enabled) return undefined;
  if (event.defaultPrevented === true || event.isComposing === true) return undefined;
  if (event.ctrlKey === true || event.metaKey === true || event.altKey === true) return undefined;
  if (isTypingTarget(event.target) || insideDialog(event.target)) return undefined;
  // Shift is allowed: "?" is Shift+/ on most layouts. Letters are matched lower-case only,
  // so Shift+R (caps) does not resolve by accident.
  return BY_KEY.get(event.key);
}

export const SHORTCUTS_STORAGE_KEY = 'vigil.triage.shortcuts';

/** Minimal storage port (localStorage in the browser, a Map in tests). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Shortcuts are on unless the user turned them off. */
export function readShortcutsEnabled(store: KeyValueStore | undefined): boolean {
  try {
    return store?.getItem(SHORTCUTS_STORAGE_KEY) !== 'off';
  } catch {
    return true;
  }
}

export function writeShortcutsEnabled(store: KeyValueStore | undefined, enabled: boolean): void {
  try {
    store?.setItem(SHORTCUTS_STORAGE_KEY, enabled ? 'on' : 'off');
  } catch {
    // Private browsing or a full quota: the toggle still works for this page view.
  }
}
