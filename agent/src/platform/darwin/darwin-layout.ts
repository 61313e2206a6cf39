import type { KeyTranslator } from '../node/key-translator.ts';
import { LEVELS, type KeyOutput, type LayoutKey, type LayoutTable, type Level } from '../keyboard/layout-table.ts';
import { TableKeyTranslator, type LayoutSource } from '../keyboard/table-translator.ts';
import { LayoutUnavailableError } from '../keyboard/unavailable.ts';
import { loadCarbon, type Carbon } from './carbon.ts';

const kUCKeyActionDown = 0;
/** UCKeyTranslate takes EventRecord modifiers >> 8: shiftKey 0x200 → 0x02, alphaLock 0x400 → 0x04, optionKey 0x800 → 0x08. */
const MOD_SHIFT = 0x02;
const MOD_CAPS = 0x04;
const MOD_OPTION = 0x08;
const KEYCODE_SPACE = 0x31;
const kCGEventSourceStateCombinedSessionState = 0;
const kCGEventFlagMaskAlphaShift = 0x10000n;
const MAX_CHARS = 8;

/** macOS virtual keycodes that type text: the main block (not Return 0x24, Tab 0x30, Delete 0x33) and the keypad. */
export const TEXT_KEYCODES: readonly number[] = [
  ...range(0x00, 0x32).filter((k) => k !== 0x24 && k !== 0x30),
  ...[0x41, 0x43, 0x45, 0x4b, 0x4e, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f],
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

export function modifierState(level: Level, capsLock: boolean): number {
  let mods = capsLock ? MOD_CAPS : 0;
  if (level === 'shift' || level === 'altShift') mods |= MOD_SHIFT;
  if (level === 'alt' || level === 'altShift') mods |= MOD_OPTION;
  return mods;
}

/** One UCKeyTranslate call with our own dead-key state (never the system's). */
function ucTranslate(carbon: Carbon, layout: unknown, kbdType: number, keyCode: number, mods: number, deadState: number): { text: string; deadState: number } {
  const dead = new Uint32Array([deadState]);
  const len = new BigUint64Array(1);
  const chars = new Uint16Array(MAX_CHARS);
  const status = carbon.UCKeyTranslate(layout, keyCode, kUCKeyActionDown, mods, kbdType, 0, dead, MAX_CHARS, len, chars);
  if (status !== 0) return { text: '', deadState: 0 };
  return { text: String.fromCharCode(...chars.subarray(0, Math.min(Number(len[0] ?? 0n), MAX_CHARS))), deadState: dead[0] ?? 0 };
}

/** Typed text, not control characters or the function keys' private-use characters (U+F700–U+F8FF). */
function isText(text: string): boolean {
  if (text === '') return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f || (c >= 0xf700 && c <= 0xf8ff)) return false;
  }
  return true;
}

/**
 * Reads a 'uchr' layout by asking UCKeyTranslate what each key types at each level, with and without Caps
 * Lock. A key that returns no text and a dead-key state is a dead key; its accent is what the state gives with
 * space (the layout's terminator). The compositions are then listed by translating every typed character's key
 * with that state, so the table holds the layout's own dead-key records ('none' for pairs it does not list).
 */
