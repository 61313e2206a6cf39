import type { Key } from '../../core/ports.ts';
import { keysymValueToChar, NO_SYMBOL } from './x11-keysyms.ts';

/**
 * The X server's core keyboard mapping (keycode → keysyms), kept current from the server's own requests as
 * RECORD reports them, and the XKB rules for picking a keysym from a key event's state (modifiers + group).
 */
export class X11Keymap {
  readonly #rows = new Map<number, readonly number[]>();

  /** From a GetKeyboardMapping reply (or a ChangeKeyboardMapping request): `count` keycodes from `first`, `perKeycode` keysyms each. */
  change(first: number, perKeycode: number, keysyms: ArrayLike<number>): void {
    if (perKeycode <= 0) return;
    const count = Math.floor(keysyms.length / perKeycode);
    for (let i = 0; i < count; i++) {
      const row = Array.from({ length: perKeycode }, (_, j) => keysyms[i * perKeycode + j] ?? NO_SYMBOL);
      while (row.length > 0 && row.at(-1) === NO_SYMBOL) row.pop();
      if (row.length === 0) this.#rows.delete(first + i);
      else this.#rows.set(first + i, row);
    }
  }

  replaceAll(other: X11Keymap): void {
    this.#rows.clear();
    for (const [keycode, row] of other.#rows) this.#rows.set(keycode, row);
  }

  keysyms(keycode: number): readonly number[] | undefined {
    return this.#rows.get(keycode);
  }

  /** Keycodes whose first keysym is `keysym`. */
  keycodesOf(keysym: number): number[] {
    return [...this.#rows].filter(([, row]) => row.includes(keysym)).map(([keycode]) => keycode);
  }
}

/** Which modifier bits (Shift=1 … Mod5=0x80) hold Num Lock and the third level (AltGr). */
export interface ModifierMasks {
  numLock: number;
  level3: number;
}

export const DEFAULT_MODIFIER_MASKS: ModifierMasks = { numLock: 0x10, level3: 0x80 };

const KS = {
  Num_Lock: 0xff7f,
  ISO_Level3_Shift: 0xfe03,
  Mode_switch: 0xff7e,
} as const;

/** From GetModifierMapping: keycodes per modifier (8 modifiers, `perModifier` each, 0 = none). */
export function modifierMasks(keymap: X11Keymap, modifierKeycodes: ArrayLike<number>, perModifier: number): ModifierMasks {
  const masks = { numLock: 0, level3: 0 };
  for (let mod = 0; mod < 8; mod++) {
    for (let i = 0; i < perModifier; i++) {
      const keycode = modifierKeycodes[mod * perModifier + i] ?? 0;
      const row = keycode === 0 ? undefined : keymap.keysyms(keycode);
      if (row === undefined) continue;
      if (row.includes(KS.Num_Lock)) masks.numLock |= 1 << mod;
      if (row.includes(KS.ISO_Level3_Shift) || row.includes(KS.Mode_switch)) masks.level3 |= 1 << mod;
    }
  }
  return { numLock: masks.numLock || DEFAULT_MODIFIER_MASKS.numLock, level3: masks.level3 || DEFAULT_MODIFIER_MASKS.level3 };
}

const SHIFT = 0x01;
const LOCK = 0x02;
const CONTROL = 0x04;
const MOD1 = 0x08;
const MOD4 = 0x40;

/** Keysyms that end a line or edit / move within it, named the way KeyboardEvent.key names them. */
const NAMED_KEYSYMS: ReadonlyMap<number, Key> = new Map([
  [0xff0d, 'Enter'], // Return
  [0xff8d, 'Enter'], // KP_Enter
  [0xff0a, 'Enter'], // Linefeed (xdotool type "\n")
  [0xff09, 'Tab'],
  [0xfe20, 'Tab'], // ISO_Left_Tab (Shift+Tab)
  [0xff08, 'Backspace'],
  [0xff1b, 'Escape'],
  [0xffff, 'Delete'],
  [0xff9f, 'Delete'], // KP_Delete
  [0xff50, 'Home'],
  [0xff95, 'Home'],
  [0xff57, 'End'],
  [0xff9c, 'End'],
  [0xff55, 'PageUp'],
  [0xff9a, 'PageUp'],
  [0xff56, 'PageDown'],
  [0xff9b, 'PageDown'],
  [0xff51, 'ArrowLeft'],
  [0xff96, 'ArrowLeft'],
  [0xff52, 'ArrowUp'],
  [0xff97, 'ArrowUp'],
  [0xff53, 'ArrowRight'],
  [0xff98, 'ArrowRight'],
  [0xff54, 'ArrowDown'],
  [0xff99, 'ArrowDown'],
]);

/** The active XKB group (0–3) in a key event's state. */
export function stateGroup(state: number): number {
  return (state >> 13) & 3;
}

/**
 * The core map's columns for a group, XKB's order: G1L1 G1L2 G2L1 G2L2 G1L3 G1L4 G2L3 G2L4, then groups 3 and
 * 4. The core map does not say how many levels each group has; groups 3 and 4 are read as two-level groups
 * after two-level groups 1 and 2 (`us,ru,gr,il`), which is what multi-group layouts mostly are.
 */
function groupColumns(group: number): readonly [number, number, number, number] {
  switch (group) {
    case 0:
      return [0, 1, 4, 5];
    case 1:
      return [2, 3, 6, 7];
    default:
      return [4 + 2 * (group - 2), 5 + 2 * (group - 2), -1, -1];
  }
}

const isKeypad = (keysym: number): boolean => keysym >= 0xff80 && keysym <= 0xffbd;

/** The keysym a key press with this state produces (NoSymbol when none). */
export function keysymFor(row: readonly number[], state: number, masks: ModifierMasks): number {
  const col = (i: number): number | undefined => {
    const ks = i < 0 ? NO_SYMBOL : (row[i] ?? NO_SYMBOL);
    return ks === NO_SYMBOL ? undefined : ks;
  };
  let cols = groupColumns(stateGroup(state));
  // A key without symbols in the active group (Return, Space, digits in many layouts) wraps to group 1.
  if (col(cols[0]) === undefined) cols = groupColumns(0);
  const [c1, c2, c3, c4] = cols;
  const base = col(c1);
  if (base === undefined) return NO_SYMBOL;
  const shift = (state & SHIFT) !== 0;
  if ((state & masks.level3) !== 0) {
    const level3 = shift ? (col(c4) ?? col(c3)) : col(c3);
    if (level3 !== undefined) return level3;
  }
  const shifted = col(c2);
  if (isKeypad(base) || (shifted !== undefined && isKeypad(shifted))) {
    const numLock = (state & masks.numLock) !== 0;
    return numLock !== shift ? (shifted ?? base) : base;
  }
  if (shifted !== undefined && isCasePair(base, shifted)) {
    return shift !== ((state & LOCK) !== 0) ? shifted : base;
  }
  return shift ? (shifted ?? base) : base;
}

/**
 * A key press as the matcher takes it: a character, a named key, or undefined (modifiers, shortcuts with
 * Ctrl / Alt / Super, keys that type nothing).
 */
export function translateKeyPress(keymap: X11Keymap, masks: ModifierMasks, keycode: number, state: number): Key | undefined {
  const row = keymap.keysyms(keycode);
  if (row === undefined) return undefined;
  const keysym = keysymFor(row, state, masks);
  const named = NAMED_KEYSYMS.get(keysym);
  if (named !== undefined) return named;
  const shortcut = (CONTROL | MOD1 | MOD4) & ~masks.level3 & ~masks.numLock;
  if ((state & shortcut) !== 0) return undefined;
  return keysymValueToChar(keysym);
}

function isCasePair(lower: number, upper: number): boolean {
  const l = keysymValueToChar(lower);
  const u = keysymValueToChar(upper);
  return l !== undefined && u !== undefined && l !== u && l.toUpperCase() === u;
}
