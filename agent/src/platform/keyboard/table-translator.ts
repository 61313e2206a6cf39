import type { Key } from '../../core/ports.ts';
import type { HookKeyEvent } from '../node/key-hook.protocol.ts';
import { namedKey, VC, type KeyTranslator } from '../node/key-translator.ts';
import { translate, type DeadKeyState, type LayoutTable, type Level } from './layout-table.ts';
import { MAC_VC_TO_KEYCODE, WIN_VC_TO_VK } from './uiohook-codes.ts';

/** Where a TableKeyTranslator gets the active layout from (the OS backends; fixed tables in tests). */
export interface LayoutSource {
  /**
   * The table of the layout typing now. Called on every key: backends check cheaply whether the layout
   * changed (Windows: the foreground thread's HKL; macOS: the current input source) and re-read it if so.
   * `changed` is true when this call switched to another layout (a pending dead key is then dropped).
   */
  current(): { table: LayoutTable; changed: boolean };
  /** Forgets cached tables and re-reads the active one. */
  reload(): Promise<void>;
  /** Caps Lock as the OS reports it, read on reload; afterwards the translator follows Caps Lock presses. */
  capsLockOn(): boolean;
  /**
   * Where the OS can say cheaply and reliably, Caps Lock read afresh on every key instead of following presses
   * (macOS: libuiohook's Caps Lock press / release events follow the light, not the key).
   */
  readonly liveCapsLock?: () => boolean;
}

export type TableOs = 'win32' | 'darwin';

/** libuiohook reports Windows keypad navigation keys (Num Lock off) as 0xEExx; their main-block twins are 0x0Exx. */
const WIN_KEYPAD_NAV_PREFIX = 0xee00;

/**
 * Hook events → characters through a LayoutTable, with the platform's modifier rules:
 * - Windows: AltGr is Ctrl+Alt (Right Alt sends both on AltGr layouts); Ctrl or Alt alone, or Win, type nothing.
 * - macOS: Option picks the alternate layer; Cmd or Control shortcuts type nothing.
 * The dead-key state lives here, never in the OS, so reading the layout cannot disturb the pupil's own typing.
 */
export class TableKeyTranslator implements KeyTranslator {
  readonly #os: TableOs;
  readonly #source: LayoutSource;
  #capsLock: boolean;
  #dead: DeadKeyState;

  constructor(os: TableOs, source: LayoutSource) {
    this.#os = os;
    this.#source = source;
    this.#capsLock = source.capsLockOn();
  }

  /** Layout changes are found on every key (LayoutSource.current), so a miss never calls for a reload. */
  get missed(): boolean {
    return false;
  }

  async reload(): Promise<void> {
    await this.#source.reload();
    this.#capsLock = this.#source.capsLockOn();
    this.#dead = undefined;
  }

  translate(ev: HookKeyEvent): Key | readonly Key[] | undefined {
    if (!ev.down) return undefined;
    if (ev.code === VC.CapsLock) {
      this.#capsLock = !this.#capsLock;
      return undefined;
    }
    const named = namedKey(ev.code) ?? this.#keypadNav(ev.code);
    if (named !== undefined) {
      this.#dead = undefined;
      return named;
    }
    const level = this.#level(ev);
    if (level === undefined) return undefined;
    const native = (this.#os === 'win32' ? WIN_VC_TO_VK : MAC_VC_TO_KEYCODE).get(ev.code);
    if (native === undefined) return undefined;
    const { table, changed } = this.#source.current();
    if (changed) this.#dead = undefined;
    if (this.#source.liveCapsLock !== undefined) this.#capsLock = this.#source.liveCapsLock();
    const out = translate({ code: native, level, capsLock: this.#capsLock }, table, this.#dead);
    this.#dead = out.nextDeadState;
    const chars = [...out.chars];
    if (chars.length === 0) return undefined;
    return chars.length === 1 ? chars[0] : chars;
  }

  #level(ev: HookKeyEvent): Level | undefined {
    if (ev.meta) return undefined;
    let alt: boolean;
    if (this.#os === 'win32') {
      if (ev.ctrl !== ev.alt) return undefined;
      alt = ev.ctrl && ev.alt;
    } else {
      if (ev.ctrl) return undefined;
      alt = ev.alt;
    }
    if (alt) return ev.shift ? 'altShift' : 'alt';
    return ev.shift ? 'shift' : 'base';
  }

  #keypadNav(code: number): Key | undefined {
    if (this.#os !== 'win32' || (code & 0xff00) !== WIN_KEYPAD_NAV_PREFIX) return undefined;
    return namedKey(0x0e00 | (code & 0xff));
  }
}
