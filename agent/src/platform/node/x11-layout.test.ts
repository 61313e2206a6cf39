import { describe, expect, it } from 'vitest';
import type { HookKeyEvent } from './key-hook.protocol.ts';
import { VC } from './key-translator.ts';
import { keysymToChar, LATIN1_NAMES } from './x11-keysyms.ts';
import { parseXmodmap, parseXsetLocks, X11KeyTranslator } from './x11-layout.ts';

// A slice of `xmodmap -pke` for a GB layout (AltGr on Right Alt).
const GB = `keycode   9 = Escape NoSymbol Escape
keycode  11 = 2 quotedbl 2 quotedbl twosuperior oneeighth
keycode  12 = 3 sterling 3 sterling threesuperior sterling
keycode  13 = 4 dollar 4 dollar EuroSign onequarter
keycode  22 = BackSpace BackSpace BackSpace BackSpace
keycode  26 = e E e E eacute Eacute
keycode  38 = a A a A aacute Aacute
keycode  42 = g G g G eng ENG
keycode  48 = apostrophe at apostrophe at dead_circumflex dead_caron
keycode  50 = Shift_L NoSymbol Shift_L
keycode  51 = numbersign asciitilde numbersign asciitilde dead_grave dead_breve
keycode  65 = space NoSymbol space
keycode  79 = KP_Home KP_7 KP_Home KP_7
keycode  63 = KP_Multiply KP_Multiply KP_Multiply KP_Multiply
keycode 108 = ISO_Level3_Shift NoSymbol ISO_Level3_Shift
keycode 200 =
`;

const key = (code: number, mods: Partial<HookKeyEvent> = {}): HookKeyEvent => ({
  type: 'key',
  down: true,
  code,
  shift: false,
  ctrl: false,
  alt: false,
  meta: false,
  ...mods,
});

// uiohook code = X keycode - 8 for the main block.
const A = 38 - 8;
const E = 26 - 8;
const G = 42 - 8;
const TWO = 11 - 8;
const THREE = 12 - 8;
const FOUR = 13 - 8;
const APOSTROPHE = 48 - 8;
const HASH = 51 - 8;
const SPACE = 65 - 8;
const KP7 = 79 - 8;
const KP_MUL = 63 - 8;

function typeAll(t: X11KeyTranslator, events: HookKeyEvent[]): string[] {
  return events.map((e) => t.translate(e)).filter((k) => k !== undefined);
}

