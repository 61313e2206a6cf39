import { describe, expect, it } from 'vitest';
import {
  SHORTCUTS_STORAGE_KEY,
  isTypingTarget,
  readShortcutsEnabled,
  shortcutFor,
  writeShortcutsEnabled,
  type KeyValueStore,
  type TargetLike,
} from './keyboard-shortcuts.ts';

const body: TargetLike = { tagName: 'BODY', closest: () => null };

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (key) => data.get(key) ?? null, setItem: (key, value) => void data.set(key, value) };
}

describe('triage keyboard shortcuts', () => {
  it('maps the documented keys to actions', () => {
    expect(shortcutFor({ key: 'j', target: body }, true)).toBe('next');
    expect(shortcutFor({ key: 'k', target: body }, true)).toBe('previous');
    expect(shortcutFor({ key: 'e', target: body }, true)).toBe('escalate');
    expect(shortcutFor({ key: 'd', target: body }, true)).toBe('dismiss');
    expect(shortcutFor({ key: 'r', target: body }, true)).toBe('resolve');
    expect(shortcutFor({ key: '?', target: body }, true)).toBe('help');
    expect(shortcutFor({ key: 'x', target: body }, true)).toBeUndefined();
  });

  it('does nothing when shortcuts are turned off', () => {
    expect(shortcutFor({ key: 'j', target: body }, false)).toBeUndefined();
    expect(shortcutFor({ key: '?', target: body }, false)).toBeUndefined();
  });

  it('is ignored while typing in a text field, text area, select or editable element', () => {
    for (const target of [
      { tagName: 'INPUT', type: 'text' },
      { tagName: 'INPUT' },
      { tagName: 'INPUT', type: 'search' },
      { tagName: 'INPUT', type: 'date' },
      { tagName: 'TEXTAREA' },
      { tagName: 'SELECT' },
      { tagName: 'DIV', isContentEditable: true },
    ]) {
      expect(shortcutFor({ key: 'r', target }, true), JSON.stringify(target)).toBeUndefined();
    }
  });

  it('still works on checkboxes and buttons, where a letter types nothing', () => {
    expect(isTypingTarget({ tagName: 'INPUT', type: 'checkbox' })).toBe(false);
    expect(shortcutFor({ key: 'j', target: { tagName: 'BUTTON' } }, true)).toBe('next');
    expect(shortcutFor({ key: 'j', target: { tagName: 'INPUT', type: 'checkbox' } }, true)).toBe('next');
  });

  it('is ignored inside an open dialog', () => {
    const inDialog: TargetLike = { tagName: 'BUTTON', closest: (selector) => (selector.includes('dialog') ? {} : null) };
    expect(shortcutFor({ key: 'd', target: inDialog }, true)).toBeUndefined();
  });

  it('leaves browser shortcuts alone (Ctrl+R, Cmd+D, Alt+E)', () => {
    expect(shortcutFor({ key: 'r', ctrlKey: true, target: body }, true)).toBeUndefined();
    expect(shortcutFor({ key: 'd', metaKey: true, target: body }, true)).toBeUndefined();
    expect(shortcutFor({ key: 'e', altKey: true, target: body }, true)).toBeUndefined();
  });

  it('ignores upper-case letters, composition and keys already handled', () => {
    expect(shortcutFor({ key: 'R', target: body }, true)).toBeUndefined();
    expect(shortcutFor({ key: 'r', isComposing: true, target: body }, true)).toBeUndefined();
    expect(shortcutFor({ key: 'r', defaultPrevented: true, target: body }, true)).toBeUndefined();
  });

  it('works without a target', () => {
    expect(shortcutFor({ key: 'j' }, true)).toBe('next');
  });
});

describe('the shortcuts on/off toggle', () => {
  it('is on until turned off, and remembers the choice', () => {
    const store = memoryStore();
    expect(readShortcutsEnabled(store)).toBe(true);
    writeShortcutsEnabled(store, false);
    expect(store.data.get(SHORTCUTS_STORAGE_KEY)).toBe('off');
    expect(readShortcutsEnabled(store)).toBe(false);
    writeShortcutsEnabled(store, true);
    expect(readShortcutsEnabled(store)).toBe(true);
  });

  it('survives storage that throws or is missing', () => {
    const broken: KeyValueStore = {
      getItem: () => {
        throw new Error('denied');
      },
      setItem: () => {
        throw new Error('quota');
      },
    };
    expect(readShortcutsEnabled(broken)).toBe(true);
    expect(() => writeShortcutsEnabled(broken, false)).not.toThrow();
    expect(readShortcutsEnabled(undefined)).toBe(true);
  });
});
