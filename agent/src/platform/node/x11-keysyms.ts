// X keysyms to the characters they type. Names (as `xmodmap -pke` prints them) and values come from the
// table generated from xorgproto's keysymdef.h (x11-keysymdef.generated.ts, agent/scripts/gen-keysyms.ts): every
// legacy keysym — Latin, Cyrillic, Greek, Arabic, Hebrew, Thai, Korean, punctuation — plus the two rules the
// header states: keysyms 0x20–0xff are their Latin-1 code points, and 0x01000100–0x0110ffff are Unicode code
// points + 0x01000000 (`U20AC`, `0x10020ac`). The keypad keys that type a character are listed here.
import { KEYSYMDEF } from './x11-keysymdef.generated.ts';

const ASCII_NAMES: Record<string, string> = {
  space: ' ',
  exclam: '!',
  quotedbl: '"',
  numbersign: '#',
  dollar: '$',
  percent: '%',
  ampersand: '&',
  apostrophe: "'",
  quoteright: "'",
  parenleft: '(',
  parenright: ')',
  asterisk: '*',
  plus: '+',
  comma: ',',
  minus: '-',
  period: '.',
  slash: '/',
  colon: ':',
  semicolon: ';',
  less: '<',
  equal: '=',
  greater: '>',
  question: '?',
  at: '@',
  bracketleft: '[',
  backslash: '\\',
  bracketright: ']',
  asciicircum: '^',
  underscore: '_',
  grave: '`',
  quoteleft: '`',
  braceleft: '{',
  bar: '|',
  braceright: '}',
  asciitilde: '~',
  EuroSign: '€',
  KP_Space: ' ',
  KP_Multiply: '*',
  KP_Add: '+',
  KP_Separator: ',',
  KP_Subtract: '-',
  KP_Decimal: '.',
  KP_Divide: '/',
  KP_Equal: '=',
};

/** Keysyms 0xa0..0xff in order; they equal their Latin-1 code points. */
export const LATIN1_NAMES = [
  'nobreakspace',
  'exclamdown',
  'cent',
  'sterling',
  'currency',
  'yen',
  'brokenbar',
  'section',
  'diaeresis',
  'copyright',
  'ordfeminine',
  'guillemotleft',
  'notsign',
  'hyphen',
  'registered',
  'macron',
  'degree',
  'plusminus',
  'twosuperior',
  'threesuperior',
  'acute',
  'mu',
  'paragraph',
  'periodcentered',
  'cedilla',
  'onesuperior',
  'masculine',
  'guillemotright',
  'onequarter',
  'onehalf',
  'threequarters',
  'questiondown',
  'Agrave',
  'Aacute',
  'Acircumflex',
  'Atilde',
  'Adiaeresis',
  'Aring',
  'AE',
  'Ccedilla',
  'Egrave',
  'Eacute',
  'Ecircumflex',
  'Ediaeresis',
  'Igrave',
  'Iacute',
  'Icircumflex',
  'Idiaeresis',
  'ETH',
  'Ntilde',
  'Ograve',
  'Oacute',
  'Ocircumflex',
  'Otilde',
  'Odiaeresis',
  'multiply',
  'Oslash',
  'Ugrave',
  'Uacute',
  'Ucircumflex',
  'Udiaeresis',
  'Yacute',
  'THORN',
  'ssharp',
  'agrave',
  'aacute',
  'acircumflex',
  'atilde',
  'adiaeresis',
  'aring',
  'ae',
  'ccedilla',
  'egrave',
  'eacute',
  'ecircumflex',
  'ediaeresis',
  'igrave',
  'iacute',
  'icircumflex',
  'idiaeresis',
  'eth',
  'ntilde',
  'ograve',
  'oacute',
  'ocircumflex',
  'otilde',
  'odiaeresis',
  'division',
  'oslash',
  'ugrave',
  'uacute',
  'ucircumflex',
  'udiaeresis',
  'yacute',
  'thorn',
  'ydiaeresis',
] as const;

const ALIASES: Record<string, string> = {
  guillemetleft: 'guillemotleft',
  guillemetright: 'guillemotright',
  ordmasculine: 'masculine',
  Eth: 'ETH',
  Thorn: 'THORN',
  Ooblique: 'Oslash',
  ooblique: 'oslash',
};

/** Keypad keysyms that type a character (keysymdef.h gives them no Unicode mapping of their own). */
const KEYPAD_CHARS: ReadonlyMap<number, string> = new Map([
  [0xff80, ' '],
  [0xffaa, '*'],
  [0xffab, '+'],
  [0xffac, ','],
  [0xffad, '-'],
  [0xffae, '.'],
  [0xffaf, '/'],
  [0xffbd, '='],
  ...Array.from({ length: 10 }, (_, i) => [0xffb0 + i, String(i)] as [number, string]),
]);

const VALUE_BY_NAME = new Map<string, number>();
const CODE_POINT_BY_VALUE = new Map<number, number>();
for (const [name, keysym, codePoint] of KEYSYMDEF) {
  VALUE_BY_NAME.set(name, keysym);
  if (codePoint !== 0 && !CODE_POINT_BY_VALUE.has(keysym)) CODE_POINT_BY_VALUE.set(keysym, codePoint);
}
const BY_NAME = new Map<string, string>(Object.entries(ASCII_NAMES));
LATIN1_NAMES.forEach((name, i) => BY_NAME.set(name, String.fromCodePoint(0xa0 + i)));
for (const [alias, name] of Object.entries(ALIASES)) {
  const char = BY_NAME.get(name);
  if (char !== undefined) BY_NAME.set(alias, char);
}

/** NoSymbol: the keysym of an empty slot. */
export const NO_SYMBOL = 0;

/** The value of a keysym name (`Cyrillic_a` → 0x6c1, `U20AC` → 0x10020ac, `0x6c1`), or undefined. */
export function keysymFromName(name: string): number | undefined {
  const known = VALUE_BY_NAME.get(name);
  if (known !== undefined) return known;
  const unicode = /^U([0-9A-Fa-f]{4,6})$/.exec(name);
  if (unicode?.[1] !== undefined) {
    const cp = Number.parseInt(unicode[1], 16);
    return cp >= 0x20 && cp <= 0xff ? cp : cp + 0x1000000;
  }
  const hex = /^0x([0-9A-Fa-f]{1,8})$/.exec(name);
  return hex?.[1] === undefined ? undefined : Number.parseInt(hex[1], 16);
}

/** The character a keysym value types, or undefined for keys that type none (modifiers, dead keys, F-keys…). */
export function keysymValueToChar(keysym: number): string | undefined {
  if (keysym >= 0x20 && keysym <= 0xff) return printable(keysym);
  if (keysym >= 0x1000100 && keysym <= 0x110ffff) return printable(keysym - 0x1000000);
  const codePoint = CODE_POINT_BY_VALUE.get(keysym);
  if (codePoint !== undefined) return printable(codePoint);
  return KEYPAD_CHARS.get(keysym);
}

/** The character a keysym name types, or undefined for keys that type none (modifiers, dead keys, F-keys…). */
export function keysymToChar(name: string): string | undefined {
  if (/^[A-Za-z0-9]$/.test(name)) return name;
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  const keysym = keysymFromName(name);
  return keysym === undefined ? undefined : keysymValueToChar(keysym);
}

function printable(codePoint: number): string | undefined {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || codePoint > 0x10ffff) return undefined;
  return String.fromCodePoint(codePoint);
}
