import { describe, expect, it } from 'vitest';
import { DEFAULT_MODIFIER_MASKS, keysymFor, modifierMasks, stateGroup, translateKeyPress, X11Keymap } from './x11-keymap.ts';
import { keysymFromName } from './x11-keysyms.ts';

const ks = (name: string): number => {
  const v = name === 'NoSymbol' ? 0 : keysymFromName(name);
  if (v === undefined) throw new Error(`unknown keysym ${name}`);
  return v;
};

/** A keymap from `xmodmap -pke`-like rows. */
function keymap(rows: Record<number, string>): X11Keymap {
  const map = new X11Keymap();
  for (const [keycode, syms] of Object.entries(rows)) {
    const values = syms.split(' ').map(ks);
    map.change(Number(keycode), values.length, values);
  }
  return map;
}

const SHIFT = 0x01;
const LOCK = 0x02;
const CTRL = 0x04;
const ALT = 0x08;
const NUM = 0x10;
const ALTGR = 0x80;
const group = (g: number): number => g << 13;

// setxkbmap -layout us,ru (keycode 38 = the A key, 65 = space, 36 = Return), de,gr for AltGr, ara,us, us,ru,gr,il.
const US_RU = keymap({
  38: 'a A Cyrillic_ef Cyrillic_EF',
  41: 'f F Cyrillic_a Cyrillic_A',
  65: 'space NoSymbol space',
  36: 'Return NoSymbol Return',
  10: '1 exclam 1 exclam',
  87: 'KP_End KP_1',
  66: 'Caps_Lock',
});
const DE_GR = keymap({ 24: 'q Q semicolon colon at Greek_OMEGA periodcentered', 26: 'e E Greek_epsilon Greek_EPSILON EuroSign EuroSign EuroSign' });
const ARA_US = keymap({ 38: 'Arabic_sheen Arabic_kasra a A' });
const FOUR = keymap({ 38: 'a A Cyrillic_ef Cyrillic_EF Greek_alpha Greek_ALPHA hebrew_shin A U05B0' });

describe('X11 key presses in the active XKB group', () => {
  it('reads the group from the state and picks its column', () => {
    expect(stateGroup(group(1) | SHIFT)).toBe(1);
    const t = (map: X11Keymap, keycode: number, state: number) => translateKeyPress(map, DEFAULT_MODIFIER_MASKS, keycode, state);
    expect([t(US_RU, 41, 0), t(US_RU, 41, group(1)), t(US_RU, 41, group(1) | SHIFT), t(US_RU, 38, group(1))]).toEqual(['f', 'а', 'А', 'ф']);
    expect([t(ARA_US, 38, 0), t(ARA_US, 38, group(1)), t(ARA_US, 38, group(1) | SHIFT)]).toEqual(['ش', 'a', 'A']);
    expect([t(FOUR, 38, group(2)), t(FOUR, 38, group(3))]).toEqual(['α', 'ש']);
  });

  it('falls back to group 1 for keys the group has no symbols for', () => {
    const t = (keycode: number, state: number) => translateKeyPress(US_RU, DEFAULT_MODIFIER_MASKS, keycode, state);
    expect([t(65, group(1)), t(36, group(1)), t(10, group(1) | SHIFT)]).toEqual([' ', 'Enter', '!']);
  });

  it('Caps Lock upper-cases letters in any alphabet only; Num Lock flips the keypad', () => {
    const t = (keycode: number, state: number) => translateKeyPress(US_RU, DEFAULT_MODIFIER_MASKS, keycode, state);
    expect([t(41, LOCK), t(41, LOCK | group(1)), t(41, LOCK | SHIFT), t(10, LOCK)]).toEqual(['F', 'А', 'f', '1']);
    expect([t(87, 0), t(87, NUM), t(87, NUM | SHIFT)]).toEqual(['End', '1', 'End']);
  });

  it('AltGr picks levels 3 and 4 of the active group', () => {
    const t = (keycode: number, state: number) => translateKeyPress(DE_GR, DEFAULT_MODIFIER_MASKS, keycode, state);
    expect([t(24, ALTGR), t(24, ALTGR | SHIFT), t(26, ALTGR), t(24, group(1)), t(24, group(1) | ALTGR)]).toEqual(['@', 'Ω', '€', ';', '·']);
  });

  it('shortcuts type nothing, but edit keys still count', () => {
    const t = (keycode: number, state: number) => translateKeyPress(US_RU, DEFAULT_MODIFIER_MASKS, keycode, state);
    expect([t(41, CTRL), t(41, ALT), t(36, CTRL), t(200, 0)]).toEqual([undefined, undefined, 'Enter', undefined]);
  });

  it('follows a spare keycode bound and unbound by another client (what xdotool does for characters not on the layout)', () => {
    const map = keymap({ 38: 'a A' });
    expect(translateKeyPress(map, DEFAULT_MODIFIER_MASKS, 8, 0)).toBeUndefined();
    map.change(8, 2, [0x1002019, 0x1002019]);
    expect(translateKeyPress(map, DEFAULT_MODIFIER_MASKS, 8, 0)).toBe('’');
    map.change(8, 1, [0]);
    expect(map.keysyms(8)).toBeUndefined();
    expect(translateKeyPress(map, DEFAULT_MODIFIER_MASKS, 38, 0)).toBe('a');
  });

  it('finds the Num Lock and AltGr modifiers from the modifier mapping', () => {
    const map = keymap({ 77: 'Num_Lock', 92: 'ISO_Level3_Shift', 50: 'Shift_L' });
    // 8 modifiers × 2 keycodes: shift=50, mod3=77 (Num Lock moved), mod4=92 (AltGr moved).
    const mods = [50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 77, 0, 0, 0, 0, 0].slice(0, 16);
    mods[12] = 92;
    expect(modifierMasks(map, mods, 2)).toEqual({ numLock: 0x20, level3: 0x40 });
    expect(keysymFor([ks('q'), ks('Q'), 0, 0, ks('at')], 0x40, { numLock: 0x20, level3: 0x40 })).toBe(ks('at'));
  });
});
