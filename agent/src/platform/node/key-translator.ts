import type { Key } from '../../core/ports.ts';
import { LayoutUnavailableError } from '../keyboard/unavailable.ts';
import type { HookKeyEvent } from './key-hook.protocol.ts';

/** Turns hook events into the characters / named keys the matcher's KeyStream takes, for one OS layout. */
export interface KeyTranslator {
  /** One key, or several when a dead key meets a key it does not compose with (`^` then `z` types "^z"). */
  translate(ev: HookKeyEvent): Key | readonly Key[] | undefined;
  /** Re-reads the OS layout: on every hook (re)start and, rate-limited, after a key the layout did not know. */
  reload(): Promise<void>;
  /** A key was not found in the layout since the last reload (the layout may have changed). */
  readonly missed: boolean;
}

/** Loads the active layout for the hook's display; throws with a reason when it cannot. */
export type LayoutLoader = (env: NodeJS.ProcessEnv) => Promise<KeyTranslator>;

/** uiohook virtual keycodes (libuiohook's VC_*), the same on every OS. */
export const VC = {
  /** A key libuiohook has no name for (on X11: Linefeed, the ISO <> key, some Japanese keys…). */
  Undefined: 0x0000,
  Escape: 0x0001,
  Backspace: 0x000e,
  Tab: 0x000f,
  Enter: 0x001c,
  CapsLock: 0x003a,
  NumLock: 0x0045,
  NumpadEnter: 0x0e1c,
  NumpadDivide: 0x0e35,
  AltRight: 0x0e38,
  Home: 0x0e47,
  PageUp: 0x0e49,
  End: 0x0e4f,
  PageDown: 0x0e51,
  Insert: 0x0e52,
  Delete: 0x0e53,
  ArrowUp: 0xe048,
  ArrowLeft: 0xe04b,
  ArrowRight: 0xe04d,
  ArrowDown: 0xe050,
} as const;

/** Keys that edit or move within text; named the way KeyboardEvent.key names them. */
const NAMED_KEYS: ReadonlyMap<number, Key> = new Map([
  [VC.Escape, 'Escape'],
  [VC.Backspace, 'Backspace'],
  [VC.Tab, 'Tab'],
  [VC.Enter, 'Enter'],
  [VC.NumpadEnter, 'Enter'],
  [VC.Home, 'Home'],
  [VC.End, 'End'],
  [VC.PageUp, 'PageUp'],
  [VC.PageDown, 'PageDown'],
  [VC.Delete, 'Delete'],
  [VC.ArrowUp, 'ArrowUp'],
  [VC.ArrowLeft, 'ArrowLeft'],
  [VC.ArrowRight, 'ArrowRight'],
  [VC.ArrowDown, 'ArrowDown'],
]);

export function namedKey(code: number): Key | undefined {
  return NAMED_KEYS.get(code);
}

/** A platform with no layout backend: the key source reports 'unavailable' with this reason instead of guessing. */
export const unsupportedLayout =
  (platform: string): LayoutLoader =>
  async () => {
    throw new LayoutUnavailableError('os-unsupported', `keyboard layout mapping is not implemented on ${platform}`);
  };

/**
 * The layout backend for a platform. uiohook-napi does not expose libuiohook's keychar, so each OS's own
 * layout API turns keycodes into characters:
 * - linux: the X server's keymap (x11-layout.ts, `xmodmap -pke`).
 * - win32: GetKeyboardLayout of the foreground thread + ToUnicodeEx, through koffi (../win32/win32-layout.ts).
 * - darwin: TISCopyCurrentKeyboardLayoutInputSource + UCKeyTranslate, through koffi (../darwin/darwin-layout.ts).
 * Backends load lazily, so koffi is only loaded where it is used; when it cannot load, the loader rejects
 * with a LayoutUnavailableError and the key source reports 'unavailable' instead of crashing.
 */
export function platformLayoutLoader(platform: NodeJS.Platform = process.platform): LayoutLoader {
  switch (platform) {
    case 'linux':
      return async (env) => (await import('./x11-layout.ts')).loadX11Layout(env);
    case 'win32':
      return async () => (await import('../win32/win32-layout.ts')).loadWin32Layout();
    case 'darwin':
      return async () => (await import('../darwin/darwin-layout.ts')).loadDarwinLayout();
    default:
      return unsupportedLayout(platform);
  }
}