describe('X11KeyTranslator', () => {
  const keymap = parseXmodmap(GB);

  it('parses every keycode line that has symbols', () => {
    expect(keymap.get(26)).toEqual(['e', 'E', 'e', 'E', 'eacute', 'Eacute']);
    expect(keymap.has(200)).toBe(false);
    expect(keymap.size).toBe(15);
  });

  it('uses the layout: Shift+2 is a double quote and Shift+3 a pound sign on a GB keyboard', () => {
    const t = new X11KeyTranslator({}, keymap);
    expect(typeAll(t, [key(TWO, { shift: true }), key(THREE, { shift: true }), key(APOSTROPHE, { shift: true }), key(HASH)])).toEqual(['"', '£', '@', '#']);
  });

  it('Caps Lock upper-cases letters only, and Shift under Caps Lock lowers them again', () => {
    const t = new X11KeyTranslator({}, keymap);
    const out = typeAll(t, [key(VC.CapsLock), key(A), key(TWO), key(A, { shift: true }), key(VC.CapsLock), key(A)]);
    expect(out).toEqual(['A', '2', 'a', 'a']);
  });

  it('starts from the Caps Lock state the X server reports', () => {
    const t = new X11KeyTranslator({}, keymap, parseXsetLocks('00: Caps Lock:   on    01: Num Lock:    off'));
    expect(typeAll(t, [key(G)])).toEqual(['G']);
  });

  it('AltGr picks the third and fourth levels while held', () => {
    const t = new X11KeyTranslator({}, keymap);
    const out = typeAll(t, [
      key(VC.AltRight, { alt: true }),
      key(FOUR, { alt: true }),
      key(E, { alt: true }),
      key(E, { alt: true, shift: true }),
      key(VC.AltRight, { down: false }),
      key(E),
    ]);
    expect(out).toEqual(['€', 'é', 'É', 'e']);
  });

  it('Ctrl, Alt and Super shortcuts type nothing, but editing keys still count', () => {
    const t = new X11KeyTranslator({}, keymap);
    const out = typeAll(t, [key(A, { ctrl: true }), key(A, { alt: true }), key(A, { meta: true }), key(VC.Backspace, { ctrl: true })]);
    expect(out).toEqual(['Backspace']);
  });

  it('names editing and movement keys by their code, independent of the layout', () => {
    const t = new X11KeyTranslator({}, new Map());
    const codes = [VC.Backspace, VC.Enter, VC.NumpadEnter, VC.Tab, VC.Escape, VC.Delete, VC.ArrowLeft, VC.ArrowRight, VC.ArrowUp, VC.ArrowDown];
    expect(
      typeAll(
        t,
        codes.map((c) => key(c)),
      ),
    ).toEqual(['Backspace', 'Enter', 'Enter', 'Tab', 'Escape', 'Delete', 'ArrowLeft', 'ArrowRight', 'ArrowUp', 'ArrowDown']);
  });

  it('the keypad types digits only with Num Lock on', () => {
    const t = new X11KeyTranslator({}, keymap);
    expect(typeAll(t, [key(KP7), key(KP_MUL), key(VC.NumLock), key(KP7), key(VC.NumpadDivide)])).toEqual(['*', '7', '/']);
  });

  it('modifier keys and dead keys type nothing; unknown keycodes flag the layout for a reload', () => {
    const t = new X11KeyTranslator({}, keymap);
    expect(typeAll(t, [key(50 - 8, { shift: true }), key(APOSTROPHE, { alt: true, shift: true }), key(SPACE)])).toEqual([' ']);
    expect(t.missed).toBe(false);
    expect(t.translate(key(150))).toBeUndefined();
    expect(t.missed).toBe(true);
  });

  it('a Linefeed (xdotool type "\\n") ends the line like Enter: uiohook reports it as the unnamed code 0', () => {
    const withLinefeed = parseXmodmap(`${GB}keycode 109 = Linefeed NoSymbol Linefeed\n`);
    const t = new X11KeyTranslator({}, withLinefeed);
    expect(typeAll(t, [key(A), key(VC.Undefined), key(E)])).toEqual(['a', 'Enter', 'e']);
    expect(t.missed).toBe(false);
    // A layout without Linefeed: code 0 types nothing, and asks for no reload either.
    const without = new X11KeyTranslator({}, keymap);
    expect(without.translate(key(VC.Undefined))).toBeUndefined();
    expect(without.missed).toBe(false);
  });

  it('keys a layout binds to Return, Linefeed or Tab end the line wherever they sit', () => {
    const t = new X11KeyTranslator({}, parseXmodmap('keycode  30 = Linefeed Return\nkeycode  31 = Tab ISO_Left_Tab\n'));
    expect(typeAll(t, [key(30 - 8), key(30 - 8, { shift: true }), key(31 - 8, { shift: true })])).toEqual(['Enter', 'Enter', 'Tab']);
  });

  it('ignores key-up events except for AltGr', () => {
    const t = new X11KeyTranslator({}, keymap);
    expect(t.translate(key(A, { down: false }))).toBeUndefined();
  });
});

describe('keysymToChar', () => {
  it('maps ASCII punctuation names', () => {
    const names = ['exclam', 'at', 'numbersign', 'dollar', 'percent', 'period', 'comma', 'minus', 'equal', 'space', 'apostrophe', 'slash'];
    expect(names.map(keysymToChar).join('')).toBe("!@#$%.,-= '/");
  });

  it('maps the whole Latin-1 block by name', () => {
    expect(LATIN1_NAMES).toHaveLength(96);
    expect(['sterling', 'eacute', 'ssharp', 'ydiaeresis', 'Ooblique'].map(keysymToChar)).toEqual(['£', 'é', 'ß', 'ÿ', 'Ø']);
  });

  it('maps Unicode keysyms in both spellings and refuses control characters', () => {
    expect(keysymToChar('U20AC')).toBe('€');
    expect(keysymToChar('0x10020ac')).toBe('€');
    expect(keysymToChar('0xe9')).toBe('é');
    expect(keysymToChar('U0007')).toBeUndefined();
  });

  it('gives nothing for keys that type nothing', () => {
    expect(['Shift_L', 'F1', 'dead_acute', 'Caps_Lock', 'NoSymbol', 'KP_Home'].map(keysymToChar)).toEqual(Array(6).fill(undefined));
  });
});
