// The Windows backend against a FAKE user32 that answers from the recorded KBDFR table. This checks what we
// pass to ToUnicodeEx / MapVirtualKeyExW / GetKeyboardLayout (buffers, flags, key state, HKL) and how the
// answers become a LayoutTable. It is not a substitute for running on Windows: nothing here called user32.dll.
import koffi from 'koffi';
import { describe, expect, it } from 'vitest';
import { keyOutput, LEVELS, type Level } from '../keyboard/layout-table.ts';
import { loadRecordedTables, typeFact, type RecordedTable } from '../keyboard/recorded-tables.ts';
import { LayoutUnavailableError } from '../keyboard/unavailable.ts';
import { platformLayoutLoader } from '../node/key-translator.ts';
import { KERNEL32_PROTOTYPES, lastInputInfoType, USER32_PROTOTYPES, type Hkl, type User32 } from './user32.ts';
import { keyState, loadWin32Layout, readWin32Layout, TEXT_VKS, TOUNICODE_NO_STATE_CHANGE, Win32LayoutSource, windowsBuild } from './win32-layout.ts';

const tables = loadRecordedTables();
const byFile = (f: string): RecordedTable => {
  const t = tables.find((r) => r.file === f);
  if (t === undefined) throw new Error(`no ${f}`);
  return t;
};
const FR = byFile('win32-fr-azerty.json');
const US = byFile('win32-us.json');
const HKL_FR = 0x040c040c;
const HKL_US = 0x04090409;
const SCAN_MARK = 0x1000;

interface Call {
  fn: string;
  args: unknown[];
}

/** user32 as far as the layout reader uses it, answering from recorded tables per HKL. */
class FakeUser32 implements User32 {
  calls: Call[] = [];
  foreground: unknown = { hwnd: 1 };
  threadHkl = new Map<number, Hkl>([[77, HKL_FR]]);
  layouts = new Map<Hkl, RecordedTable>([
    [HKL_FR, FR],
    [HKL_US, US],
  ]);
  capsToggled = false;

  GetForegroundWindow(): unknown {
    this.calls.push({ fn: 'GetForegroundWindow', args: [] });
    return this.foreground;
  }
  GetWindowThreadProcessId(hwnd: unknown, pid: null): number {
    this.calls.push({ fn: 'GetWindowThreadProcessId', args: [hwnd, pid] });
    return 77;
  }
  GetKeyboardLayout(tid: number): Hkl {
    this.calls.push({ fn: 'GetKeyboardLayout', args: [tid] });
    return this.threadHkl.get(tid) ?? HKL_US;
  }
  MapVirtualKeyExW(code: number, mapType: number, hkl: Hkl): number {
    this.calls.push({ fn: 'MapVirtualKeyExW', args: [code, mapType, hkl] });
    return code + SCAN_MARK;
  }
  ToUnicodeEx(vk: number, scan: number, state: Uint8Array, buf: Uint16Array, cch: number, flags: number, hkl: Hkl): number {
    this.calls.push({ fn: 'ToUnicodeEx', args: [vk, scan, state.slice(), buf, cch, flags, hkl] });
    const rec = this.layouts.get(hkl);
    if (rec === undefined) throw new Error(`unknown HKL ${String(hkl)}`);
    const shift = ((state[0x10] ?? 0) & 0x80) !== 0;
    const altGr = ((state[0x11] ?? 0) & 0x80) !== 0 && ((state[0x12] ?? 0) & 0x80) !== 0;
    const caps = ((state[0x14] ?? 0) & 1) === 1;
    const level: Level = altGr ? (shift ? 'altShift' : 'alt') : shift ? 'shift' : 'base';
    const key = rec.table.keys.get(vk);
    const out = key === undefined ? undefined : keyOutput(key, level, caps);
    if (out === undefined || out === '') return 0;
    if (typeof out !== 'string') {
      buf[0] = out.dead.charCodeAt(0);
      return -1;
    }
    for (let i = 0; i < out.length && i < cch; i++) buf[i] = out.charCodeAt(i);
    return out.length;
  }
  GetKeyState(vk: number): number {
    this.calls.push({ fn: 'GetKeyState', args: [vk] });
    return vk === 0x14 && this.capsToggled ? 1 : 0;
  }
  GetLastInputInfo(): boolean {
    throw new Error('not used here');
  }
  GetTickCount(): number {
    throw new Error('not used here');
  }
  named(fn: string): Call[] {
    return this.calls.filter((c) => c.fn === fn);
  }
}

