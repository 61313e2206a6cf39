import { describe, expect, it } from 'vitest';
import type { KeySourceStatus } from '../../core/ports.ts';
import { LayoutUnavailableError, loadKoffi } from '../keyboard/unavailable.ts';
import { NodeKeySource } from './key-source.node.ts';
import { platformLayoutLoader, unsupportedLayout } from './key-translator.ts';

describe('platformLayoutLoader', () => {
  it('picks X11 on Linux (unchanged: it needs a DISPLAY)', async () => {
    await expect(platformLayoutLoader('linux')({})).rejects.toThrow(/no DISPLAY/);
  });

  it('fails on Windows / macOS APIs it cannot reach here with a typed "unavailable" error, not a crash', async () => {
    for (const platform of ['win32', 'darwin'] as const) {
      const err = await platformLayoutLoader(platform)({}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LayoutUnavailableError);
      expect(err).toMatchObject({ status: 'unavailable' });
    }
    await expect(platformLayoutLoader('aix')({})).rejects.toMatchObject({ reason: 'os-unsupported', message: expect.stringMatching(/not implemented on aix/) });
    await expect(unsupportedLayout('sunos')({})).rejects.toBeInstanceOf(LayoutUnavailableError);
  });

  it('turns an FFI library that cannot load into LayoutUnavailableError(ffi-unavailable)', async () => {
    const err = await loadKoffi(() => Promise.reject(new Error("Cannot find module '@koromix/koffi-win32-x64'"))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LayoutUnavailableError);
    expect(err).toMatchObject({ reason: 'ffi-unavailable', message: expect.stringMatching(/koffi.*could not load.*koffi-win32-x64/) });
    // And the real one loads here: koffi ships prebuilt binaries, nothing is compiled at install.
    await expect(loadKoffi()).resolves.toMatchObject({ version: expect.stringMatching(/^3\./) });
  });

  it('NodeKeySource reports the Windows backend failing as status unavailable, with the reason, and starts no hook', async () => {
    const statuses: { status: KeySourceStatus; detail?: string }[] = [];
    const source = new NodeKeySource({ layout: platformLayoutLoader('win32'), restart: { initialMs: 60_000, maxMs: 60_000 } });
    await source.start(
      () => {},
      (status, detail) => statuses.push({ status, detail }),
    );
    expect(source.hookPid).toBeUndefined();
    await source.stop();
    expect(statuses).toEqual([{ status: 'unavailable', detail: expect.stringMatching(/^keyboard layout unavailable: .*(Windows build|user32)/) }]);
  });
});
