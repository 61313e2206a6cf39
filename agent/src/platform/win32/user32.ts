import { loadKoffi, type Koffi } from '../keyboard/unavailable.ts';

/** HKL (keyboard layout handle): a pointer-sized integer; koffi gives it as a number (or bigint if huge). */
export type Hkl = number | bigint;

/** The user32 / kernel32 functions Vigil calls on Windows, as koffi exposes them. */
export interface User32 {
  GetForegroundWindow(): unknown;
  GetWindowThreadProcessId(hwnd: unknown, pid: null): number;
  GetKeyboardLayout(threadId: number): Hkl;
  MapVirtualKeyExW(code: number, mapType: number, hkl: Hkl): number;
  /** Writes up to `cch` UTF-16 units to `buf`; > 0: that many; 0: none; < 0: a dead key (its accent in buf[0]). */
  ToUnicodeEx(vk: number, scanCode: number, keyState: Uint8Array, buf: Uint16Array, cch: number, flags: number, hkl: Hkl): number;
  GetKeyState(vk: number): number;
  GetLastInputInfo(info: { cbSize: number; dwTime?: number }): boolean;
  GetTickCount(): number;
}

// koffi prototypes (koffi's C-like syntax). Checked by koffi's parser in the tests on every platform.
export const USER32_PROTOTYPES = {
  GetForegroundWindow: 'void * __stdcall GetForegroundWindow()',
  GetWindowThreadProcessId: 'uint32_t __stdcall GetWindowThreadProcessId(void *hWnd, void *lpdwProcessId)',
  GetKeyboardLayout: 'intptr_t __stdcall GetKeyboardLayout(uint32_t idThread)',
  MapVirtualKeyExW: 'uint32_t __stdcall MapVirtualKeyExW(uint32_t uCode, uint32_t uMapType, intptr_t dwhkl)',
  ToUnicodeEx:
    'int __stdcall ToUnicodeEx(uint32_t wVirtKey, uint32_t wScanCode, const uint8_t *lpKeyState, uint16_t *pwszBuff, int cchBuff, uint32_t wFlags, intptr_t dwhkl)',
  GetKeyState: 'int16_t __stdcall GetKeyState(int nVirtKey)',
  GetLastInputInfo: 'bool __stdcall GetLastInputInfo(_Inout_ LASTINPUTINFO *plii)',
} as const;
export const KERNEL32_PROTOTYPES = {
  GetTickCount: 'uint32_t __stdcall GetTickCount()',
} as const;

/** LASTINPUTINFO { UINT cbSize; DWORD dwTime; } */
export function lastInputInfoType(koffi: Koffi): ReturnType<Koffi['struct']> {
  try {
    return koffi.type('LASTINPUTINFO');
  } catch {
    return koffi.struct('LASTINPUTINFO', { cbSize: 'uint32_t', dwTime: 'uint32_t' });
  }
}

let cached: Promise<User32> | undefined;

/** Binds user32.dll / kernel32.dll through koffi, once per process. */
export function loadUser32(): Promise<User32> {
  cached ??= bindUser32().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function bindUser32(): Promise<User32> {
  const koffi = await loadKoffi();
  lastInputInfoType(koffi);
  const user32 = koffi.load('user32.dll');
  const kernel32 = koffi.load('kernel32.dll');
  const fns: Record<string, unknown> = {};
  for (const [name, proto] of Object.entries(USER32_PROTOTYPES)) fns[name] = user32.func(proto);
  for (const [name, proto] of Object.entries(KERNEL32_PROTOTYPES)) fns[name] = kernel32.func(proto);
  return fns as unknown as User32;
}
