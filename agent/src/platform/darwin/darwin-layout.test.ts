// The macOS backend against a FAKE Carbon whose UCKeyTranslate answers from the recorded U.S. / German tables
// (dead-key states included). This checks what we pass to UCKeyTranslate (layout pointer, modifiers, keyboard
// type, our own dead-key state, buffers) and how the answers become a LayoutTable. It is not a substitute for
// running on a Mac: nothing here called Carbon.
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { keyOutput, type Level } from '../keyboard/layout-table.ts';
import { loadRecordedTables, typeFact, type RecordedTable } from '../keyboard/recorded-tables.ts';
import { LayoutUnavailableError } from '../keyboard/unavailable.ts';
import { platformLayoutLoader } from '../node/key-translator.ts';
import { CARBON_PROTOTYPES, CORE_FOUNDATION_PROTOTYPES, CORE_GRAPHICS_PROTOTYPES, type Carbon } from './carbon.ts';
import { DarwinLayoutSource, loadDarwinLayout, modifierState, readUchrLayout, TEXT_KEYCODES } from './darwin-layout.ts';

const tables = loadRecordedTables();
const rec = (f: string): RecordedTable => {
  const t = tables.find((r) => r.file === f);
  if (t === undefined) throw new Error(`no ${f}`);
  return t;
};
const US = rec('darwin-us.json');
const DE = rec('darwin-de.json');
const KBD_TYPE = 40;
const LAYOUT_KEY = { cfstring: 'kTISPropertyUnicodeKeyLayoutData' };

interface UcCall {
  layout: unknown;
  keyCode: number;
  keyAction: number;
  mods: number;
  kbdType: number;
  options: number;
  deadIn: number;
  dead: Uint32Array;
  maxLength: number;
  actualLength: BigUint64Array;
  chars: Uint16Array;
}

/** One input source: an object standing for its CFData's bytes, answering from a recorded table. */
class FakeSource {
  readonly rec: RecordedTable;
  readonly bytes: object;
  readonly accents: string[];
  constructor(rec: RecordedTable) {
    this.rec = rec;
    this.bytes = { uchr: rec.file };
    this.accents = [...rec.table.deadKeys.keys()];
  }
}

class FakeCarbon implements Carbon {
  readonly kTISPropertyUnicodeKeyLayoutData = LAYOUT_KEY;
  sources = new Map<bigint, FakeSource>([
    [0x1000n, new FakeSource(US)],
    [0x2000n, new FakeSource(DE)],
  ]);
  currentSource = 0x1000n;
  released: bigint[] = [];
  copies = 0;
  propertyKeys: unknown[] = [];
  uc: UcCall[] = [];
  flags: bigint = 0n;

  TISCopyCurrentKeyboardLayoutInputSource(): unknown {
    this.copies++;
    return this.currentSource;
  }
  TISGetInputSourceProperty(source: unknown, key: unknown): unknown {
    this.propertyKeys.push(key);
    return { data: source };
  }
  CFDataGetBytePtr(data: unknown): unknown {
    const src = this.sources.get((data as { data: bigint }).data);
    if (src === undefined) throw new Error('no such source');
    return src.bytes;
  }
  CFRelease(ref: unknown): void {
    this.released.push(ref as bigint);
  }
  address(ref: unknown): bigint {
    return ref as bigint;
  }
  LMGetKbdType(): number {
    return KBD_TYPE;
  }
  CGEventSourceFlagsState(): bigint {
    return this.flags;
  }
  UCKeyTranslate(
    layout: unknown,
    keyCode: number,
    keyAction: number,
    mods: number,
    kbdType: number,
    options: number,
    dead: Uint32Array,
    maxLength: number,
    actualLength: BigUint64Array,
    chars: Uint16Array,
  ): number {
    this.uc.push({ layout, keyCode, keyAction, mods, kbdType, options, deadIn: dead[0] ?? 0, dead, maxLength, actualLength, chars });
    const src = [...this.sources.values()].find((s) => s.bytes === layout);
    if (src === undefined) return -50; // paramErr
    const write = (text: string, nextDead: number): number => {
      for (let i = 0; i < text.length; i++) chars[i] = text.charCodeAt(i);
      actualLength[0] = BigInt(text.length);
      dead[0] = nextDead;
      return 0;
    };
    const level: Level = mods & 0x08 ? (mods & 0x02 ? 'altShift' : 'alt') : mods & 0x02 ? 'shift' : 'base';
    const key = src.rec.table.keys.get(keyCode);
    const out = key === undefined ? undefined : keyOutput(key, level, (mods & 0x04) !== 0);
    const pending = dead[0] ?? 0;
    if (out === undefined || out === '') return write('', pending);
    if (pending === 0) return typeof out === 'string' ? write(out, 0) : write('', src.accents.indexOf(out.dead) + 1);
    const accent = src.accents[pending - 1] ?? '';
    if (typeof out !== 'string') return write(accent + out.dead, 0);
    return write(src.rec.table.deadKeys.get(accent)?.get(out) ?? (out === ' ' ? accent : accent + out), 0);
  }
}

