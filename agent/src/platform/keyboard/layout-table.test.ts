import { describe, expect, it } from 'vitest';
import { keyOutput, layoutTableFromJson, translate, type LayoutKey, type LayoutTable } from './layout-table.ts';

const capLok: LayoutKey = { base: 'a', shift: 'A', alt: 'æ', altShift: 'Æ', capsLock: 'shift' };
const capLokAltGr: LayoutKey = { ...capLok, capsLock: 'shift+alt' };
const sgCaps: LayoutKey = { base: 'ü', shift: 'è', caps: { base: 'Ü', shift: 'È' } };

describe('keyOutput: Caps Lock per the key attribute (kbd.h CAPLOK / CAPLOKALTGR / SGCAPS)', () => {
  it('CAPLOK: Caps Lock acts as Shift on the base levels only, and Shift cancels it', () => {
    expect(keyOutput(capLok, 'base', true)).toBe('A');
    expect(keyOutput(capLok, 'shift', true)).toBe('a');
    expect(keyOutput(capLok, 'alt', true)).toBe('æ');
    expect(keyOutput(capLok, 'altShift', true)).toBe('Æ');
  });

  it('CAPLOKALTGR: Caps Lock also acts as Shift on the AltGr levels', () => {
    expect(keyOutput(capLokAltGr, 'alt', true)).toBe('Æ');
    expect(keyOutput(capLokAltGr, 'altShift', true)).toBe('æ');
  });

  it('no attribute: Caps Lock changes nothing; explicit caps outputs (SGCAPS, macOS) win', () => {
    expect(keyOutput({ base: '1', shift: '!' }, 'base', true)).toBe('1');
    expect(keyOutput(sgCaps, 'base', true)).toBe('Ü');
    expect(keyOutput(sgCaps, 'shift', true)).toBe('È');
    expect(keyOutput(sgCaps, 'base', false)).toBe('ü');
  });
});

const table: LayoutTable = layoutTableFromJson({
  keys: {
    '0x01': { base: { dead: '^' }, shift: { dead: '¨' } },
    '0x02': { base: 'e', shift: 'E' },
    '0x03': { base: 'z' },
    '0x04': { base: ' ' },
    '0x05': { alt: '€' },
    '0x06': { base: 'y' },
  },
  deadKeys: { '^': { e: 'ê', E: 'Ê' }, '¨': { e: 'ë' } },
});

function typeSeq(t: LayoutTable, presses: [number, 'base' | 'shift' | 'alt' | 'altShift'][]): string {
  let dead: string | undefined;
  let text = '';
  for (const [code, level] of presses) {
    const r = translate({ code, level, capsLock: false }, t, dead);
    text += r.chars;
    dead = r.nextDeadState;
  }
  return text;
}

describe('translate: dead keys as ToUnicodeEx / UCKeyTranslate document them', () => {
  it('a dead key types nothing and composes with the next key', () => {
    const first = translate({ code: 1, level: 'base', capsLock: false }, table, undefined);
    expect(first).toEqual({ chars: '', nextDeadState: '^', unknown: false });
    expect(translate({ code: 2, level: 'base', capsLock: false }, table, '^')).toEqual({ chars: 'ê', nextDeadState: undefined, unknown: false });
    expect(
      typeSeq(table, [
        [1, 'shift'],
        [2, 'base'],
      ]),
    ).toBe('ë');
    expect(
      typeSeq(table, [
        [1, 'base'],
        [2, 'shift'],
      ]),
    ).toBe('Ê');
  });

  it('dead key then space gives the accent; then a key it does not take gives both; two dead keys give both', () => {
    expect(
      typeSeq(table, [
        [1, 'base'],
        [4, 'base'],
      ]),
    ).toBe('^');
    expect(
      typeSeq(table, [
        [1, 'base'],
        [3, 'base'],
      ]),
    ).toBe('^z');
    expect(
      typeSeq(table, [
        [1, 'base'],
        [1, 'shift'],
      ]),
    ).toBe('^¨');
    expect(
      typeSeq(table, [
        [1, 'base'],
        [1, 'base'],
        [2, 'base'],
      ]),
    ).toBe('^^e');
  });

  it('a key with no output at that level types nothing and keeps the dead key pending', () => {
    const r = translate({ code: 5, level: 'base', capsLock: false }, table, '^');
    expect(r).toEqual({ chars: '', nextDeadState: '^', unknown: false });
    expect(
      typeSeq(table, [
        [1, 'base'],
        [5, 'base'],
        [2, 'base'],
      ]),
    ).toBe('ê');
  });

  it('reports keys missing from the table as unknown', () => {
    expect(translate({ code: 0x99, level: 'base', capsLock: false }, table, '^')).toEqual({ chars: '', nextDeadState: '^', unknown: true });
  });

  it("'nfc' composes unlisted pairs by Unicode canonical composition into Latin-1 / Latin Extended-A, else gives both", () => {
    const nfc: LayoutTable = { ...table, deadKeys: new Map(), unlisted: 'nfc' };
    expect(
      typeSeq(nfc, [
        [1, 'base'],
        [2, 'base'],
      ]),
    ).toBe('ê');
    expect(
      typeSeq(nfc, [
        [1, 'base'],
        [6, 'base'],
      ]),
    ).toBe('ŷ');
    // Unicode has ẑ (U+1E91) but Windows' Latin layouts do not compose it: both characters.
    expect(
      typeSeq(nfc, [
        [1, 'base'],
        [3, 'base'],
      ]),
    ).toBe('^z');
    expect(
      typeSeq(nfc, [
        [1, 'shift'],
        [2, 'base'],
      ]),
    ).toBe('ë');
    expect(
      typeSeq(nfc, [
        [1, 'base'],
        [4, 'base'],
      ]),
    ).toBe('^');
    // 'none' (what the layout lists, and nothing else): ^ then y is both characters.
    expect(
      typeSeq(table, [
        [1, 'base'],
        [6, 'base'],
      ]),
    ).toBe('^y');
  });
});

describe('layoutTableFromJson', () => {
  it('expands the letters shorthand as CAPLOK letters and merges per-key entries over it', () => {
    const t = layoutTableFromJson({ letters: 'abcdefghijklmnopqrstuvwxyz', keys: { '0x45': { alt: '€' } } });
    expect(t.keys.get(0x41)).toEqual({ base: 'a', shift: 'A', capsLock: 'shift' });
    expect(t.keys.get(0x45)).toEqual({ base: 'e', shift: 'E', capsLock: 'shift', alt: '€' });
    expect(t.unlisted).toBe('none');
  });

  it('rejects a key code that is not a number', () => {
    expect(() => layoutTableFromJson({ keys: { A: { base: 'a' } } })).toThrow(/bad key code "A"/);
  });
});
