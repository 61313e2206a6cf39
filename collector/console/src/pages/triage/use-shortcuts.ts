import { useCallback, useEffect, useRef, useState } from 'react';
import { readShortcutsEnabled, shortcutFor, writeShortcutsEnabled, type ShortcutAction } from './keyboard-shortcuts.ts';

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

/** The "Keyboard shortcuts" on/off choice, remembered in localStorage. */
export function useShortcutsEnabled(): readonly [boolean, (enabled: boolean) => void] {
  const [enabled, setEnabled] = useState(() => readShortcutsEnabled(storage()));
  const update = useCallback((value: boolean) => {
    writeShortcutsEnabled(storage(), value);
    setEnabled(value);
  }, []);
  return [enabled, update];
}

/**
 * Calls `onAction` for triage shortcut keys pressed anywhere on the page (see
 * keyboard-shortcuts.ts for when a key is not a shortcut). The latest handler is used,
 * so callers need not memoise it.
 */
export function useShortcuts(enabled: boolean, onAction: (action: ShortcutAction) => void): void {
  const handler = useRef(onAction);
  handler.current = onAction;
  useEffect(() => {
    if (!enabled) return undefined;
    const listener = (event: KeyboardEvent) => {
      const target = event.target instanceof HTMLElement ? event.target : null;
      const action = shortcutFor(
        {
          key: event.key,
          ctrlKey: event.ctrlKey,
          metaKey: event.metaKey,
          altKey: event.altKey,
          isComposing: event.isComposing,
          defaultPrevented: event.defaultPrevented,
          target,
        },
        true,
      );
      if (action === undefined) return;
      event.preventDefault();
      handler.current(action);
    };
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, [enabled]);
}