describe('macOS layout reader (fake Carbon; not a Mac run)', () => {
  it('calls UCKeyTranslate with the uchr pointer, key-down, shifted modifiers, LMGetKbdType, no options and our own dead-key state', () => {
    const carbon = new FakeCarbon();
    const bytes = carbon.sources.get(0x1000n)?.bytes;
    readUchrLayout(carbon, bytes, KBD_TYPE);
    expect(carbon.uc.length).toBeGreaterThan(TEXT_KEYCODES.length * 8);
    for (const c of carbon.uc) {
      expect(c.layout).toBe(bytes);
      expect(c.keyAction).toBe(0);
      expect(c.kbdType).toBe(KBD_TYPE);
      expect(c.options).toBe(0);
      expect(c.maxLength).toBe(8);
      expect(c.chars).toBeInstanceOf(Uint16Array);
      expect(c.chars.length).toBe(8);
      expect(c.actualLength).toBeInstanceOf(BigUint64Array);
      expect(c.dead).toBeInstanceOf(Uint32Array);
      expect(c.mods & ~0x0e).toBe(0);
    }
    // Every level with and without Caps Lock, from a clean state, for every text key.
    const fresh = carbon.uc.filter((c) => c.deadIn === 0 && c.keyCode === 0x0e).map((c) => c.mods);
    expect(new Set(fresh)).toEqual(new Set([0x00, 0x02, 0x08, 0x0a, 0x04, 0x06, 0x0c, 0x0e]));
    // Compositions are asked with the dead state Option-E left (never the system's).
    const acute = carbon.uc.find((c) => c.keyCode === 0x0e && c.mods === 0x08 && c.deadIn === 0);
    expect(acute?.dead[0]).not.toBe(0);
    expect(carbon.uc.some((c) => c.deadIn !== 0 && c.keyCode === 0x0e && c.mods === 0)).toBe(true);
    expect(modifierState('altShift', true)).toBe(0x0e);
  });

  it('reads dead keys with their accent (the state + Space) and the compositions the layout lists', () => {
    const carbon = new FakeCarbon();
    const table = readUchrLayout(carbon, carbon.sources.get(0x1000n)?.bytes, KBD_TYPE);
    expect(table.keys.get(0x0e)).toMatchObject({ base: 'e', shift: 'E', alt: { dead: '´' } });
    expect(table.deadKeys.get('´')?.get('e')).toBe('é');
    expect(table.deadKeys.get('´')?.get(' ')).toBe('´');
    expect(table.deadKeys.get('´')?.has('z')).toBe(false);
    expect(table.unlisted).toBe('none');
  });

  for (const r of [US, DE]) {
    it(`types every recorded ${r.name} fact through the table it read`, () => {
      const carbon = new FakeCarbon();
      const table = readUchrLayout(carbon, carbon.sources.get(r === US ? 0x1000n : 0x2000n)?.bytes, KBD_TYPE);
      for (const fact of r.facts) expect({ keys: fact.keys, text: typeFact(r, fact.keys, table) }).toEqual({ keys: fact.keys, text: fact.text });
    });
  }

  it('re-reads only when the input source changes, and releases every source it copies', () => {
    const carbon = new FakeCarbon();
    const source = new DarwinLayoutSource(carbon);
    const first = source.current();
    expect(first.changed).toBe(false);
    expect(carbon.propertyKeys).toEqual([LAYOUT_KEY]);
    const calls = carbon.uc.length;
    expect(source.current()).toEqual({ table: first.table, changed: false });
    expect(carbon.uc.length).toBe(calls);
    carbon.currentSource = 0x2000n;
    const de = source.current();
    expect(de.changed).toBe(true);
    expect(de.table.keys.get(0x10)).toMatchObject({ base: 'z' });
    expect(carbon.released).toEqual([0x1000n, 0x1000n, 0x2000n]);
    expect(carbon.copies).toBe(3);
  });

  it('reads Caps Lock from CGEventSourceFlagsState (alpha shift 0x10000)', () => {
    const carbon = new FakeCarbon();
    const source = new DarwinLayoutSource(carbon);
    expect(source.capsLockOn()).toBe(false);
    carbon.flags = 0x10000n | 0x20000n;
    expect(source.capsLockOn()).toBe(true);
  });
});

describe('loadDarwinLayout', () => {
  it('returns a translator typing through the current input source', async () => {
    const tr = await loadDarwinLayout({ carbon: async () => new FakeCarbon() });
    const e = { type: 'key' as const, down: true, shift: false, ctrl: false, alt: false, meta: false };
    expect(tr.translate({ ...e, code: 0x12, alt: true })).toBeUndefined(); // Option-E: dead ´
    expect(tr.translate({ ...e, code: 0x12 })).toBe('é');
  });

  it('reports an input source without uchr data, or Carbon that cannot be bound, as unavailable', async () => {
    const carbon = new FakeCarbon();
    carbon.TISGetInputSourceProperty = () => null;
    await expect(loadDarwinLayout({ carbon: async () => carbon })).rejects.toMatchObject({ reason: 'layout-unreadable', status: 'unavailable' });
    await expect(loadDarwinLayout({ carbon: () => Promise.reject(new Error('no framework')) })).rejects.toMatchObject({ reason: 'ffi-unavailable' });
  });

  it('on this Linux machine the real binding fails as "unavailable" (no Carbon framework), not a crash', async () => {
    const err = await loadDarwinLayout().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayoutUnavailableError);
    expect(err).toMatchObject({ reason: 'ffi-unavailable', message: expect.stringMatching(/Carbon/) });
    await expect(platformLayoutLoader('darwin')({})).rejects.toBeInstanceOf(LayoutUnavailableError);
  });

  it('parses every macOS prototype we bind with koffi', () => {
    const all = { ...CARBON_PROTOTYPES, ...CORE_FOUNDATION_PROTOTYPES, ...CORE_GRAPHICS_PROTOTYPES };
    const parsed = Object.entries(all).map(([name, proto]) => [name, koffi.proto(proto).name]);
    expect(parsed).toEqual(Object.keys(all).map((name) => [name, name]));
  });
});
