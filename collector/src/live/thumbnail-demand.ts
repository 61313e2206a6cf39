import type { LivePayload } from '@vigil/shared';
import { LIVE_FOCUS, LIVE_GRID } from '@vigil/shared/console';

/** What a device is asked to stream: nothing, grid thumbnails, or the larger focused stream. */
export type StreamMode = 'off' | 'grid' | 'focus';

export interface Demand {
  /** Visible sockets watching the device's room. */
  readonly viewers: number;
  /** Of those, the ones that focused this device. */
  readonly focused: number;
}

const none: Demand = Object.freeze({ viewers: 0, focused: 0 });

export function modeFor(demand: Demand): StreamMode {
  if (demand.focused > 0) return 'focus';
  return demand.viewers > 0 ? 'grid' : 'off';
}

/** The `live` command that asks an agent for `mode`. */
export function liveCommandFor(mode: StreamMode): LivePayload {
  if (mode === 'focus') return { on: true, ...LIVE_FOCUS };
  if (mode === 'grid') return { on: true, ...LIVE_GRID };
  return { on: false, ...LIVE_GRID };
}

/**
 * Per device, how many visible viewers want its thumbnails, and the mode it was last
 * asked for. `set` reports only transitions (0 → 1 viewer: start; 1 → 0: stop; a focus
 * coming or going), so an agent hears one `live` per change, not one per viewer.
 */
export class ThumbnailDemand {
  readonly #demand = new Map<string, Demand>();
  readonly #modes = new Map<string, Exclude<StreamMode, 'off'>>();

  /** Records the device's demand; the new mode when it changed, else undefined. */
  set(deviceId: string, demand: Demand): StreamMode | undefined {
    if (demand.viewers === 0 && demand.focused === 0) this.#demand.delete(deviceId);
    else this.#demand.set(deviceId, demand);
    const next = modeFor(demand);
    const previous = this.mode(deviceId);
    if (next === previous) return undefined;
    if (next === 'off') this.#modes.delete(deviceId);
    else this.#modes.set(deviceId, next);
    return next;
  }

  demand(deviceId: string): Demand {
    return this.#demand.get(deviceId) ?? none;
  }

  mode(deviceId: string): StreamMode {
    return this.#modes.get(deviceId) ?? 'off';
  }

  /** Devices currently asked to stream. */
  get streaming(): number {
    return this.#modes.size;
  }
}
