import { describe, expect, it } from 'vitest';
import type { HookKeyEvent } from '../node/key-hook.protocol.ts';
import { VC } from '../node/key-translator.ts';
import { layoutTableFromJson, type LayoutTable } from './layout-table.ts';
import { TableKeyTranslator, type LayoutSource } from './table-translator.ts';

const ev = (code: number, mods: Partial<HookKeyEvent> = {}): HookKeyEvent => ({
  type: 'key',
  down: true,
  code,
  shift: false,
  ctrl: false,
  alt: false,
  meta: false,
  ...mods,
});

// VC codes (libuiohook): A 0x1E, E 0x12, Z 0x2C, 6 0x07.
const VC_A = 0x1e;
const VC_E = 0x12;
const VC_Z = 0x2c;

const fr = layoutTableFromJson({
  letters: 'abcdefghijklmnopqrstuvwxyz',
  keys: { '0xDD': { base: { dead: '^' } }, '0x45': { alt: '€' }, '0x20': { base: ' ' } },
  deadKeys: { '^': { e: 'ê' } },
});
const us = layoutTableFromJson({ letters: 'abcdefghijklmnopqrstuvwxyz', keys: {} });

class SwitchingSource implements LayoutSource {
  table: LayoutTable = fr;
  next: LayoutTable | undefined;
  capsAtReload = false;
  reloads = 0;
  current(): { table: LayoutTable; changed: boolean } {
    if (this.next === undefined) return { table: this.table, changed: false };
    this.table = this.next;
    this.next = undefined;
    return { table: this.table, changed: true };
  }
  async reload(): Promise<void> {
    this.reloads++;
  }
  capsLockOn(): boolean {
    return this.capsAtReload;
  }
}

describe('TableKeyTranslator', () => {
  it('Windows: AltGr is Ctrl+Alt; Ctrl or Alt alone and Win type nothing', () => {
    const tr = new TableKeyTranslator('win32', new SwitchingSource());
    expect(tr.translate(ev(VC_E, { ctrl: true, alt: true }))).toBe('€');
    expect(tr.translate(ev(VC_E, { ctrl: true }))).toBeUndefined();
    expect(tr.translate(ev(VC_E, { alt: true }))).toBeUndefined();
    expect(tr.translate(ev(VC_E, { meta: true }))).toBeUndefined();
    expect(tr.translate(ev(VC_E, { shift: true }))).toBe('E');
  });

  it('macOS: Option is the alternate layer; Cmd and Control type nothing', () => {
    const mac = layoutTableFromJson({ keys: { '0x0E': { base: 'e', alt: { dead: '´' } } }, deadKeys: { '´': { e: 'é' } } });
    const source = new SwitchingSource();
    source.table = mac;
    const tr = new TableKeyTranslator('darwin', source);
    expect(tr.translate(ev(VC_E, { alt: true }))).toBeUndefined();
    expect(tr.translate(ev(VC_E))).toBe('é');
    expect(tr.translate(ev(VC_E, { meta: true }))).toBeUndefined();
    expect(tr.translate(ev(VC_E, { ctrl: true }))).toBeUndefined();
  });

  it('returns both characters when a dead key meets a key it does not compose with', () => {
    const tr = new TableKeyTranslator('win32', new SwitchingSource());
    expect(tr.translate(ev(0x1b))).toBeUndefined(); // VK_OEM_6 → VC_CLOSE_BRACKET 0x1B
    expect(tr.translate(ev(VC_Z))).toEqual(['^', 'z']);
  });

  it('follows Caps Lock presses from the state read at start and at reload; key-ups type nothing', async () => {
    const source = new SwitchingSource();
    source.capsAtReload = true;
    const tr = new TableKeyTranslator('win32', source);
    expect(tr.translate(ev(VC_A))).toBe('A');
    expect(tr.translate(ev(VC.CapsLock))).toBeUndefined();
    expect(tr.translate(ev(VC_A))).toBe('a');
    expect(tr.translate({ ...ev(VC_A), down: false })).toBeUndefined();
    await tr.reload();
    expect(source.reloads).toBe(1);
    expect(tr.translate(ev(VC_A))).toBe('A');
    expect(tr.missed).toBe(false);
  });

  it('reads Caps Lock afresh on every key where the source can (macOS), ignoring Caps Lock presses', () => {
    let light = false;
    const source = new SwitchingSource();
    const tr = new TableKeyTranslator('darwin', Object.assign(source, { liveCapsLock: () => light }));
    expect(tr.translate(ev(VC_A))).toBeUndefined(); // VC_A is kVK_ANSI_A 0x00 on macOS: not in the fr table
    source.table = layoutTableFromJson({ keys: { '0x00': { base: 'a', shift: 'A', caps: { base: 'A' } } } });
    expect(tr.translate(ev(VC_A))).toBe('a');
    light = true;
    expect(tr.translate(ev(VC_A))).toBe('A');
    tr.translate(ev(VC.CapsLock));
    expect(tr.translate(ev(VC_A))).toBe('A');
  });

  it('names editing keys (Windows keypad navigation too) and drops a pending dead key at them', () => {
    const tr = new TableKeyTranslator('win32', new SwitchingSource());
    expect(tr.translate(ev(VC.Backspace))).toBe('Backspace');
    expect(tr.translate(ev(0xee47))).toBe('Home'); // keypad 7 with Num Lock off
    expect(tr.translate(ev(0xee53))).toBe('Delete');
    tr.translate(ev(0x1b));
    expect(tr.translate(ev(VC.Enter))).toBe('Enter');
    expect(tr.translate(ev(VC_E))).toBe('e');
    expect(tr.translate(ev(VC.Undefined))).toBeUndefined();
  });

  it('drops a pending dead key when the layout changes under it', () => {
    const source = new SwitchingSource();
    const tr = new TableKeyTranslator('win32', source);
    tr.translate(ev(0x1b));
    source.next = us;
    expect(tr.translate(ev(VC_E))).toBe('e');
  });
});