describe('Windows layout reader (fake user32; not a Windows run)', () => {
  it('calls ToUnicodeEx with flag 0x4, an 8-unit UTF-16 buffer, a 256-byte key state, the scan code and the HKL', () => {
    const user32 = new FakeUser32();
    readWin32Layout(user32, HKL_FR);
    const calls = user32.named('ToUnicodeEx');
    expect(calls).toHaveLength(TEXT_VKS.length * LEVELS.length * 2);
    for (const { args } of calls) {
      const [vk, scan, state, buf, cch, flags, hkl] = args as [number, number, Uint8Array, Uint16Array, number, number, Hkl];
      expect(flags).toBe(TOUNICODE_NO_STATE_CHANGE);
      expect(flags).toBe(0x4);
      expect(buf).toBeInstanceOf(Uint16Array);
      expect(buf.length).toBe(8);
      expect(cch).toBe(8);
      expect(state).toBeInstanceOf(Uint8Array);
      expect(state.length).toBe(256);
      expect(scan).toBe(vk + SCAN_MARK);
      expect(hkl).toBe(HKL_FR);
    }
    expect(user32.named('MapVirtualKeyExW').map((c) => c.args)).toEqual(TEXT_VKS.map((vk) => [vk, 0, HKL_FR]));
  });

  it('builds the key state GetKeyboardState-style: Shift, AltGr as Ctrl+Alt (left Ctrl, right Alt), Caps Lock toggle', () => {
    const altShiftCaps = keyState('altShift', true);
    expect([...altShiftCaps].flatMap((b, i) => (b === 0 ? [] : [[i, b]]))).toEqual([
      [0x10, 0x80],
      [0x11, 0x80],
      [0x12, 0x80],
      [0x14, 0x01],
      [0xa0, 0x80],
      [0xa2, 0x80],
      [0xa5, 0x80],
    ]);
    expect(keyState('base', false).every((b) => b === 0)).toBe(true);
  });

  it('reads back every recorded output, dead keys included, at every level with and without Caps Lock', () => {
    const probed = readWin32Layout(new FakeUser32(), HKL_FR);
    expect(probed.unlisted).toBe('nfc');
    let compared = 0;
    for (const [vk, key] of FR.table.keys) {
      for (const level of LEVELS) {
        for (const caps of [false, true]) {
          const want = keyOutput(key, level, caps);
          const probedKey = probed.keys.get(vk);
          const got = probedKey === undefined ? undefined : keyOutput(probedKey, level, caps);
          expect({ vk, level, caps, out: got === '' ? undefined : got }).toEqual({ vk, level, caps, out: want === '' ? undefined : want });
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(400);
  });

  it('types the recorded French facts through the table it read, except where NFC composes a pair KBDFR leaves out', () => {
    const probed = readWin32Layout(new FakeUser32(), HKL_FR);
    const differing = FR.facts.filter((f) => typeFact(FR, f.keys, probed) !== f.text).map((f) => `${f.keys.join(' ')} → ${typeFact(FR, f.keys, probed)}`);
    // Known and documented (README, Platform status): KBDFR lists no ^ + y, Unicode composes ŷ.
    expect(differing).toEqual(['0xDD 0x59 → ŷ']);
  });

  it("follows the foreground thread's HKL: reads a layout once, re-reads only for a new HKL", () => {
    const user32 = new FakeUser32();
    const source = new Win32LayoutSource(user32);
    const first = source.current();
    expect(first.changed).toBe(false);
    expect(user32.calls.slice(0, 3).map((c) => c.fn)).toEqual(['GetForegroundWindow', 'GetWindowThreadProcessId', 'GetKeyboardLayout']);
    expect(user32.named('GetWindowThreadProcessId')[0]?.args).toEqual([{ hwnd: 1 }, null]);
    expect(user32.named('GetKeyboardLayout')[0]?.args).toEqual([77]);
    const probes = user32.named('ToUnicodeEx').length;
    expect(source.current()).toEqual({ table: first.table, changed: false });
    expect(user32.named('ToUnicodeEx')).toHaveLength(probes);
    user32.threadHkl.set(77, HKL_US);
    const switched = source.current();
    expect(switched.changed).toBe(true);
    expect(switched.table.keys.get(0x32)).toMatchObject({ base: '2', shift: '@' });
    expect(user32.named('ToUnicodeEx').length).toBe(probes * 2);
    user32.threadHkl.set(77, HKL_FR);
    expect(source.current()).toEqual({ table: first.table, changed: true });
    expect(user32.named('ToUnicodeEx').length).toBe(probes * 2);
  });

  it('asks for thread 0 (our own) when no window has the focus, and reads Caps Lock from GetKeyState', () => {
    const user32 = new FakeUser32();
    user32.foreground = null;
    user32.capsToggled = true;
    const source = new Win32LayoutSource(user32);
    source.current();
    expect(user32.named('GetWindowThreadProcessId')).toHaveLength(0);
    expect(user32.named('GetKeyboardLayout')[0]?.args).toEqual([0]);
    expect(source.capsLockOn()).toBe(true);
    expect(user32.named('GetKeyState')[0]?.args).toEqual([0x14]);
  });
});

describe('loadWin32Layout', () => {
  it('returns a translator typing through the foreground layout', async () => {
    const user32 = new FakeUser32();
    const tr = await loadWin32Layout({ user32: async () => user32, osRelease: '10.0.19045' });
    const e = { type: 'key' as const, down: true, shift: false, ctrl: false, alt: false, meta: false };
    expect(tr.translate({ ...e, code: 0x1b })).toBeUndefined(); // VK_OEM_6: dead ^
    expect(tr.translate({ ...e, code: 0x12 })).toBe('ê'); // VC_E → VK 'E'
  });

  it('refuses Windows older than 10 1607 (no ToUnicodeEx no-state-change flag) with a typed error', async () => {
    let bound = false;
    const err = await loadWin32Layout({
      osRelease: '6.3.9600',
      user32: async () => {
        bound = true;
        return new FakeUser32();
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayoutUnavailableError);
    expect(err).toMatchObject({ reason: 'os-unsupported', status: 'unavailable', message: expect.stringMatching(/9600.*14393/) });
    expect(bound).toBe(false);
    expect(windowsBuild('10.0.14393')).toBe(14393);
    expect(windowsBuild('nonsense')).toBe(0);
  });

  it('reports a user32 that cannot be bound, or a layout that cannot be read, as unavailable', async () => {
    await expect(loadWin32Layout({ osRelease: '10.0.22631', user32: () => Promise.reject(new Error('no dll')) })).rejects.toMatchObject({
      reason: 'ffi-unavailable',
      message: expect.stringMatching(/no dll/),
    });
    const broken = new FakeUser32();
    broken.threadHkl.set(77, 0x12345);
    await expect(loadWin32Layout({ osRelease: '10.0.22631', user32: async () => broken })).rejects.toMatchObject({ reason: 'layout-unreadable' });
  });

  it('on this Linux machine the real binding fails as "unavailable" (user32.dll is missing), not a crash', async () => {
    const err = await loadWin32Layout({ osRelease: '10.0.22631' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayoutUnavailableError);
    expect(err).toMatchObject({ reason: 'ffi-unavailable', message: expect.stringMatching(/user32\.dll/) });
    await expect(platformLayoutLoader('win32')({})).rejects.toBeInstanceOf(LayoutUnavailableError);
  });
});

describe('koffi packaging and prototypes', () => {
  it("loads koffi's prebuilt binary here and parses every Windows prototype we bind", () => {
    expect(koffi.version).toMatch(/^3\./);
    lastInputInfoType(koffi);
    expect(koffi.sizeof('LASTINPUTINFO')).toBe(8);
    // koffi.proto registers each prototype's name as a type: parse each one once.
    const parsed = new Map<string, ReturnType<typeof koffi.proto>>();
    for (const [name, proto] of Object.entries({ ...USER32_PROTOTYPES, ...KERNEL32_PROTOTYPES })) parsed.set(name, koffi.proto(proto));
    expect([...parsed].map(([name, p]) => [name, p.name])).toEqual([...parsed.keys()].map((name) => [name, name]));
    // At run time koffi describes each argument as { type, direction } (its typings say TypeObject).
    const args = (parsed.get('ToUnicodeEx')?.proto?.arguments ?? []) as unknown as { type: { name: string }; direction: string }[];
    expect(args.map((a) => `${a.direction} ${a.type.name}`)).toEqual([
      'Input uint32_t',
      'Input uint32_t',
      'Input uint8_t *',
      'Input uint16_t *',
      'Input int',
      'Input uint32_t',
      'Input intptr_t',
    ]);
    const lii = (parsed.get('GetLastInputInfo')?.proto?.arguments ?? []) as unknown as { direction: string }[];
    expect(lii.map((a) => a.direction)).toEqual(['Input/Output']);
  });
});
