// The pure core of typed-text translation on Windows and macOS: one key press, the layout's table and the
// pending dead key in; the characters the focused application would receive and the next dead-key state out.
// It reproduces the documented behaviour of ToUnicodeEx (kbd.h tables: CAPLOK / CAPLOKALTGR / SGCAPS, WCH_DEAD +
// DEADTRANS) and UCKeyTranslate (uchr modifier tables, dead-key states with a terminator). The OS backends
// (../win32, ../darwin) only fill a LayoutTable from the OS; everything below is tested against recorded tables.

/** What one key gives at one level: characters, or a dead key that waits for the next key. */
export type KeyOutput = string | { readonly dead: string };

/** Shift levels. `alt` is AltGr (Ctrl+Alt) on Windows and Option on macOS. */
export type Level = 'base' | 'shift' | 'alt' | 'altShift';
export const LEVELS: readonly Level[] = ['base', 'shift', 'alt', 'altShift'];

export interface LayoutKey {
  readonly base?: KeyOutput;
  readonly shift?: KeyOutput;
  readonly alt?: KeyOutput;
  readonly altShift?: KeyOutput;
  /**
   * How Caps Lock acts on this key. 'shift' (kbd.h CAPLOK): like Shift on the base/shift levels, so Caps Lock
   * with Shift gives the base character; 'shift+alt' (CAPLOK | CAPLOKALTGR): also on the AltGr levels. Absent:
   * Caps Lock does nothing to the key (unless `caps` below says otherwise).
   */
  readonly capsLock?: 'shift' | 'shift+alt';
  /** Explicit outputs with Caps Lock on (kbd.h SGCAPS; macOS uchr caps-lock tables); override `capsLock`. */
  readonly caps?: Partial<Record<Level, KeyOutput>>;
}

export interface LayoutTable {
  /** Native key code (Windows virtual key, macOS virtual keycode) → outputs. */
  readonly keys: ReadonlyMap<number, LayoutKey>;
  /** Dead key (its spacing accent) → next character → composed result (DEADTRANS; uchr dead-key records). */
  readonly deadKeys: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * What to do with a dead key + character pair the table does not list. 'none': the accent then the character
   * (what ToUnicodeEx and UCKeyTranslate do for pairs the layout leaves out). 'nfc': compose by Unicode canonical
   * composition first, into Latin-1 / Latin Extended-A only — used for Windows layouts read through ToUnicodeEx,
   * which cannot list compositions without disturbing the pupil's own dead-key state (../win32/win32-layout.ts).
   */
  readonly unlisted: 'none' | 'nfc';
}

/** The pending dead key, as its spacing accent (`^`, `´`…), or undefined. */
export type DeadKeyState = string | undefined;

export interface KeyPress {
  /** Native key code (see LayoutTable.keys). */
  readonly code: number;
  readonly level: Level;
  readonly capsLock: boolean;
}

export interface Translation {
  /** Characters typed by this press; '' for none. */
  readonly chars: string;
  readonly nextDeadState: DeadKeyState;
  /** The table has no entry for this key at all. */
  readonly unknown: boolean;
}

/** The output of one key at one level with Caps Lock applied, per the key's Caps Lock behaviour. */
export function keyOutput(key: LayoutKey, level: Level, capsLock: boolean): KeyOutput | undefined {
  if (!capsLock) return key[level];
  const explicit = key.caps?.[level];
  if (explicit !== undefined) return explicit;
  const alt = level === 'alt' || level === 'altShift';
  const flips = key.capsLock === 'shift+alt' || (key.capsLock === 'shift' && !alt);
  return flips ? key[toggleShift(level)] : key[level];
}

function toggleShift(level: Level): Level {
  switch (level) {
    case 'base':
      return 'shift';
    case 'shift':
      return 'base';
    case 'alt':
      return 'altShift';
    case 'altShift':
      return 'alt';
  }
}

