import { loadKoffi } from '../keyboard/unavailable.ts';

/** The Carbon / CoreFoundation calls Vigil makes on macOS, as koffi exposes them (pointers are opaque). */
export interface Carbon {
  TISCopyCurrentKeyboardLayoutInputSource(): unknown;
  TISGetInputSourceProperty(source: unknown, key: unknown): unknown;
  /** kTISPropertyUnicodeKeyLayoutData (a CFStringRef constant exported by Carbon). */
  readonly kTISPropertyUnicodeKeyLayoutData: unknown;
  CFDataGetBytePtr(data: unknown): unknown;
  CFRelease(ref: unknown): void;
  /** Identity of a CF object, to notice the input source changing. */
  address(ref: unknown): bigint;
  LMGetKbdType(): number;
  /** CGEventSourceFlagsState(kCGEventSourceStateCombinedSessionState): the modifier flags now (Caps Lock: 0x10000). */
  CGEventSourceFlagsState(stateId: number): number | bigint;
  UCKeyTranslate(
    layout: unknown,
    keyCode: number,
    keyAction: number,
    modifierKeyState: number,
    keyboardType: number,
    options: number,
    deadKeyState: Uint32Array,
    maxLength: number,
    /** UniCharCount is unsigned long: 64-bit on macOS. */
    actualLength: BigUint64Array,
    chars: Uint16Array,
  ): number;
}

// koffi prototypes (koffi's C-like syntax). Checked by koffi's parser in the tests on every platform.
export const CARBON_PROTOTYPES = {
  TISCopyCurrentKeyboardLayoutInputSource: 'void *TISCopyCurrentKeyboardLayoutInputSource()',
  TISGetInputSourceProperty: 'void *TISGetInputSourceProperty(void *inputSource, void *propertyKey)',
  LMGetKbdType: 'uint8_t LMGetKbdType()',
  UCKeyTranslate:
    'int32_t UCKeyTranslate(const void *keyLayoutPtr, uint16_t virtualKeyCode, uint16_t keyAction, uint32_t modifierKeyState, uint32_t keyboardType, uint32_t keyTranslateOptions, uint32_t *deadKeyState, unsigned long maxStringLength, unsigned long *actualStringLength, uint16_t *unicodeString)',
} as const;
export const CORE_FOUNDATION_PROTOTYPES = {
  CFDataGetBytePtr: 'const void *CFDataGetBytePtr(void *theData)',
  CFRelease: 'void CFRelease(void *cf)',
} as const;

export const CORE_GRAPHICS_PROTOTYPES = {
  CGEventSourceFlagsState: 'uint64_t CGEventSourceFlagsState(int32_t stateID)',
} as const;

const CARBON_PATH = '/System/Library/Frameworks/Carbon.framework/Carbon';
const CORE_FOUNDATION_PATH = '/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation';
const CORE_GRAPHICS_PATH = '/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics';

let cached: Promise<Carbon> | undefined;

/** Binds Carbon (HIToolbox) and CoreFoundation through koffi, once per process. */
export function loadCarbon(): Promise<Carbon> {
  cached ??= bindCarbon().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

async function bindCarbon(): Promise<Carbon> {
  const koffi = await loadKoffi();
  const carbon = koffi.load(CARBON_PATH);
  const cf = koffi.load(CORE_FOUNDATION_PATH);
  const cg = koffi.load(CORE_GRAPHICS_PATH);
  const fns: Record<string, unknown> = {};
  for (const [name, proto] of Object.entries(CARBON_PROTOTYPES)) fns[name] = carbon.func(proto);
  for (const [name, proto] of Object.entries(CORE_FOUNDATION_PROTOTYPES)) fns[name] = cf.func(proto);
  for (const [name, proto] of Object.entries(CORE_GRAPHICS_PROTOTYPES)) fns[name] = cg.func(proto);
  // The exported symbol is the CFStringRef variable itself: read the pointer stored there.
  fns.kTISPropertyUnicodeKeyLayoutData = koffi.decode(carbon.symbol('kTISPropertyUnicodeKeyLayoutData'), 'void *');
  // koffi 3 gives pointers as bigints.
  fns.address = (ref: unknown) => (typeof ref === 'bigint' ? ref : koffi.address(ref));
  return fns as unknown as Carbon;
}
