import { release } from 'node:os';
import type { KeyTranslator } from '../node/key-translator.ts';
import { LEVELS, type KeyOutput, type LayoutKey, type LayoutTable, type Level } from '../keyboard/layout-table.ts';
import { TableKeyTranslator, type LayoutSource } from '../keyboard/table-translator.ts';
import { LayoutUnavailableError } from '../keyboard/unavailable.ts';
import { loadUser32, type Hkl, type User32 } from './user32.ts';

const VK_SHIFT = 0x10;
const VK_CONTROL = 0x11;
const VK_MENU = 0x12;
const VK_CAPITAL = 0x14;
const VK_LSHIFT = 0xa0;
const VK_LCONTROL = 0xa2;
const VK_RMENU = 0xa5;
const MAPVK_VK_TO_VSC = 0;
/** ToUnicodeEx wFlags bit 2: "the keyboard state is not changed" (Windows 10 1607, build 14393, and later). */
export const TOUNICODE_NO_STATE_CHANGE = 0x4;
const FIRST_BUILD_WITH_NO_STATE_CHANGE = 14393;
const BUF_LEN = 8;

/** Virtual keys that type text on some layout: space, digits, letters, keypad, OEM keys, ABNT / ISO extras. */
export const TEXT_VKS: readonly number[] = [
  0x20,
  ...range(0x30, 0x39),
  ...range(0x41, 0x5a),
  ...range(0x60, 0x6f),
  ...range(0xba, 0xc2),
  ...range(0xdb, 0xdf),
  0xe2,
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

/** The Windows build number from os.release() ("10.0.19045" → 19045). */
export function windowsBuild(osRelease: string): number {
  const build = Number(osRelease.split('.')[2]);
  return Number.isInteger(build) ? build : 0;
}

/** A 256-byte key state (GetKeyboardState layout) with these modifiers down / Caps Lock toggled on. */
export function keyState(level: Level, capsLock: boolean): Uint8Array {
  const state = new Uint8Array(256);
  if (level === 'shift' || level === 'altShift') state[VK_SHIFT] = state[VK_LSHIFT] = 0x80;
  if (level === 'alt' || level === 'altShift') {
    // AltGr is Ctrl+Alt to the layout (KBDALTGR = KBDCTRL | KBDALT); Right Alt is what the key sends.
    state[VK_CONTROL] = state[VK_LCONTROL] = 0x80;
    state[VK_MENU] = state[VK_RMENU] = 0x80;
  }
  if (capsLock) state[VK_CAPITAL] = 0x01;
  return state;
}

/**
 * Reads one layout by asking ToUnicodeEx what each text key types at each level, with and without Caps Lock,
 * always with wFlags 0x4 so the kernel's keyboard state (and the pupil's pending dead key) is left alone.
 * A negative result is a dead key: its accent is in the buffer. Compositions (DEADTRANS) cannot be listed this
 * way — asking would need the kernel's dead-key state — so the table composes by Unicode NFC ('nfc').
 */
export function readWin32Layout(user32: User32, hkl: Hkl): LayoutTable {
  const keys = new Map<number, LayoutKey>();
  const buf = new Uint16Array(BUF_LEN);
  for (const vk of TEXT_VKS) {
    const scan = user32.MapVirtualKeyExW(vk, MAPVK_VK_TO_VSC, hkl);
    const plain: Partial<Record<Level, KeyOutput>> = {};
    const caps: Partial<Record<Level, KeyOutput>> = {};
    for (const level of LEVELS) {
      for (const capsLock of [false, true]) {
        buf.fill(0);
        const n = user32.ToUnicodeEx(vk, scan, keyState(level, capsLock), buf, BUF_LEN, TOUNICODE_NO_STATE_CHANGE, hkl);
        const out = decode(n, buf);
        if (out !== undefined) (capsLock ? caps : plain)[level] = out;
      }
    }
    const capsDiff: Partial<Record<Level, KeyOutput>> = {};
    for (const level of LEVELS) {
      if (!sameOutput(caps[level], plain[level])) capsDiff[level] = caps[level] ?? '';
    }
    if (Object.keys(plain).length === 0 && Object.keys(capsDiff).length === 0) continue;
    keys.set(vk, Object.keys(capsDiff).length > 0 ? { ...plain, caps: capsDiff } : plain);
  }
  return { keys, deadKeys: new Map(), unlisted: 'nfc' };
}

function decode(n: number, buf: Uint16Array): KeyOutput | undefined {
  if (n < 0) return buf[0] === 0 ? undefined : { dead: String.fromCharCode(buf[0] ?? 0) };
  if (n === 0) return undefined;
  const text = String.fromCharCode(...buf.subarray(0, Math.min(n, BUF_LEN)));
  // Control characters (Ctrl+letter, Escape, Backspace…) are not typed text.
  return [...text].every((ch) => ch < ' ' || ch === '\u007f') ? undefined : text;
}

function sameOutput(a: KeyOutput | undefined, b: KeyOutput | undefined): boolean {
  if (typeof a === 'string' || typeof b === 'string' || a === undefined || b === undefined) return a === b;
  return a.dead === b.dead;
}

/**
 * The layout of the window the pupil is typing in: on each key, the foreground window's thread's HKL
 * (GetForegroundWindow → GetWindowThreadProcessId → GetKeyboardLayout), its table read once and cached per HKL.
 */
export class Win32LayoutSource implements LayoutSource {
  readonly #user32: User32;
  readonly #tables = new Map<string, LayoutTable>();
  #hkl: string | undefined;

  constructor(user32: User32) {
    this.#user32 = user32;
  }

  current(): { table: LayoutTable; changed: boolean } {
    const hkl = this.#foregroundHkl();
    const id = String(hkl);
    let table = this.#tables.get(id);
    if (table === undefined) {
      table = readWin32Layout(this.#user32, hkl);
      this.#tables.set(id, table);
    }
    const changed = this.#hkl !== undefined && this.#hkl !== id;
    this.#hkl = id;
    return { table, changed };
  }

  async reload(): Promise<void> {
    this.#tables.clear();
    this.#hkl = undefined;
    this.current();
  }

  capsLockOn(): boolean {
    // Low bit of GetKeyState: the toggle state, as this process's input state last saw it.
    return (this.#user32.GetKeyState(VK_CAPITAL) & 1) === 1;
  }

  #foregroundHkl(): Hkl {
    const hwnd = this.#user32.GetForegroundWindow();
    const tid = hwnd === null || hwnd === undefined ? 0 : this.#user32.GetWindowThreadProcessId(hwnd, null);
    return this.#user32.GetKeyboardLayout(tid);
  }
}

export interface Win32LayoutOptions {
  user32?: () => Promise<User32>;
  osRelease?: string;
}

/** The Windows LayoutLoader: needs koffi and Windows 10 1607 or later (ToUnicodeEx's no-state-change flag). */
export async function loadWin32Layout(opts: Win32LayoutOptions = {}): Promise<KeyTranslator> {
  const build = windowsBuild(opts.osRelease ?? release());
  if (build < FIRST_BUILD_WITH_NO_STATE_CHANGE) {
    throw new LayoutUnavailableError(
      'os-unsupported',
      `Windows build ${build} is older than 10 1607 (14393): ToUnicodeEx there would break the pupil's dead keys`,
    );
  }
  let user32: User32;
  try {
    user32 = await (opts.user32 ?? loadUser32)();
  } catch (err) {
    if (err instanceof LayoutUnavailableError) throw err;
    throw new LayoutUnavailableError('ffi-unavailable', `user32.dll could not be bound: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  const source = new Win32LayoutSource(user32);
  try {
    await source.reload();
  } catch (err) {
    throw new LayoutUnavailableError('layout-unreadable', `the keyboard layout could not be read: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }
  return new TableKeyTranslator('win32', source);
}
