// X keysym names (as `xmodmap -pke` prints them) to the characters they type.
// Covers ASCII, Latin-1, the euro sign, the keypad, and Unicode keysyms (`U20AC`, `0x10020ac`).
// Legacy non-Latin names (`Cyrillic_a`, `Greek_alpha`, …) are not mapped yet: such keys yield nothing.

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
  'nobreakspace', 'exclamdown', 'cent', 'sterling', 'currency', 'yen', 'brokenbar', 'section',
  'diaeresis', 'copyright', 'ordfeminine', 'guillemotleft', 'notsign', 'hyphen', 'registered', 'macron',
  'degree', 'plusminus', 'twosuperior', 'threesuperior', 'acute', 'mu', 'paragraph', 'periodcentered',
  'cedilla', 'onesuperior', 'masculine', 'guillemotright', 'onequarter', 'onehalf', 'threequarters', 'questiondown',
  'Agrave', 'Aacute', 'Acircumflex', 'Atilde', 'Adiaeresis', 'Aring', 'AE', 'Ccedilla',
  'Egrave', 'Eacute', 'Ecircumflex', 'Ediaeresis', 'Igrave', 'Iacute', 'Icircumflex', 'Idiaeresis',
  'ETH', 'Ntilde', 'Ograve', 'Oacute', 'Ocircumflex', 'Otilde', 'Odiaeresis', 'multiply',
  'Oslash', 'Ugrave', 'Uacute', 'Ucircumflex', 'Udiaeresis', 'Yacute', 'THORN', 'ssharp',
  'agrave', 'aacute', 'acircumflex', 'atilde', 'adiaeresis', 'aring', 'ae', 'ccedilla',
  'egrave', 'eacute', 'ecircumflex', 'ediaeresis', 'igrave', 'iacute', 'icircumflex', 'idiaeresis',
  'eth', 'ntilde', 'ograve', 'oacute', 'ocircumflex', 'otilde', 'odiaeresis', 'division',
  'oslash', 'ugrave', 'uacute', 'ucircumflex', 'udiaeresis', 'yacute', 'thorn', 'ydiaeresis',
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

const BY_NAME = new Map<string, string>(Object.entries(ASCII_NAMES));
LATIN1_NAMES.forEach((name, i) => BY_NAME.set(name, String.fromCodePoint(0xa0 + i)));
for (const [alias, name] of Object.entries(ALIASES)) {
  const char = BY_NAME.get(name);
  if (char !== undefined) BY_NAME.set(alias, char);
}

/** The character a keysym types, or undefined for keys that type none (modifiers, dead keys, F-keys…). */
export function keysymToChar(name: string): string | undefined {
  if (/^[A-Za-z0-9]$/.test(name)) return name;
  const known = BY_NAME.get(name);
  if (known !== undefined) return known;
  const kp = /^KP_([0-9])$/.exec(name);
  if (kp) return kp[1];
  const unicode = /^U([0-9A-Fa-f]{4,6})$/.exec(name);
  if (unicode?.[1] !== undefined) return printable(Number.parseInt(unicode[1], 16));
  const hex = /^0x([0-9A-Fa-f]{1,8})$/.exec(name);
  if (hex?.[1] !== undefined) {
    const keysym = Number.parseInt(hex[1], 16);
    if (keysym >= 0x20 && keysym <= 0xff) return printable(keysym);
    if (keysym >= 0x1000100 && keysym <= 0x110ffff) return printable(keysym - 0x1000000);
  }
  return undefined;
}

function printable(codePoint: number): string | undefined {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint < 0xa0) || codePoint > 0x10ffff) return undefined;
  return String.fromCodePoint(codePoint);
}