/**
 * One key press. Dead keys compose with the next key; a dead key then space gives the accent itself; a dead key
 * then a key it does not compose with gives both; two dead keys give both accents (unless the table composes
 * them). Keys without output at this level give nothing and leave a pending dead key pending.
 */
export function translate(press: KeyPress, table: LayoutTable, dead: DeadKeyState): Translation {
  const key = table.keys.get(press.code);
  if (key === undefined) return { chars: '', nextDeadState: dead, unknown: true };
  const out = keyOutput(key, press.level, press.capsLock);
  if (out === undefined || out === '') return { chars: '', nextDeadState: dead, unknown: false };
  if (typeof out !== 'string') {
    if (dead === undefined) return { chars: '', nextDeadState: out.dead, unknown: false };
    return { chars: compose(table, dead, out.dead), nextDeadState: undefined, unknown: false };
  }
  if (dead === undefined) return { chars: out, nextDeadState: undefined, unknown: false };
  return { chars: compose(table, dead, out), nextDeadState: undefined, unknown: false };
}

function compose(table: LayoutTable, dead: string, next: string): string {
  const listed = table.deadKeys.get(dead)?.get(next);
  if (listed !== undefined) return listed;
  if (next === ' ') return dead;
  if (table.unlisted === 'nfc') {
    const mark = COMBINING.get(dead);
    if (mark !== undefined) {
      const composed = (next + mark).normalize('NFC');
      if (composed.length === 1 && isLatinLayoutRepertoire(composed)) return composed;
    }
  }
  return dead + next;
}

/**
 * Latin-1 Supplement and Latin Extended-A (U+00C0–U+017F): the precomposed letters Windows' Latin layouts
 * compose in their DEADTRANS tables. Unicode composes more (^ + z = ẑ, U+1E91) that those layouts leave as
 * two characters, so NFC results outside this block are not taken.
 */
function isLatinLayoutRepertoire(ch: string): boolean {
  const cp = ch.charCodeAt(0);
  return cp >= 0xc0 && cp <= 0x17f;
}

/** Spacing accents as layouts report dead keys → the combining mark Unicode composes with. */
const COMBINING: ReadonlyMap<string, string> = new Map([
  ['`', '\u0300'],
  ['´', '\u0301'],
  ["'", '\u0301'],
  ['^', '\u0302'],
  ['ˆ', '\u0302'],
  ['~', '\u0303'],
  ['˜', '\u0303'],
  ['¯', '\u0304'],
  ['˘', '\u0306'],
  ['˙', '\u0307'],
  ['¨', '\u0308'],
  ['"', '\u0308'],
  ['˚', '\u030a'],
  ['°', '\u030a'],
  ['˝', '\u030b'],
  ['ˇ', '\u030c'],
  ['¸', '\u0327'],
  ['˛', '\u0328'],
]);

/** A table in the JSON shape of ./tables/*.json (keys as "0x41"). */
export interface LayoutTableJson {
  readonly keys: Record<string, LayoutKey>;
  readonly deadKeys?: Record<string, Record<string, string>>;
  readonly unlisted?: 'none' | 'nfc';
  /** Shorthand: VK 'A'..'Z' (Windows) type these letters, Shift / Caps Lock giving capitals (kbd.h CAPLOK). */
  readonly letters?: string;
}

export function layoutTableFromJson(json: LayoutTableJson): LayoutTable {
  const keys = new Map<number, LayoutKey>();
  if (json.letters !== undefined) {
    [...json.letters].forEach((ch, i) => keys.set(0x41 + i, { base: ch, shift: ch.toUpperCase(), capsLock: 'shift' }));
  }
  for (const [code, key] of Object.entries(json.keys)) {
    const n = Number(code);
    if (!Number.isInteger(n) || n < 0) throw new Error(`layout table: bad key code "${code}"`);
    keys.set(n, { ...keys.get(n), ...key });
  }
  const deadKeys = new Map(Object.entries(json.deadKeys ?? {}).map(([d, m]) => [d, new Map(Object.entries(m))] as const));
  return { keys, deadKeys, unlisted: json.unlisted ?? 'none' };
}
