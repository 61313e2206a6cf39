import type { Key } from '../../core/ports.ts';
import { run } from './exec.ts';
import type { HookKeyEvent } from './key-hook.protocol.ts';
import { namedKey, VC, type KeyTranslator, type LayoutLoader } from './key-translator.ts';
import { keysymToChar } from './x11-keysyms.ts';

/** X keycode → keysym names per column, from `xmodmap -pke`. */
export type X11Keymap = ReadonlyMap<number, readonly string[]>;

export function parseXmodmap(text: string): X11Keymap {
  const map = new Map<number, string[]>();
  for (const line of text.split('\n')) {
    const m = /^keycode\s+(\d+)\s*=\s*(.*)$/.exec(line.trim());
    if (!m?.[1]) continue;
    const syms = (m[2] ?? '').split(/\s+/).filter((s) => s !== '');
    if (syms.length > 0) map.set(Number(m[1]), syms);
  }
  return map;
}

export interface LockState {
  capsLock: boolean;
  numLock: boolean;
}

/** Caps / Num Lock as `xset q` reports them when the hook starts; afterwards we follow the key presses. */
export function parseXsetLocks(text: string): LockState {
  return {
    capsLock: /Caps Lock:\s+on/.test(text),
    numLock: /Num Lock:\s+on/.test(text),
  };
}

/** Keysyms that end a line, wherever a layout puts them. */
const LINE_KEYSYMS: ReadonlyMap<string, Key> = new Map([
  ['Return', 'Enter'],
  ['KP_Enter', 'Enter'],
  ['Linefeed', 'Enter'],
  ['Tab', 'Tab'],
  ['ISO_Left_Tab', 'Tab'],
]);

// uiohook's codes below 0x100 are set-1 scancodes, which on Linux are evdev codes: X keycode = code + 8.
const X_KEYCODE_OFFSET = 8;
// With XKB the core keymap lists group 1 levels 1-2, group 2 levels 1-2, then group 1 levels 3-4.
const LEVEL3_COLUMN = 4;

/**
 * Maps uiohook keycodes through the X server's core keymap (group 1). Shift picks column 2, Caps Lock
 * upper-cases letters only, Num Lock flips the keypad, AltGr (when the layout binds ISO_Level3_Shift to Right
 * Alt) picks levels 3-4. Ctrl / Alt / Super shortcuts type nothing.
 */
export class X11KeyTranslator implements KeyTranslator {
  readonly #env: NodeJS.ProcessEnv;
  #keymap: X11Keymap;
  #locks: LockState;
  #altGrDown = false;
  #missed = false;
  #linefeedBound: boolean | undefined;

  constructor(env: NodeJS.ProcessEnv, keymap: X11Keymap = new Map(), locks: LockState = { capsLock: false, numLock: false }) {
    this.#env = env;
    this.#keymap = keymap;
    this.#locks = { ...locks };
  }

  get missed(): boolean {
    return this.#missed;
  }

  async reload(): Promise<void> {
    const [keymap, xset] = await Promise.all([
      run('xmodmap', ['-pke'], { env: this.#env, timeoutMs: 5_000 }),
      run('xset', ['q'], { env: this.#env, timeoutMs: 5_000 }).catch(() => undefined),
    ]);
    const parsed = parseXmodmap(keymap.stdout);
    if (parsed.size === 0) throw new Error('xmodmap -pke printed no keycodes');
    this.#keymap = parsed;
    this.#linefeedBound = undefined;
    if (xset !== undefined) this.#locks = parseXsetLocks(xset.stdout);
    this.#missed = false;
  }

  translate(ev: HookKeyEvent): Key | undefined {
    if (ev.code === VC.AltRight) {
      this.#altGrDown = ev.down && this.#rightAltIsLevel3();
      return undefined;
    }
    if (!ev.down) return undefined;
    if (ev.code === VC.CapsLock) {
      this.#locks.capsLock = !this.#locks.capsLock;
      return undefined;
    }
    if (ev.code === VC.NumLock) {
      this.#locks.numLock = !this.#locks.numLock;
      return undefined;
    }
    const named = namedKey(ev.code);
    if (named !== undefined) return named;
    if (ev.code === VC.Undefined) return this.#unnamedKey();
    if (ev.code === VC.NumpadDivide) return ev.ctrl || ev.alt || ev.meta ? undefined : '/';
    const altGr = this.#altGrDown;
    if (ev.ctrl || ev.meta || (ev.alt && !altGr)) return undefined;
    if (ev.code >= 0x100) return undefined;
    const syms = this.#keymap.get(ev.code + X_KEYCODE_OFFSET);
    if (syms === undefined) {
      this.#missed = true;
      return undefined;
    }
    const sym = this.#pick(syms, ev.shift, altGr);
    return LINE_KEYSYMS.get(sym) ?? keysymToChar(sym);
  }

  /**
   * libuiohook reports X keycodes it has no name for as code 0, and one of them is
   * Linefeed (keycode 109), which `xdotool type "\n"` and some terminals' input methods
   * send for a new line. When the layout binds Linefeed, code 0 ends the line like Enter.
   * The ISO <> key (keycode 94) is reported as code 0 too; it types no letter, so ending
   * the line there splits no word. A reload could not help (the keycode is unknown), so
   * this never counts as a miss.
   */
  #unnamedKey(): Key | undefined {
    this.#linefeedBound ??= [...this.#keymap.values()].some((syms) => syms[0] === 'Linefeed');
    return this.#linefeedBound ? 'Enter' : undefined;
  }

  #pick(syms: readonly string[], shift: boolean, altGr: boolean): string {
    const col = (i: number): string | undefined => {
      const sym = syms[i];
      return sym === undefined || sym === 'NoSymbol' ? undefined : sym;
    };
    const base = col(0) ?? '';
    if (altGr) {
      const level3 = col(LEVEL3_COLUMN + (shift ? 1 : 0)) ?? col(LEVEL3_COLUMN);
      if (level3 !== undefined) return level3;
    }
    if (base.startsWith('KP_')) return (this.#locks.numLock !== shift ? col(1) : undefined) ?? base;
    const shifted = col(1);
    if (shifted !== undefined && isCasePair(base, shifted)) {
      return shift !== this.#locks.capsLock ? shifted : base;
    }
    return shift ? (shifted ?? base) : base;
  }

  #rightAltIsLevel3(): boolean {
    // uiohook reports Right Alt with its own code; X keycode 108 is Right Alt on evdev keyboards.
    const sym = this.#keymap.get(108)?.[0];
    return sym === 'ISO_Level3_Shift' || sym === 'Mode_switch';
  }
}

function isCasePair(lower: string, upper: string): boolean {
  const l = keysymToChar(lower);
  const u = keysymToChar(upper);
  return l !== undefined && u !== undefined && l !== u && l.toUpperCase() === u;
}

export const loadX11Layout: LayoutLoader = async (env) => {
  if ((env.DISPLAY ?? '') === '') throw new Error('no DISPLAY: not running in an X session');
  const translator = new X11KeyTranslator(env);
  await translator.reload();
  return translator;
};
