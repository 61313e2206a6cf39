import type koffiModule from 'koffi';

/** Why typed-text translation cannot run here. The key source reports it as status 'unavailable'. */
export type LayoutUnavailableReason = 'ffi-unavailable' | 'os-unsupported' | 'layout-unreadable';

/**
 * A layout loader's typed failure: NodeKeySource turns it into the key source status 'unavailable' with this
 * message as the detail (and retries with back-off), so a missing FFI binary never crashes the agent.
 */
export class LayoutUnavailableError extends Error {
  readonly status = 'unavailable';
  readonly reason: LayoutUnavailableReason;

  constructor(reason: LayoutUnavailableReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LayoutUnavailableError';
    this.reason = reason;
  }
}

/** The koffi module (FFI with prebuilt binaries for Windows, macOS and Linux), loaded only where it is needed. */
export type Koffi = typeof koffiModule;

/** Loads koffi; a missing or broken native binary becomes a LayoutUnavailableError instead of a crash. */
export async function loadKoffi(importer: () => Promise<{ default: Koffi }> = () => import('koffi')): Promise<Koffi> {
  try {
    return (await importer()).default;
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new LayoutUnavailableError('ffi-unavailable', `the FFI library (koffi) could not load: ${why}`, { cause: err });
  }
}
