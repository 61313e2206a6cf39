import { LIVE_FOCUS, LIVE_GRID } from '@vigil/shared/console';
import { describe, expect, it } from 'vitest';
import { liveCommandFor, ThumbnailDemand } from './thumbnail-demand.ts';

describe('ThumbnailDemand', () => {
  it('reports only transitions: the first viewer starts, more viewers change nothing, the last one stops', () => {
    const demand = new ThumbnailDemand();
    expect(demand.set('d1', { viewers: 1, focused: 0 })).toBe('grid');
    expect(demand.set('d1', { viewers: 2, focused: 0 })).toBeUndefined();
    expect(demand.set('d1', { viewers: 1, focused: 0 })).toBeUndefined();
    expect(demand.demand('d1')).toEqual({ viewers: 1, focused: 0 });
    expect(demand.set('d1', { viewers: 0, focused: 0 })).toBe('off');
    expect(demand.set('d1', { viewers: 0, focused: 0 })).toBeUndefined();
    expect(demand.streaming).toBe(0);
  });

  it('switches to the focused stream while anyone focuses the device, and back', () => {
    const demand = new ThumbnailDemand();
    demand.set('d1', { viewers: 2, focused: 0 });
    expect(demand.set('d1', { viewers: 2, focused: 1 })).toBe('focus');
    expect(demand.set('d1', { viewers: 2, focused: 2 })).toBeUndefined();
    expect(demand.set('d1', { viewers: 2, focused: 0 })).toBe('grid');
    expect(demand.mode('d1')).toBe('grid');
    expect(demand.mode('never-seen')).toBe('off');
  });

  it('asks agents for the shared grid and focus sizes', () => {
    expect(liveCommandFor('grid')).toEqual({ on: true, fps: LIVE_GRID.fps, width: LIVE_GRID.width });
    expect(liveCommandFor('focus')).toEqual({ on: true, fps: LIVE_FOCUS.fps, width: LIVE_FOCUS.width });
    expect(liveCommandFor('off').on).toBe(false);
  });
});
