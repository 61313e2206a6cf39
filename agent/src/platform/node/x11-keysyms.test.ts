import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseKeysymdef, renderTable } from '../../../scripts/gen-keysyms.ts';
import { KEYSYMDEF } from './x11-keysymdef.generated.ts';
import { keysymFromName, keysymToChar, keysymValueToChar } from './x11-keysyms.ts';

describe('the keysym table generated from keysymdef.h', () => {
  it('maps legacy non-Latin keysyms, punctuation and Unicode keysyms to their characters', () => {
    const samples: [string, string][] = [
      ['Cyrillic_a', 'а'],
      ['Cyrillic_IE', 'Е'],
      ['Greek_alpha', 'α'],
      ['Greek_finalsmallsigma', 'ς'],
      ['hebrew_aleph', 'א'],
      ['Arabic_alef', 'ا'],
      ['rightsinglequotemark', '’'],
      ['leftdoublequotemark', '“'],
      ['emdash', '—'],
      ['EuroSign', '€'],
      ['U200B', '\u200b'],
      ['U1F600', '😀'],
    ];
    for (const [name, char] of samples) expect([name, keysymToChar(name)]).toEqual([name, char]);
    expect(keysymValueToChar(0x6c1)).toBe('а');
    expect(keysymValueToChar(0x100200b)).toBe('\u200b');
    expect(keysymValueToChar(0xe9)).toBe('é');
    expect(keysymFromName('Cyrillic_a')).toBe(0x6c1);
    expect(keysymFromName('U200B')).toBe(0x100200b);
  });

  it('types nothing for keys that are not characters', () => {
    expect(['Shift_L', 'F1', 'Caps_Lock', 'ISO_Level3_Shift', 'BackSpace', 'Return', 'KP_Home', 'NoSymbol'].map(keysymToChar)).toEqual(
      Array(8).fill(undefined),
    );
    expect(keysymValueToChar(0x1000007)).toBeUndefined(); // U+0007 BEL
  });

  it('holds every keysym of the header, and the checked-in table is what the script writes', async () => {
    const header = await readFile('/usr/include/X11/keysymdef.h', 'utf8').catch(() => undefined);
    expect(KEYSYMDEF.length).toBeGreaterThan(2_000);
    if (header === undefined) return; // x11proto-dev not installed: the table alone is checked above
    const defs = parseKeysymdef(header);
    expect(defs.length).toBe(KEYSYMDEF.length);
    const generated = await readFile(new URL('./x11-keysymdef.generated.ts', import.meta.url), 'utf8');
    expect(renderTable(defs, 'keysymdef.h')).toBe(generated);
  });

  it('parses the header forms: a Unicode comment, the deprecated (U+…) form, none', () => {
    const defs = parseKeysymdef(
      [
        '#define XK_Cyrillic_a                    0x06c1  /* U+0430 CYRILLIC SMALL LETTER A */',
        '#define XK_quoteright                    0x0027  /* deprecated */',
        '#define XK_Greek_IOTAaccentdieresis      0x07a5  /*(U+03AA GREEK CAPITAL LETTER IOTA WITH DIALYTIKA)*/',
        '#define XK_F1                            0xffbe',
        '#ifdef XK_MISCELLANY',
      ].join('\n'),
    );
    expect(defs).toEqual([
      { name: 'Cyrillic_a', keysym: 0x6c1, codePoint: 0x430 },
      { name: 'quoteright', keysym: 0x27, codePoint: 0 },
      { name: 'Greek_IOTAaccentdieresis', keysym: 0x7a5, codePoint: 0x3aa },
      { name: 'F1', keysym: 0xffbe, codePoint: 0 },
    ]);
  });
});