export function readUchrLayout(carbon: Carbon, layout: unknown, kbdType: number): LayoutTable {
  const keys = new Map<number, LayoutKey>();
  const deadStates = new Map<number, string>();
  const typed: { keyCode: number; mods: number; char: string }[] = [];
  const read = (keyCode: number, mods: number): KeyOutput | undefined => {
    const r = ucTranslate(carbon, layout, kbdType, keyCode, mods, 0);
    if (r.text === '' && r.deadState !== 0) {
      let accent = deadStates.get(r.deadState);
      if (accent === undefined) {
        accent = ucTranslate(carbon, layout, kbdType, KEYCODE_SPACE, 0, r.deadState).text;
        if (!isText(accent)) return undefined;
        deadStates.set(r.deadState, accent);
      }
      return { dead: accent };
    }
    if (!isText(r.text)) return undefined;
    typed.push({ keyCode, mods, char: r.text });
    return r.text;
  };
  for (const keyCode of TEXT_KEYCODES) {
    const plain: Partial<Record<Level, KeyOutput>> = {};
    const caps: Partial<Record<Level, KeyOutput>> = {};
    for (const level of LEVELS) {
      const p = read(keyCode, modifierState(level, false));
      if (p !== undefined) plain[level] = p;
      const c = read(keyCode, modifierState(level, true));
      if (!same(c, p)) caps[level] = c ?? '';
    }
    if (Object.keys(plain).length === 0 && Object.keys(caps).length === 0) continue;
    keys.set(keyCode, Object.keys(caps).length > 0 ? { ...plain, caps } : plain);
  }
  const deadKeys = new Map<string, Map<string, string>>();
  for (const [state, accent] of deadStates) {
    const compositions = new Map<string, string>([[' ', accent]]);
    for (const { keyCode, mods, char } of typed) {
      if (compositions.has(char)) continue;
      const r = ucTranslate(carbon, layout, kbdType, keyCode, mods, state);
      if (isText(r.text) && r.text !== accent + char) compositions.set(char, r.text);
    }
    deadKeys.set(accent, compositions);
  }
  return { keys, deadKeys, unlisted: 'none' };
}

function same(a: KeyOutput | undefined, b: KeyOutput | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  return a.dead === b.dead;
}

/**
 * The current keyboard input source's layout: checked on every key (TISCopyCurrentKeyboardLayoutInputSource),
 * its 'uchr' table read once per input source.
 */
export class DarwinLayoutSource implements LayoutSource {
  readonly #carbon: Carbon;
  readonly #tables = new Map<bigint, LayoutTable>();
  #current: bigint | undefined;

  constructor(carbon: Carbon) {
    this.#carbon = carbon;
  }

  current(): { table: LayoutTable; changed: boolean } {
    const c = this.#carbon;
    const source = c.TISCopyCurrentKeyboardLayoutInputSource();
    if (source === null || source === undefined || source === 0n) throw new Error('TISCopyCurrentKeyboardLayoutInputSource returned nothing');
    try {
      const id = c.address(source);
      let table = this.#tables.get(id);
      if (table === undefined) {
        const data = c.TISGetInputSourceProperty(source, c.kTISPropertyUnicodeKeyLayoutData);
        if (data === null || data === undefined || data === 0n) throw new Error('the input source has no Unicode key layout data');
        table = readUchrLayout(c, c.CFDataGetBytePtr(data), c.LMGetKbdType());
        this.#tables.set(id, table);
      }
      const changed = this.#current !== undefined && this.#current !== id;
      this.#current = id;
      return { table, changed };
    } finally {
      c.CFRelease(source);
    }
  }

  async reload(): Promise<void> {
    this.#tables.clear();
    this.#current = undefined;
    this.current();
  }

  capsLockOn(): boolean {
    return (BigInt(this.#carbon.CGEventSourceFlagsState(kCGEventSourceStateCombinedSessionState)) & kCGEventFlagMaskAlphaShift) !== 0n;
  }

  readonly liveCapsLock = (): boolean => this.capsLockOn();
}

/** The macOS LayoutLoader (koffi + Carbon). */
export async function loadDarwinLayout(opts: { carbon?: () => Promise<Carbon> } = {}): Promise<KeyTranslator> {
  let carbon: Carbon;
  try {
    carbon = await (opts.carbon ?? loadCarbon)();
  } catch (err) {
    if (err instanceof LayoutUnavailableError) throw err;
    throw new LayoutUnavailableError('ffi-unavailable', `Carbon could not be bound: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const source = new DarwinLayoutSource(carbon);
  try {
    await source.reload();
  } catch (err) {
    throw new LayoutUnavailableError('layout-unreadable', `the keyboard layout could not be read: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  return new TableKeyTranslator('darwin', source);
}
