// Look-alike letters that Unicode compatibility decomposition (NFKD) leaves alone, mapped
// to the Latin letter a reader sees. Fullwidth (ｋ), mathematical (𝐤 𝓀 𝔨), circled (ⓚ),
// super/subscript letters already decompose to Latin, so they are not listed here.
// Written for the common cases (Cyrillic, Greek, small capitals, IPA, a few Latin
// extensions), not the whole of Unicode's confusables.txt: that file also maps many
// legitimate letters of other scripts, which would make real Russian or Greek text match
// English terms by accident far more often than it would catch anyone.
//
// Upper- and lower-case are listed separately because some capitals look like a different
// Latin letter from their lower-case form (Greek Η looks like H, η like n).

const PAIRS: ReadonlyArray<readonly [string, string]> = [
  // Cyrillic capitals
  ['АВЕЅІЈКМНОРСТУХԁԚԜӀ', 'abesijkmhopctyxdqwl'],
  // Cyrillic small letters
  ['аеѕіјкморсуххһԁԛԝӏвпгтьъ', 'aesijkmopcyxxhdqwlbnrtbb'],
  ['ӑӓәӗӧӱӳӹ', 'aaeeouyb'],
  // Greek capitals
  ['ΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹϺ', 'abezhikmnoptyxcm'],
  // Greek small letters
  ['αβγδεηικνοπρστυχωϲϳςϑϱϵ', 'abydenikvonpotuxwcjcopc'],
  // Armenian and Cherokee letters that are routinely used as look-alikes
  ['օսհցոզ', 'ouhgnq'],
  // Latin letters with strokes or special shapes that NFKD does not decompose
  ['ıȷłøđħŧƀƈƙƚƴɓɗɠɦɨɫɱɲɵʂʈʋʐƶƒɡɑɩɛɔʏ', 'ijlodhtbcklybdghilmnostvzzfgaieoy'],
  // Small capitals
  ['ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘʀꜱᴛᴜᴠᴡʏᴢ', 'abcdefghijklmnoprstuvwyz'],
];

// Letters that fold to more than one Latin letter.
const MULTI: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  þ: 'th',
  Þ: 'th',
  ð: 'd',
  Ð: 'd',
  ŋ: 'n',
  Ŋ: 'n',
  ĳ: 'ij',
  Ĳ: 'ij',
};

function buildTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [from, to] of PAIRS) {
    const src = Array.from(from);
    if (src.length !== to.length) throw new Error(`confusables row length mismatch: ${from}`);
    src.forEach((ch, i) => table.set(ch, to[i] ?? ''));
  }
  for (const [from, to] of Object.entries(MULTI)) table.set(from, to);
  return table;
}

const TABLE = buildTable();

/** Maps look-alike letters to Latin; other characters pass through unchanged. */
export function mapConfusables(text: string): string {
  let out = '';
  for (const ch of text) out += TABLE.get(ch) ?? ch;
  return out;
}

/** Regional indicator symbols (🇦…🇿) are read as the letter they show. */
export function regionalIndicatorLetter(cp: number): string | undefined {
  return cp >= 0x1f1e6 && cp <= 0x1f1ff ? String.fromCharCode(97 + cp - 0x1f1e6) : undefined;
}
