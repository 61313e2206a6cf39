import { describe, expect, it } from 'vitest';
import { createFakePlatform } from '@vigil/agent/platform/fake';
import { ActivityService } from './activity.service.ts';
import type { ActiveWindow, WindowSource } from './ports.ts';
import { RecordingOutbox, silentLog } from './test-kit/core-test-kit.ts';

/** A window source that repeats itself, as a polling source does. */
class ScriptedWindows implements WindowSource {
  #watcher: ((win: ActiveWindow | undefined) => void) | undefined;
  emit(win: ActiveWindow | undefined): void {
    this.#watcher?.(win);
  }
  watch(onChange: (win: ActiveWindow | undefined) => void): () => void {
    this.#watcher = onChange;
    return () => (this.#watcher = undefined);
  }
  async current(): Promise<ActiveWindow | undefined> {
    return undefined;
  }
}

const HOMEWORK = { app: 'xterm', title: 'History homework' };
const BITESIZE = { app: 'firefox', title: 'Bitesize', url: 'https://www.bbc.co.uk/bitesize' };

function rig() {
  const p = createFakePlatform();
  const windows = new ScriptedWindows();
  const outbox = new RecordingOutbox();
  const activity = new ActivityService({
    windows,
    idle: p.idle,
    clock: p.clock,
    outbox,
    osUser: 'pupil.jones',
    log: silentLog,
    maxSpanMs: 300_000,
    idleAfterSeconds: 60,
    idlePollMs: 5_000,
  });
  activity.start();
  const t0 = p.clock.now();
  const spans = () => outbox.of('activity').map((m) => ({ title: m.payload.title, start: m.payload.start - t0, end: m.payload.end - t0, url: m.payload.url }));
  return { p, windows, outbox, activity, t0, spans };
}

describe('ActivityService', () => {
  it('merges repeated reports of the same window into one span, sent when focus moves', async () => {
    const { p, windows, activity, spans } = rig();
    windows.emit(HOMEWORK);
    p.idle.input();
    await p.clock.advanceAsync(20_000);
    windows.emit({ ...HOMEWORK });
    await p.clock.advanceAsync(20_000);
    windows.emit(HOMEWORK);
    windows.emit(BITESIZE);
    await p.clock.advanceAsync(1_000);
    await activity.stop();
    expect(spans()).toEqual([
      { title: 'History homework', start: 0, end: 40_000, url: undefined },
      { title: 'Bitesize', start: 40_000, end: 41_000, url: 'https://www.bbc.co.uk/bitesize' },
    ]);
  });

  it('cuts a long span at the maximum length and carries on with the same window', async () => {
    const { p, windows, activity, spans } = rig();
    windows.emit(HOMEWORK);
    for (let t = 0; t < 12; t++) {
      p.idle.input();
      await p.clock.advanceAsync(50_000);
    }
    await activity.stop();
    expect(spans().map((s) => [s.start, s.end])).toEqual([
      [0, 300_000],
      [300_000, 600_000],
    ]);
  });

  it('ends the span at the last input when the person goes idle, and starts a new one when they return', async () => {
    const { p, windows, outbox, activity, spans, t0 } = rig();
    windows.emit(HOMEWORK);
    await p.clock.advanceAsync(10_000);
    p.idle.input();
    await p.clock.advanceAsync(90_000);
    expect(activity.idle).toBe(true);
    windows.emit(BITESIZE);
    await p.clock.advanceAsync(30_000);
    p.idle.input();
    await p.clock.advanceAsync(5_000);
    expect(activity.idle).toBe(false);
    await activity.stop();
    expect(outbox.of('idle-state').map((m) => [m.payload.idle, m.payload.at - t0, m.payload.idleSeconds])).toEqual([
      [true, 10_000, 60],
      [false, 130_000, 120],
    ]);
    expect(spans()).toEqual([
      { title: 'History homework', start: 0, end: 10_000, url: undefined },
      { title: 'Bitesize', start: 130_000, end: 135_000, url: 'https://www.bbc.co.uk/bitesize' },
    ]);
  });

  it('sends nothing while no window has focus', async () => {
    const { p, windows, outbox, activity } = rig();
    windows.emit(undefined);
    p.idle.input();
    await p.clock.advanceAsync(30_000);
    await activity.stop();
    expect(outbox.records).toEqual([]);
  });
});
